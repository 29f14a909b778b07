"""The navigation is a registry: each app registers its own entries (its `navigation` module), the page frame
only renders them, in the order the entries name. The core app imports no other app for it."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from microcred.core import navigation
from microcred.core.navigation import navigation_for
from microcred.roles import Role

pytestmark = pytest.mark.django_db

EVERY_ENTRY = [
    ("My account", "accounts:profile"),
    ("Proposals", "proposals:list"),
    ("Pathways", "pathways:index"),
    ("My tasks", "handoffs:list"),
    ("Meetings", "proposals:meetings"),
    ("Calls", "proposals:calls"),
    ("My learning", "learning:my-learning"),
    ("Offerings", "learning:offerings"),
    ("Category overviews", "catalogue:manage-overviews"),
    ("My wallet", "wallet:home"),
    ("Guide: what to learn next", "guide:index"),
    ("Recognition of my credentials", "recognition:mine"),
    ("Recognition requests", "recognition:queue"),
    ("Issue credentials", "credentials:issue-queue"),
    ("Pathway credentials", "pathways:awards-to-review"),
    ("Figures and targets", "reporting:dashboard"),
    ("Surveys", "surveys:index"),
    ("Council reports and recommendations", "quality:home"),
    ("Administration", "admin:index"),
    ("Audit log", "audit:list"),
    ("Skills look-up", "reference:skills"),
]


def _menu(user):
    return [(str(item.label), item.url) for item in navigation_for(user)]


def test_someone_with_every_role_sees_every_entry_in_order(make_user, institution):
    everyone = make_user(
        Role.LEARNER,
        (Role.PROPOSER, institution),
        (Role.ASSESSOR, institution),
        (Role.CREDENTIAL_OFFICER, institution),
        Role.BOARD_SECRETARY,
        Role.COMMUNICATION_OFFICE,
        Role.ALLIANCE_ADMIN,
    )
    assert _menu(everyone) == [(label, reverse(name)) for label, name in EVERY_ENTRY]
    assert all(str(item.description) for item in navigation_for(everyone))


def test_a_learner_sees_their_own_entries_and_nobody_logged_out_sees_any(make_user):
    assert [label for label, _url in _menu(make_user(Role.LEARNER))] == [
        "My account",
        "My learning",
        "My wallet",
        "Guide: what to learn next",
        "Recognition of my credentials",
        "Skills look-up",
    ]
    assert navigation_for(AnonymousUser()) == []


def test_an_apps_registered_entry_is_shown_in_its_place_to_whom_it_names(monkeypatch, make_user):
    navigation.load()
    monkeypatch.setattr(navigation, "_ENTRIES", list(navigation._ENTRIES))
    navigation.register(
        navigation.Entry(
            order=85,
            label="Pathways",
            url_name="admin:index",
            description="Build pathways.",
            shows=lambda user: user.email == "pathfinder@example.org",
        )
    )
    pathfinder = make_user(Role.LEARNER, email="pathfinder@example.org")
    labels = [label for label, _url in _menu(pathfinder)]
    assert labels == [
        "My account",
        "My learning",
        "My wallet",
        "Guide: what to learn next",
        "Recognition of my credentials",
        "Pathways",
        "Skills look-up",
    ]
    assert "Pathways" not in [label for label, _url in _menu(make_user(Role.LEARNER))]


def test_two_entries_may_not_share_a_place(monkeypatch):
    navigation.load()
    monkeypatch.setattr(navigation, "_ENTRIES", list(navigation._ENTRIES))
    taken = navigation._ENTRIES[0]
    with pytest.raises(ValueError, match="already"):
        navigation.register(navigation.Entry(order=taken.order, label="Twin", url_name="admin:index"))


def test_each_app_registers_its_own_entries_and_the_core_imports_none():
    navigation.load()
    by_app = {}
    for entry in navigation._ENTRIES:
        by_app.setdefault(entry.app, []).append(entry.url_name.split(":")[0])
    assert by_app == {
        "accounts": ["accounts", "admin"],
        "proposals": ["proposals", "proposals", "proposals"],
        "learning": ["learning", "learning"],
        "catalogue": ["catalogue"],
        "pathways": ["pathways", "pathways"],
        "wallet": ["wallet"],
        "guide": ["guide"],
        "recognition": ["recognition", "recognition"],
        "credentials": ["credentials"],
        "handoffs": ["handoffs"],
        "quality": ["quality"],
        "audit": ["audit"],
        "reference": ["reference"],
        "reporting": ["reporting"],
        "surveys": ["surveys", "surveys"],
    }
    source = Path(navigation.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    apps_imported = {m for m in imported if m.startswith("microcred.") and not m.startswith("microcred.core")}
    assert apps_imported == set()
