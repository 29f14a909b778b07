"""A pathway's rule (pathways/rules.py): its form checked with a message per problem, whether it can be met,
what a learner has done and what remains, the fewest ECTS that complete it, and the rule in words."""

from decimal import Decimal

import pytest
from django.utils import translation

from microcred.pathways import rules
from microcred.pathways.rules import RuleError

# "All of these two, and at least 10 ECTS from this list" (issue #12), and "2 of these 3".
COMBINED = {
    "requirements": [
        {"type": "all_of", "components": [1, 2]},
        {"type": "min_ects", "ects": "10", "components": [3, 4, 5]},
        {"type": "n_of", "n": 2, "components": [6, 7, 8]},
    ]
}
ECTS = {
    1: Decimal(5),
    2: Decimal(3),
    3: Decimal(6),
    4: Decimal(4),
    5: Decimal(5),
    6: Decimal(2),
    7: Decimal(1),
    8: Decimal(3),
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_rule_round_trips_through_its_json_form():
    rule = rules.parse(COMBINED)
    assert rule.components == (1, 2, 3, 4, 5, 6, 7, 8)
    assert rule.as_json() == COMBINED
    assert rules.parse(rule.as_json()) == rule


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "A rule is a list of requirements."),
        ({"requirements": []}, "A rule needs at least one requirement."),
        ({"requirements": [{"type": "some_of", "components": [1]}]}, "Requirement 1: choose"),
        (
            {"requirements": [{"type": "all_of", "components": []}]},
            "Requirement 1: list at least one micro-credential.",
        ),
        ({"requirements": [{"type": "all_of", "components": ["x"]}]}, "Requirement 1: “x” is not a micro-credential."),
        ({"requirements": [{"type": "all_of", "components": [True]}]}, "is not a micro-credential"),
        (
            {"requirements": [{"type": "all_of", "components": [1]}, {"type": "all_of", "components": [2, 1]}]},
            "Requirement 2: a micro-credential is listed twice",
        ),
        ({"requirements": [{"type": "all_of", "components": [1, 1]}]}, "listed twice"),
        ({"requirements": [{"type": "n_of", "n": 0, "components": [1, 2]}]}, "say how many"),
        ({"requirements": [{"type": "n_of", "n": 3, "components": [1, 2]}]}, "3 are needed but only 2 are listed"),
        ({"requirements": [{"type": "min_ects", "ects": "-1", "components": [1]}]}, "give the ECTS credits needed"),
        ({"requirements": [{"type": "min_ects", "ects": "NaN", "components": [1]}]}, "give the ECTS credits needed"),
        ({"requirements": [{"type": "min_ects", "ects": "lots", "components": [1]}]}, "give the ECTS credits needed"),
        ({"requirements": [{"type": "all_of", "components": [n]} for n in range(1, 12)]}, "at most 10 requirements"),
    ],
)
def test_a_malformed_rule_is_refused_with_what_is_wrong(data, message):
    with pytest.raises(RuleError, match=message):
        rules.parse(data)


def test_a_rule_that_cannot_be_met_says_why():
    rule = rules.parse({"requirements": [{"type": "min_ects", "ects": "20", "components": [3, 4, 9]}]})
    found = rules.problems(rule, ECTS)
    assert found == [
        "1 micro-credential of the rule is not an approved micro-credential.",
        "Requirement 1 asks for 20 ECTS, but its micro-credentials are worth 10 ECTS together: it can never be met.",
    ]
    assert rules.problems(rules.parse(COMBINED), ECTS) == []
    assert rules.minimum_ects(rule, ECTS) is None


def test_progress_says_what_is_done_and_what_remains():
    rule = rules.parse(COMBINED)
    nothing = rules.evaluate(rule, {})
    assert not nothing.met and not nothing.started

    half = rules.evaluate(rule, {1: ECTS[1], 3: ECTS[3], 6: ECTS[6], 99: Decimal(30)})  # 99 is no component
    assert not half.met and half.started and half.done == (1, 3, 6)
    all_of, min_ects, n_of = half.requirements
    assert (all_of.met, all_of.remaining, all_of.still_needed) == (False, (2,), 1)
    assert (min_ects.met, min_ects.ects_done, min_ects.ects_still_needed) == (False, Decimal(6), Decimal(4))
    assert (n_of.met, n_of.still_needed, n_of.remaining) == (False, 1, (7, 8))

    held = {c: ECTS[c] for c in (1, 2, 3, 4, 6, 8)}
    done = rules.evaluate(rule, held)
    assert done.met and all(r.met for r in done.requirements)


def test_the_ects_of_the_credential_held_count():
    """A learner's credential carries the ECTS of the version she earned, which may differ from today's."""
    rule = rules.parse({"requirements": [{"type": "min_ects", "ects": "10", "components": [3, 4]}]})
    assert not rules.evaluate(rule, {3: Decimal(6), 4: Decimal(3)}).met
    assert rules.evaluate(rule, {3: Decimal(6), 4: Decimal(4)}).met
    assert not rules.evaluate(rule, {3: None, 4: Decimal(4)}).met  # a version without ECTS adds nothing


def test_the_fewest_ects_that_complete_a_rule():
    # all of 1 and 2: 8; at least 10 from 6, 4, 5: the smallest sum reaching 10 is 6 + 4 = 10; 2 of 2, 1, 3: 1 + 2.
    assert rules.minimum_ects(rules.parse(COMBINED), ECTS) == Decimal(21)
    odd = rules.parse({"requirements": [{"type": "min_ects", "ects": "7", "components": [3, 4, 5]}]})
    assert rules.minimum_ects(odd, ECTS) == Decimal(9)  # 4 + 5: no two reach exactly 7


def test_the_rule_in_plain_words():
    titles = {1: "Data literacy", 2: "Ethics of AI", 3: "Climate law", 4: "Green finance", 5: "Circular design"}
    titles |= {6: "Python", 7: "SQL", 8: "R"}
    assert rules.describe(rules.parse(COMBINED), titles) == [
        "Earn all of: Data literacy and Ethics of AI.",
        "Earn at least 10 ECTS credits from: Climate law, Green finance and Circular design.",
        "Earn at least 2 of: Python, SQL and R.",
    ]
    one = rules.parse({"requirements": [{"type": "all_of", "components": [1]}]})
    assert rules.describe(one, titles) == ["Earn Data literacy."]
