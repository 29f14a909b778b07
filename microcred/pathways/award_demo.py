"""Demo pathway credentials (issue #12, item 4), after the credentials' demo: every learner whose demo credentials
complete a demo pathway is awarded it (the demo learner completes "Sustainable cities"; "Mentoring international
students" stays half done). The credential_issued signal usually awarded them already while the credentials were
issued; this catches any it did not. Idempotent (one award per learner and pathway version)."""

from __future__ import annotations

from microcred.pathways import award
from microcred.pathways.award_models import PathwayAward
from microcred.pathways.models import Pathway, PathwayVersion


def load_demo_pathway_awards() -> int:
    """Award the demo pathways completed; → how many pathway credentials the demo holds."""
    for version in PathwayVersion.objects.filter(is_current=True, pathway__status=Pathway.Status.PUBLISHED):
        award.award_retroactively(version)
    return PathwayAward.objects.count()
