"""Audit action names are one enumeration (microcred.audit.actions): the code records only names from it, and
`record_audit_event` refuses any other.

When a service records a new action, add its name to `AuditAction`; `test_every_action_the_code_records_is_known`
names the ones that are missing.
"""

import ast
import importlib
from pathlib import Path

import pytest

from microcred.audit.actions import KNOWN_ACTIONS, AuditAction
from microcred.audit.models import AuditEvent
from microcred.audit.services import record_audit_event

ROOT = Path(__file__).resolve().parents[2]  # the microcred package


def _proposal_actions() -> list[str]:
    # Read through importlib: the audit app depends on no app that writes to it, its tests only look.
    workflow = importlib.import_module("microcred.proposals.workflow")
    return [f"proposal.{action}" for action in workflow.Action]


def _throttle_kinds() -> list[str]:
    tree = ast.parse((ROOT / "accounts" / "services.py").read_text(encoding="utf-8"))
    kinds = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_spend"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert kinds, "accounts.services._spend is no longer called with a kind: update this test"
    return [f"account.{kind}_throttled" for kind in kinds]


def _reference_admin_edits(*changes: str) -> list[str]:
    from django.contrib import admin

    reference_admin = importlib.import_module("microcred.reference.admin")
    models = [m for m, a in admin.site._registry.items() if isinstance(a, reference_admin.EditableReference)]
    assert models, "no editable reference table in the admin: update this test"
    return [f"reference.{m._meta.model_name}.{change}" for m in models for change in changes]


# Names built at run time, by their template (the f-string with each replacement field as {}): every name each
# can give.
DYNAMIC = {
    "proposal.{}": _proposal_actions,
    "account.{}_throttled": _throttle_kinds,
    "reference.{}.{}": lambda: _reference_admin_edits("changed", "added"),
    "reference.{}.deleted": lambda: _reference_admin_edits("deleted"),
}


def _template(expr: ast.expr) -> str | None:
    if not isinstance(expr, ast.JoinedStr):
        return None
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in expr.values)


def _is_audit_write(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name == "record_audit_event":
        return True
    # AuditEvent.objects.create(...) (data migrations write the log directly) and AuditEvent(...)
    return "AuditEvent" in ast.unparse(func) and name in {"create", "AuditEvent"}


def _names(expr: ast.expr, where: str) -> list[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        return _names(expr.body, where) + _names(expr.orelse, where)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "AuditAction":
        return [getattr(AuditAction, expr.attr).value]
    template = _template(expr)
    if template in DYNAMIC:
        return DYNAMIC[template]()
    raise AssertionError(
        f"{where}: cannot tell which audit action {ast.unparse(expr)} records; add it to DYNAMIC in {__file__}"
    )


def recorded_actions(sources: dict[str, str]) -> dict[str, list[str]]:
    """{action name: [file:line, …]} of every audit write in `sources` ({file name: Python source})."""
    found: dict[str, list[str]] = {}
    for filename, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call) or not _is_audit_write(node):
                continue
            where = f"{filename}:{node.lineno}"
            for keyword in node.keywords:
                if keyword.arg == "action":
                    for name in _names(keyword.value, where):
                        found.setdefault(name, []).append(where)
    return found


def _code() -> dict[str, str]:
    """The platform's Python code (migrations included), without its tests and the log's own writer."""
    writer = ROOT / "audit" / "services.py"
    return {
        str(path.relative_to(ROOT.parent)): path.read_text(encoding="utf-8")
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts and path != writer
    }


def test_every_action_the_code_records_is_known():
    found = recorded_actions(_code())
    assert len(found) > 60 and {"credential.issued", "proposal.council_approve", "account.login_throttled"} <= set(
        found
    )  # the scan reads the services
    unknown = {name: where for name, where in found.items() if name not in KNOWN_ACTIONS}
    assert unknown == {}, "add these to microcred.audit.actions.AuditAction"


def test_the_scan_finds_a_name_missing_from_the_enumeration():
    source = (
        "record_audit_event(actor=None, action='credential.issued')\n"
        "record_audit_event(actor=None, action='made.up' if x else 'share_link.created')\n"
        "AuditEvent.objects.create(action='also.made_up')\n"
        "record_audit_event(actor=None, action=AuditAction.ROLE_GRANTED)\n"
    )
    found = recorded_actions({"example.py": source})
    assert sorted(found) == ["also.made_up", "credential.issued", "made.up", "role.granted", "share_link.created"]
    assert [name for name in found if name not in KNOWN_ACTIONS] == ["made.up", "also.made_up"]
    with pytest.raises(AssertionError, match="cannot tell which audit action"):
        recorded_actions({"example.py": "record_audit_event(actor=None, action=some_variable)"})
    with pytest.raises(AssertionError, match="cannot tell which audit action"):
        recorded_actions({"example.py": "record_audit_event(actor=None, action=f'pathway.{step}')"})
    throttled = recorded_actions({"example.py": "record_audit_event(actor=None, action=f'account.{k}_throttled')"})
    assert sorted(throttled) == [
        "account.login_throttled",
        "account.oidc_callback_throttled",
        "account.password_reset_throttled",
        "account.registration_throttled",
    ]


def test_names_are_unique_and_shaped_object_dot_event():
    values = [member.value for member in AuditAction]
    assert len(values) == len(set(values)) == len(KNOWN_ACTIONS)
    assert all(len(v) <= AuditEvent._meta.get_field("action").max_length and "." in v for v in values)


@pytest.mark.django_db
def test_an_unknown_action_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match=r"Unknown audit action 'credential\.issud'"):
        record_audit_event(actor=None, action="credential.issud")
    assert not AuditEvent.objects.exists()
    event = record_audit_event(actor=None, action=AuditAction.CREDENTIAL_ISSUED)
    event.refresh_from_db()
    assert event.action == "credential.issued"
