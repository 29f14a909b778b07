"""The demo data is a registry: each app lists its own steps (its `demo` module's `DEMO_STEPS`), and
`load_demo_data` runs them in the order they name. The core app imports no other app for it."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from microcred.core import demo
from microcred.core.demo import DemoStep, ordered, registered_steps

COMMAND = Path(demo.__file__).parent / "management" / "commands" / "load_demo_data.py"


def test_every_app_registers_its_step_in_dependency_order():
    steps = registered_steps()
    assert [step.app for step in steps] == [
        "reference",  # the institutions' demo colours: nothing depends on them
        "accounts",  # people first: everything else is made by them
        "proposals",
        "catalogue",
        "handoffs",  # tasks of the approved proposals
        "learning",  # offerings of the catalogue's versions
        "pathways",
        "credentials",  # for the completions
        "seals",  # a TEST seal for each issuer, to seal the Europass files of their credentials
        "pathways",  # the pathway credentials, once the components are issued
        "recognition",
        "surveys",
        "quality",
    ]
    assert steps[-4].message == "Demo pathway credentials: {} awarded."


def test_two_steps_in_one_place_are_refused():
    first = DemoStep(10, "First: {}.", lambda: 1, app="one")
    with pytest.raises(ValueError, match=r"Demo step 10 is already 'First: \{\}.' \(one\)"):
        ordered([first, DemoStep(10, "Second: {}.", lambda: 2, app="two")])
    assert [s.message for s in ordered([DemoStep(20, "b", int), first])] == ["First: {}.", "b"]


def test_the_command_imports_no_app():
    tree = ast.parse(COMMAND.read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {m for m in imported if m.startswith("microcred.")} == {"microcred.core.demo"}


@pytest.mark.django_db
def test_without_reference_data_the_command_says_what_to_run_first_and_creates_nothing():
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError, match=r"run `manage.py load_reference_data` first"):
        call_command("load_demo_data", stdout=StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_the_command_reports_each_step_in_order(monkeypatch):
    ran = []
    steps = [
        DemoStep(1, "Demo one: {} created.", lambda: ran.append("one") or 3, app="a"),
        DemoStep(2, "Demo two: {}.", lambda: ran.append("two") or {"rows": 2}, app="b"),
    ]
    monkeypatch.setattr("microcred.core.management.commands.load_demo_data.registered_steps", lambda: steps)
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert ran == ["one", "two"]
    assert out.getvalue().splitlines() == ["Demo one: 3 created.", "Demo two: {'rows': 2}.", "Demo data ready."]
