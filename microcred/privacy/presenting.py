"""What the notice page shows, section by section, in the order of GDPR Art. 13."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.privacy import registry, retention, selectors
from microcred.privacy.content import LAWFUL_BASES, PURPOSES, SECTIONS, section_heading

# The rights every data subject has (Art. 15–21, 7(3)); how to use them is the alliance's text ("rights").
RIGHTS = (
    ("access", gettext_lazy("to get a copy of your personal data and to know how they are used (GDPR Art. 15)")),
    ("rectification", gettext_lazy("to have wrong data corrected (GDPR Art. 16)")),
    ("erasure", gettext_lazy("to have your data erased (GDPR Art. 17)")),
    ("restriction", gettext_lazy("to have the processing restricted (GDPR Art. 18)")),
    ("portability", gettext_lazy("to receive your data in a machine-readable form (GDPR Art. 20)")),
    (
        "objection",
        gettext_lazy("to object to processing based on a public task or legitimate interests (GDPR Art. 21)"),
    ),
)
WITHDRAW_CONSENT = gettext_lazy(
    "to withdraw your consent at any time, without affecting what was done before (GDPR Art. 7(3))"
)


@dataclass
class ShownSection:
    key: str
    heading: str
    article: str
    body: str = ""
    to_confirm: bool = False
    purposes: list[dict] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # rights, or the retention schedule
    links: list[tuple[str, str]] = field(default_factory=list)


def _purposes(content: dict, *, only_basis: str = "") -> list[dict]:
    names = {key: str(a.name) for key, a in registry.activities().items()}
    shown = []
    for p in content.get(PURPOSES) or []:
        if not isinstance(p, dict) or (only_basis and p.get("lawful_basis") != only_basis):
            continue
        shown.append(
            {
                "name": names.get(p.get("activity"), p.get("activity")),
                "purpose": p.get("purpose", ""),
                "basis": str(LAWFUL_BASES.get(p.get("lawful_basis"), p.get("lawful_basis", ""))),
                "legitimate_interests": p.get("legitimate_interests", ""),
            }
        )
    return shown


def consent_purposes(content: dict) -> list[dict]:
    """The purposes that rely on consent (GDPR Art. 6(1)(a)): what a person agrees to."""
    return _purposes(content, only_basis="consent")


def sections(content: dict, to_confirm: list[str]) -> list[ShownSection]:
    out = []
    for section in SECTIONS:
        body = content.get(section.key) if isinstance(content.get(section.key), str) else ""
        if not body and not section.required:
            continue
        shown = ShownSection(section.key, str(section.heading), section.article, body, section.key in to_confirm)
        if section.key == "rights":
            shown.items = [str(text) for _key, text in RIGHTS]
            if any(p.get("lawful_basis") == "consent" for p in content.get(PURPOSES) or [] if isinstance(p, dict)):
                shown.items.append(str(WITHDRAW_CONSENT))
            shown.links = [
                (_("Your details (correct them)"), reverse("accounts:profile")),
                (_("My data: download a copy, or erase your account"), reverse("wallet:my-data")),
            ]
        if section.key == "retention":
            shown.items = [rule["text"] for rule in retention.schedule()]
        out.append(shown)
        if section.key == "dpo":  # the purposes come next (Art. 13(1)(c) and (d))
            out.append(
                ShownSection(
                    PURPOSES,
                    section_heading(PURPOSES),
                    "Art. 13(1)(c) and (d)",
                    to_confirm=PURPOSES in to_confirm,
                    purposes=_purposes(content),
                )
            )
    return out


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def page_context(shown: selectors.ShownText, *, current=None, preview: bool = False) -> dict:
    notice = shown.notice
    content = shown.text.content if isinstance(shown.text.content, dict) else {}
    return {
        "notice": notice,
        "current": current,
        "is_current": current is not None and notice.pk == current.pk,
        "preview": preview,
        "title": content.get("title") or _("Privacy notice"),
        "introduction": content.get("introduction", ""),
        "changes": content.get("changes", ""),
        "sections": sections(content, list(notice.to_confirm or [])),
        "to_confirm": [section_heading(key) for key in notice.to_confirm or []],
        "text_language": shown.language,
        "is_fallback": shown.is_fallback,
        "requested_language_name": language_name(shown.requested),
        "versions": list(selectors.published().only("version", "published_at")),
    }
