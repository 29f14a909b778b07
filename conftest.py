"""Fixtures shared by every app's tests."""

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _forget_catalogue_memory():
    """Catalogue search remembers facet values and labels per process; a test's rolled-back rows must not
    reach the next test (on SQLite, ids are reused after a rollback)."""
    from microcred.catalogue import facet_memory

    facet_memory.clear()
    yield
    facet_memory.clear()


@pytest.fixture
def institution(db):
    from microcred.reference.models import Institution

    return Institution.objects.create(
        slug="ub", short_name="UB", name="University of Barcelona", country="Spain", country_code="ES", domain="ub.edu"
    )


@pytest.fixture
def other_institution(db):
    from microcred.reference.models import Institution

    return Institution.objects.create(
        slug="uu", short_name="UU", name="Utrecht University", country="Netherlands", country_code="NL", domain="uu.nl"
    )


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    from microcred.accounts.services import assign_role

    counter = {"n": 0}

    def make(*roles, email=None, password="a-long-test-password", verified=True, **extra):
        counter["n"] += 1
        User = get_user_model()
        user = User.objects.create_user(
            email or f"user{counter['n']}@example.org",
            password,
            full_name=extra.pop("full_name", f"Test Person {counter['n']}"),
            email_verified_at=timezone.now() if verified else None,
            **extra,
        )
        for role in roles:
            if isinstance(role, tuple):
                assign_role(user=user, role=role[0], institution=role[1])
            else:
                assign_role(user=user, role=role)
        return user

    return make
