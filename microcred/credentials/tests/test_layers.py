"""The credentials app's own layers: who-may-do-what and queries never reach into services, and no import
hides a cycle inside a function body (issue #20: permissions → issuance → status → permissions)."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """(modules imported at the top of the file, modules imported inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
    nested = [
        node.module
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom) and node.module
    ]
    return top, nested


@pytest.mark.parametrize("module", ["permissions.py", "selectors.py"])
def test_permissions_and_selectors_do_not_import_services(module):
    top, nested = _imports(APP / module)
    assert not nested, f"{module} hides imports inside functions: {nested}"
    assert not [m for m in top if m.startswith("microcred.credentials.services")]


def test_the_issuer_rule_lives_in_the_selectors_and_issuance_uses_it():
    from microcred.credentials import selectors
    from microcred.credentials.services import issuance

    assert issuance.issuer_for_version is selectors.issuer_for_version


def test_bulk_issuance_never_imports_the_tasks_that_call_it():
    top, nested = _imports(APP / "services" / "bulk.py")
    assert not nested, f"services/bulk.py hides imports inside functions: {nested}"
    assert "microcred.credentials.tasks" not in top


@pytest.mark.django_db
def test_a_queued_job_is_handed_to_the_worker_task_after_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    from microcred.credentials import tasks
    from microcred.credentials.services import bulk

    sent = []
    monkeypatch.setattr(tasks.run_issuance_job, "delay", lambda job_id: sent.append(job_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bulk._queue(41)
    assert sent == []  # not before the commit
    for callback in callbacks:
        callback()
    assert sent == [41]
