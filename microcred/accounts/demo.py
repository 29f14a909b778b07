"""Demo people for every role at several member universities (the journeys in docs/journeys.md).

All demo accounts share one password, listed in the README. Idempotent: re-running changes nothing.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred.accounts.services import assign_role
from microcred.core.demo import DemoDataMissing, DemoStep
from microcred.roles import Role

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - public demo data, documented in the README

# (e-mail, full name, [(role, institution short name or None)])
DEMO_PEOPLE: list[tuple[str, str, list[tuple[Role, str | None]]]] = [
    ("admin@demo.microcred.eu", "Alex Admin", [(Role.ALLIANCE_ADMIN, None)]),
    ("proposer.ub@demo.microcred.eu", "Laia Puig", [(Role.PROPOSER, "UB"), (Role.ASSESSOR, "UB")]),
    ("manager.ub@demo.microcred.eu", "Jordi Serra", [(Role.INSTITUTIONAL_MANAGER, "UB")]),
    ("proposer.um@demo.microcred.eu", "Camille Martin", [(Role.PROPOSER, "UM")]),
    ("manager.um@demo.microcred.eu", "Hugo Bernard", [(Role.INSTITUTIONAL_MANAGER, "UM")]),
    ("proposer.elte@demo.microcred.eu", "Zsófia Nagy", [(Role.PROPOSER, "ELTE")]),
    ("manager.elte@demo.microcred.eu", "Bence Kovács", [(Role.INSTITUTIONAL_MANAGER, "ELTE")]),
    ("proposer.uu@demo.microcred.eu", "Daan de Vries", [(Role.PROPOSER, "UU")]),
    ("manager.uu@demo.microcred.eu", "Sanne Jansen", [(Role.INSTITUTIONAL_MANAGER, "UU")]),
    ("proposer.jmu@demo.microcred.eu", "Lena Schmidt", [(Role.PROPOSER, "JMU")]),
    ("manager.jmu@demo.microcred.eu", "Felix Wagner", [(Role.INSTITUTIONAL_MANAGER, "JMU")]),
    ("proposer.aau@demo.microcred.eu", "Emma Lindqvist", [(Role.PROPOSER, "ÅAU")]),
    ("secretary@demo.microcred.eu", "Bríd Ní Bhriain", [(Role.BOARD_SECRETARY, None)]),
    ("chair@demo.microcred.eu", "Pieter Bakker", [(Role.COUNCIL_CHAIR, None), (Role.COUNCIL_MEMBER, None)]),
    ("council@demo.microcred.eu", "Márta Szabó", [(Role.COUNCIL_MEMBER, None)]),
    ("council2@demo.microcred.eu", "Ingrid Hansen", [(Role.COUNCIL_MEMBER, None)]),
    ("board@demo.microcred.eu", "Conor Walsh", [(Role.EXECUTIVE_BOARD_MEMBER, None)]),
    ("assessor.tcd@demo.microcred.eu", "Aoife Murphy", [(Role.ASSESSOR, "TCD")]),
    ("officer.ub@demo.microcred.eu", "Marta Vidal", [(Role.CREDENTIAL_OFFICER, "UB")]),
    ("officer.alliance@demo.microcred.eu", "Nora Berg", [(Role.CREDENTIAL_OFFICER, None)]),
    ("recognition.uu@demo.microcred.eu", "Maarten Visser", [(Role.RECOGNITION_OFFICER, "UU")]),
    ("recognition2.uu@demo.microcred.eu", "Fleur Mulder", [(Role.RECOGNITION_OFFICER, "UU")]),
    ("recognition.ub@demo.microcred.eu", "Núria Ferrer", [(Role.RECOGNITION_OFFICER, "UB")]),
    ("quality@demo.microcred.eu", "Olivier Petit", [(Role.QUALITY_OFFICE, None)]),
    ("communication@demo.microcred.eu", "Eva Tóth", [(Role.COMMUNICATION_OFFICE, None)]),
    ("learner@demo.microcred.eu", "Katrin Weber", [(Role.LEARNER, None)]),
    ("learner2@demo.microcred.eu", "Tomás García", [(Role.LEARNER, None)]),
]

# The learner background of the demo learners (issue #15), set when each account is made: a spread like the
# alliance's (mostly students of its universities, a good share of lifelong learners, some staff, a few others),
# from its countries and beyond, with optional details sometimes left unsaid. learner2 has said nothing, so the
# question after logging in can be seen.
# (learner_group, country, age_band, employment_status)
_KATRIN = ("lifelong_learner", "DE", "35_44", "employed")
_JOURNEY_LEARNERS = [  # learner01 … learner27 (microcred.learning.demo)
    ("member_student", "CZ", "under_25", "studying"),
    ("member_student", "NL", "under_25", "studying"),
    ("lifelong_learner", "IT", "35_44", "employed"),
    ("member_student", "HU", "under_25", "studying"),
    ("member_student", "FI", "under_25", ""),
    ("member_student", "IE", "under_25", "studying"),
    ("lifelong_learner", "DE", "45_54", "employed"),
    ("member_student", "FR", "25_34", "studying"),
    ("lifelong_learner", "PT", "25_34", "seeking"),
    ("member_staff", "DE", "35_44", "employed"),
    ("member_student", "HU", "under_25", "studying"),
    ("other", "BE", "", ""),
    ("member_student", "PL", "under_25", "studying"),
    ("lifelong_learner", "IE", "55_plus", "employed"),
    ("member_student", "ES", "under_25", "studying"),
    ("member_staff", "DE", "45_54", "employed"),
    ("member_student", "FR", "under_25", ""),
    ("lifelong_learner", "ES", "35_44", "employed"),
    ("member_student", "NO", "25_34", "studying"),
    ("lifelong_learner", "HU", "45_54", "seeking"),
    ("member_staff", "FI", "55_plus", "employed"),
    ("member_student", "HU", "under_25", "studying"),
    ("other", "", "", ""),
    ("member_student", "ES", "under_25", "studying"),
    ("lifelong_learner", "", "25_34", "employed"),
    ("member_student", "HU", "25_34", "studying"),
    ("lifelong_learner", "FI", "35_44", "employed"),
]
DEMO_BACKGROUND = {"learner@demo.microcred.eu": _KATRIN} | {
    f"learner{i:02d}@demo.microcred.eu": row for i, row in enumerate(_JOURNEY_LEARNERS, 1)
}


def demo_background(email: str) -> dict[str, str]:
    """The fields of a demo learner's background, to create the account with ({} for the others)."""
    row = DEMO_BACKGROUND.get(email)
    if row is None:
        return {}
    return dict(zip(("learner_group", "country", "age_band", "employment_status"), row, strict=True))


@transaction.atomic
def load_demo_people(institutions_by_short_name: dict) -> int:
    User = get_user_model()
    created = 0
    for email, name, roles in DEMO_PEOPLE:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, full_name=name, email_verified_at=timezone.now(), **demo_background(email)
            )
            created += 1
        for role, short in roles:
            institution = None
            if short is not None:
                institution = institutions_by_short_name.get(short)
                if institution is None:
                    raise DemoDataMissing(f"Demo data names the institution {short!r}, which reference data lacks.")
            assign_role(user=user, role=role, institution=institution)
        if any(role == Role.ALLIANCE_ADMIN for role, _ in roles) and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return created


def _load_people() -> int:
    # Institutions are reference data, an app above accounts: looked up by label, not imported.
    institutions = {i.short_name: i for i in apps.get_model("reference", "Institution").objects.all()}
    if not institutions:
        raise DemoDataMissing("No member institutions yet: run `manage.py load_reference_data` first.")
    return load_demo_people(institutions)


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(10, "Demo people: {} created, the rest already there.", _load_people),
]
