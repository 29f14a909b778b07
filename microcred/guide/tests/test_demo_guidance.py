"""The demo catalogue gives the guide sensible answers (issue #13 item 6): over a slice of the real ESCO release,
"environmental engineer", "data analyst" and "sustainability manager" each rank the micro-credentials about their
work first, and nothing unrelated (languages, health, gender studies) covers them."""

import pytest

from microcred.guidance import coverage
from microcred.guide import selectors
from microcred.reference.models import EscoOccupation

pytestmark = pytest.mark.django_db

UNRELATED = {
    "Hungarian for international researchers",
    "Spanish for academic mobility",
    "Mental health first steps for student mentors",
    "Gender in research and innovation",
    "Human rights in European societies",
}


def guide(label):
    occupation = EscoOccupation.objects.get(preferred_label=label)
    return selectors.answer(coverage.target_for_occupation(occupation), selectors.parse_filters({}), limit=10)


def test_the_three_occupations_get_sensible_ranked_answers(demo_catalogue):
    engineer = guide("environmental engineer")
    titles = [r.title for r in engineer.results]
    assert titles[0] == "Environmental impact assessment and remediation"
    assert {"Waste management and the circular city", "Environmental data analysis with Python"} <= set(titles[:5])
    top = engineer.results[0]
    assert {"carry out environmental audits", "develop environmental remediation strategies"} <= {
        s.label for s in top.covered
    }
    assert "engineering principles" in {s.label for s in top.missing}

    analyst = guide("data analyst")
    titles = [r.title for r in analyst.results]
    assert titles[:2] == ["Databases and SQL for data analysis", "Business intelligence and data visualisation"]
    assert {"Data analytics for public policy", "Environmental data analysis with Python"} <= set(titles[:5])
    assert [s.title for s in analyst.combination[:2]] == titles[:2]

    manager = guide("sustainability manager")
    titles = [r.title for r in manager.results]
    assert set(titles[:3]) == {
        "Circular economy for product designers",
        "Environmental management systems",
        "Sustainability reporting for small and medium-sized enterprises",
    }
    assert "Sustainable finance" in titles[:5]

    for answer in (engineer, analyst, manager):
        assert not UNRELATED & {r.title for r in answer.results}
        # Essential skills weigh more: each top result covers essential skills of the occupation.
        assert any(s.essential for s in answer.results[0].covered)
        # The combination covers more than any one micro-credential.
        assert answer.combination_score > answer.results[0].score
