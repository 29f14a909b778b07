"""A survey question's distribution drawn on the server as SVG: no script, no library, nothing from a CDN.

Horizontal bars, one per answer (1 to 5, or each option), each with its label above it and its count and share
after it, so colour is never the only cue (WCAG 2.1 SC 1.4.1). The chart is an image with a name and a description
(``role="img"``, ``<title>``, ``<desc>``, SC 1.1.1); the page shows its data as a table too. No ``style``
attribute (the Content-Security-Policy forbids inline styles); every label is escaped. Colours: bars 11.6:1 and
text 16:1 against white.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from microcred.core.text import drawable

BAR = "#003d7a"
INK = "#1b1f24"
TRACK = "#e8edf3"
WIDTH = 640
FONT = 13
ROW = 40
BAR_HEIGHT = 14
LABEL_WIDTH = 470


def share(count: int, total: int) -> str:
    """ "40 %" in the active language's format (a whole number)."""
    if not total:
        return "—"
    return formats.number_format(round(count * 100 / total), decimal_pos=0, use_l10n=True) + " %"


def _safe_id(chart_id: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id).strip("-") or "chart"
    return cleaned if cleaned[0].isalpha() else f"chart-{cleaned}"


def summary(question_text: str, bars: Sequence, total: int) -> str:
    """One sentence: which answer was given most, and how many answered."""
    if not total or not bars:
        return _("Nobody answered “%(question)s”.") % {"question": question_text}
    top = max(b.count for b in bars)
    leaders = [b.label for b in bars if b.count == top]
    return _("“%(question)s”: the most given answer was %(answers)s (%(count)s of %(total)s).") % {
        "question": question_text,
        "answers": " / ".join(f"“{label}”" for label in leaders),
        "count": top,
        "total": total,
    }


def distribution_chart(chart_id: str, question_text: str, bars: Sequence, total: int) -> SafeString:
    """The bars of ``bars`` (each with ``label`` and ``count``), scaled to ``total`` responses to the question."""
    cid = _safe_id(chart_id)
    height = max(len(bars), 1) * ROW + 8
    body = []
    for index, bar in enumerate(bars):
        y = index * ROW
        length = (bar.count / total * LABEL_WIDTH) if total else 0
        label = escape(drawable(bar.label))
        value = escape(f"{bar.count} ({share(bar.count, total)})")
        body.append(f'<text x="0" y="{y + 14}" fill="{INK}">{label}</text>')
        body.append(
            f'<rect class="chart-track" x="0" y="{y + 20}" width="{LABEL_WIDTH}" height="{BAR_HEIGHT}" fill="{TRACK}"/>'
        )
        if length:
            body.append(
                f'<rect class="chart-bar" x="0" y="{y + 20}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
        body.append(f'<text x="{LABEL_WIDTH + 8}" y="{y + 32}" fill="{INK}">{value}</text>')
    description = escape(drawable(summary(question_text, bars, total)))
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="DejaVu Sans, Verdana, sans-serif" font-size="{FONT}">'
        f'<title id="{cid}-title">{escape(drawable(question_text))}</title><desc id="{cid}-desc">{description}</desc>'
        + "".join(body)
        + "</svg>"
    )
