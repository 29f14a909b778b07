"""The server-drawn SVG charts: safe to embed, named and described for assistive technology, to scale, and
written in the reader's language."""

import datetime as dt
from decimal import Decimal
from xml.etree import ElementTree

from django.utils import translation

from microcred.reporting import charts
from microcred.reporting.indicators import Indicator, Row, Status

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ElementTree.fromstring(str(chart.svg))  # noqa: S314 (our own output)


def bar_widths(root):
    return [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]


def test_labels_are_escaped_and_the_markup_is_well_formed():
    hostile = '<script>alert("x")</script> & Partners'
    chart = charts.bar_chart([Row("a", hostile, 3)], chart_id="unis", title="By university", what="ECTS prepared")
    markup = str(chart.svg)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup and "&amp; Partners" in markup
    root = parse(chart)  # an XML parser accepts it: nothing broke out of a text node or an attribute
    assert hostile in "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_hostile_chart_id_and_title_stay_inside_their_attributes():
    chart = charts.bar_chart([Row("a", "A", 1)], chart_id='x" onload="alert(1)', title='"><script>', what="w")
    root = parse(chart)
    assert root.get("onload") is None
    assert "<script>" not in str(chart.svg)
    assert root.find(f"{SVG}title").text == '"><script>'


def test_every_chart_is_a_named_described_image_without_inline_style():
    indicator = Indicator("ects", "ECTS prepared", "Sum of ECTS", 12, "ECTS", target=100, status=Status.BEHIND)
    drawings = [
        charts.bar_chart([Row("a", "A", 1)], chart_id="bars", title="Bars", what="w"),
        charts.column_chart([Row("2026-01", "2026-01", 1)], chart_id="cols", title="Columns", what="w"),
        charts.target_bar(indicator, chart_id="goal"),
        charts.bar_chart([], chart_id="none", title="Nothing", what="w"),
    ]
    for chart in drawings:
        root = parse(chart)
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text == chart.title and desc.text == chart.summary
        assert "style=" not in str(chart.svg)


def test_bar_lengths_are_proportional_to_the_values():
    chart = charts.bar_chart([Row("a", "A", 10), Row("b", "B", 5), Row("c", "C", 0)], chart_id="b", title="t", what="w")
    ten, five, zero = bar_widths(parse(chart))
    assert ten > 0
    assert abs(ten - 2 * five) < 0.02
    assert zero == 0


def test_column_heights_are_proportional_to_the_values():
    rows = [Row("2025-09", "2025-09", Decimal("4")), Row("2025-10", "2025-10", Decimal("12"))]
    chart = charts.column_chart(rows, chart_id="c", title="t", what="w")
    heights = [float(r.get("height")) for r in parse(chart).iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert abs(heights[1] - 3 * heights[0]) < 0.02


def test_target_bar_puts_the_value_and_the_expected_mark_on_the_targets_scale():
    indicator = Indicator(
        "ects",
        "ECTS prepared",
        "def",
        25,
        "ECTS",
        target=100,
        target_date=dt.date(2027, 6, 30),
        status=Status.BEHIND,
        expected_now=Decimal("50"),
    )
    root = parse(charts.target_bar(indicator, chart_id="t"))
    track = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-track")
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar")
    expected = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-expected")
    assert abs(float(bar.get("width")) * 4 - float(track.get("width"))) < 0.1
    assert abs(float(expected.get("x1")) - float(track.get("x")) - float(track.get("width")) / 2) < 0.1
    assert "Expected now" in " ".join(t.text for t in root.iter(f"{SVG}text"))


def test_summary_names_the_leader():
    rows = [Row("ub", "University of Barcelona", 24), Row("uu", "Utrecht University", 6)]
    summary = charts.breakdown_summary(rows, "ECTS prepared", "ECTS")
    assert summary.startswith("University of Barcelona has the highest figure")
    assert "24 ECTS" in summary
    tie = charts.breakdown_summary([Row("a", "A", 3), Row("b", "B", 3)], "w", "")
    assert "A, B share" in tie


def test_series_summary_names_the_highest_and_latest_periods():
    rows = [Row("2026-01", "2026-01", 2), Row("2026-02", "2026-02", 9), Row("2026-03", "2026-03", 4)]
    summary = charts.series_summary(rows, "Learners certified", "")
    assert "2026-02 (9)" in summary and "2026-03" in summary and "4" in summary


def test_numbers_follow_the_active_language():
    rows = [Row("a", "A", Decimal("1234.5"))]
    with translation.override("en"):
        assert "1,234.5" in str(charts.bar_chart(rows, chart_id="b", title="t", what="w").svg)
    with translation.override("fr"):
        text = charts.format_number(Decimal("1234.5"))
        assert "," in text and "." not in text  # French: decimal comma, a space between thousands


def test_status_in_words_in_the_summary():
    reached = Indicator("x", "Approved", "def", 12, "micro-credentials", target=10, status=Status.REACHED)
    assert "target reached" in charts.target_summary(reached)
    no_target = Indicator("y", "Lifelong learners", "def", 3, "learners")
    assert "no target" in charts.target_summary(no_target)


def test_without_a_target_a_count_is_told_in_words_and_a_share_drawn_out_of_100():
    count = charts.target_bar(Indicator("n", "Learners", "def", 7, "learners"), chart_id="n")
    assert not list(parse(count).iter(f"{SVG}rect")) and not count.drawn
    assert "Learners: 7 learners (no target is set)." in str(count.svg)
    share = parse(charts.target_bar(Indicator("p", "Lifelong learners", "def", 25, "%"), chart_id="p"))
    track = next(r for r in share.iter(f"{SVG}rect") if r.get("class") == "chart-track")
    bar = next(r for r in share.iter(f"{SVG}rect") if r.get("class") == "chart-bar")
    assert abs(float(bar.get("width")) * 4 - float(track.get("width"))) < 0.1
    assert not [line for line in share.iter(f"{SVG}line") if line.get("class") == "chart-target"]
