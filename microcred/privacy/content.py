"""What a privacy notice says, section by section (GDPR Art. 13), and the check of one language's text.

A notice version holds one text per interface language, each a JSON object:

``title``, ``introduction`` (optional), ``changes`` (optional: what is new in this version), one text per
section of ``SECTIONS``, and ``purposes``: a list of ``{"activity", "lawful_basis", "purpose",
"legitimate_interests"}``, one per processing activity of the platform (``microcred.privacy.registry``), with
its lawful basis under Art. 6(1) and, for Art. 6(1)(f), the interests pursued (Art. 13(1)(d)).

Texts are plain text: a blank line starts a new paragraph; addresses (https://…, e-mail) become links.
``check_text`` is used by the loader and by the admin form, so a file and a form are held to the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.core.text import LINE_TEXT, SECTION_TEXT, single_line_problem

DEFAULT_LANGUAGE = "en"  # the text every notice must have, shown where a language has none


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    article: str  # the GDPR provision the section answers
    required: bool = True


SECTIONS: tuple[Section, ...] = (
    Section("controller", gettext_lazy("Who is responsible for your data"), "Art. 13(1)(a)"),
    Section("dpo", gettext_lazy("Data protection officer"), "Art. 13(1)(b)"),
    # "purposes" (Art. 13(1)(c) and (d)) is the structured list below; it is shown here in this order.
    Section("recipients", gettext_lazy("Who receives your data"), "Art. 13(1)(e)"),
    Section("transfers", gettext_lazy("Transfers outside the European Economic Area"), "Art. 13(1)(f)"),
    Section("retention", gettext_lazy("How long we keep your data"), "Art. 13(2)(a)"),
    Section("rights", gettext_lazy("Your rights"), "Art. 13(2)(b) and (c)"),
    Section("complaint", gettext_lazy("Complaints to a supervisory authority"), "Art. 13(2)(d)"),
    Section("obligation", gettext_lazy("Whether you have to give us your data"), "Art. 13(2)(e)"),
    Section("automated_decisions", gettext_lazy("Automated decisions"), "Art. 13(2)(f)"),
    Section("source", gettext_lazy("Where your data come from"), "Art. 14(2)(f)", required=False),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)
PURPOSES = "purposes"
# What may be marked "to confirm" by the alliance: every section, the purposes and the title.
CONFIRMABLE = ("title", *SECTION_KEYS[:2], PURPOSES, *SECTION_KEYS[2:])

# Art. 6(1)(a)–(f).
LAWFUL_BASES: dict[str, str] = {
    "consent": gettext_lazy("your consent (GDPR Art. 6(1)(a))"),
    "contract": gettext_lazy("a contract with you, or steps you asked for before one (GDPR Art. 6(1)(b))"),
    "legal_obligation": gettext_lazy("a legal obligation of the controller (GDPR Art. 6(1)(c))"),
    "vital_interests": gettext_lazy("the vital interests of a person (GDPR Art. 6(1)(d))"),
    "public_task": gettext_lazy("a task carried out in the public interest (GDPR Art. 6(1)(e))"),
    "legitimate_interests": gettext_lazy("the legitimate interests pursued by the controller (GDPR Art. 6(1)(f))"),
}
TEXT_KEYS = ("title", "introduction", "changes", *SECTION_KEYS)
ALL_KEYS = (*TEXT_KEYS, PURPOSES)


class NoticeContentError(ValueError):
    """One language's text of a notice is not complete or not well-formed. The message says where."""


def section_heading(key: str) -> str:
    for section in SECTIONS:
        if section.key == key:
            return str(section.heading)
    return {
        "title": _("Title"),
        "introduction": _("Introduction"),
        "changes": _("What changed in this version"),
        PURPOSES: _("Why we process your data and on what legal basis"),
    }.get(key, key)


def _text(value, where: str, *, required: bool, max_length: int, one_line: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise NoticeContentError(_("%(where)s must be text.") % {"where": where})
    value = value.strip().replace("\r\n", "\n")
    if required and not value:
        raise NoticeContentError(_("%(where)s is missing: every notice must say it.") % {"where": where})
    if len(value) > max_length:
        raise NoticeContentError(
            _("%(where)s is longer than %(max)d characters.") % {"where": where, "max": max_length}
        )
    if one_line and single_line_problem(value):
        raise NoticeContentError(_("%(where)s must be on one line.") % {"where": where})
    return value


def check_purposes(value, activities: dict[str, str]) -> list[dict]:
    """The purposes, one per processing activity (keys of `activities`), each with a lawful basis."""
    if not isinstance(value, list) or not value:
        raise NoticeContentError(_("The purposes are missing: list at least one, each with its lawful basis."))
    purposes, seen = [], set()
    for i, item in enumerate(value, 1):
        where = _("Purpose %(n)d") % {"n": i}
        if not isinstance(item, dict):
            raise NoticeContentError(
                _("%(where)s must name an activity, a lawful basis and a purpose.") % {"where": where}
            )
        unknown = sorted(set(item) - {"activity", "lawful_basis", "purpose", "legitimate_interests"})
        if unknown:
            raise NoticeContentError(
                _("%(where)s has unknown keys: %(keys)s.") % {"where": where, "keys": ", ".join(unknown)}
            )
        activity = item.get("activity")
        if activity not in activities:
            raise NoticeContentError(
                _(
                    "%(where)s names the activity “%(activity)s”, which the platform does not have (choose from %(choices)s)."
                )
                % {"where": where, "activity": activity, "choices": ", ".join(activities)}
            )
        if activity in seen:
            raise NoticeContentError(
                _("%(where)s repeats the activity “%(activity)s”: describe each activity once.")
                % {"where": where, "activity": activity}
            )
        seen.add(activity)
        basis = item.get("lawful_basis")
        if basis not in LAWFUL_BASES:
            raise NoticeContentError(
                _("%(where)s has the lawful basis “%(basis)s”; choose one of %(choices)s (GDPR Art. 6(1)).")
                % {"where": where, "basis": basis, "choices": ", ".join(LAWFUL_BASES)}
            )
        interests = _text(
            item.get("legitimate_interests"),
            _("The legitimate interests of purpose %(n)d") % {"n": i},
            required=basis == "legitimate_interests",
            max_length=SECTION_TEXT,
        )
        purposes.append(
            {
                "activity": activity,
                "lawful_basis": basis,
                "purpose": _text(
                    item.get("purpose"),
                    _("The text of purpose %(n)d") % {"n": i},
                    required=True,
                    max_length=SECTION_TEXT,
                ),
                "legitimate_interests": interests,
            }
        )
    return purposes


def check_text(data, activities: dict[str, str]) -> dict:
    """One language's text, normalised (stripped, keys in order). Raises NoticeContentError naming the problem."""
    if not isinstance(data, dict):
        raise NoticeContentError(_("A notice text is a set of sections (a JSON object)."))
    unknown = sorted(set(data) - set(ALL_KEYS))
    if unknown:
        raise NoticeContentError(_("Unknown sections: %(keys)s.") % {"keys": ", ".join(unknown)})
    text = {
        "title": _text(data.get("title"), _("The title"), required=True, max_length=LINE_TEXT, one_line=True),
        "introduction": _text(data.get("introduction"), _("The introduction"), required=False, max_length=SECTION_TEXT),
        "changes": _text(data.get("changes"), _("What changed"), required=False, max_length=SECTION_TEXT),
    }
    for section in SECTIONS:
        where = _("The section “%(heading)s”") % {"heading": section.heading}
        text[section.key] = _text(data.get(section.key), where, required=section.required, max_length=SECTION_TEXT)
    text[PURPOSES] = check_purposes(data.get(PURPOSES), activities)
    return text


def legal_skeleton(text: dict) -> list[tuple[str, str]]:
    """What must be the same in every language: the activities and their lawful bases, in order."""
    return [(p["activity"], p["lawful_basis"]) for p in text.get(PURPOSES, [])]


def check_languages(texts: dict[str, dict], activities: dict[str, str], languages: list[str]) -> None:
    """Before publishing: an English text, only interface languages, the same purposes and bases in every language,
    and every activity of the platform described (Art. 13(1)(c): all purposes of the processing)."""
    unknown = sorted(set(texts) - set(languages))
    if unknown:
        raise NoticeContentError(
            _("Texts in languages the interface does not offer: %(languages)s.") % {"languages": ", ".join(unknown)}
        )
    if DEFAULT_LANGUAGE not in texts:
        raise NoticeContentError(_("A notice needs an English text: it is shown wherever a language has none."))
    english = texts[DEFAULT_LANGUAGE]
    missing = [key for key in activities if key not in {a for a, _b in legal_skeleton(english)}]
    if missing:
        raise NoticeContentError(
            _("The notice does not describe these processing activities of the platform: %(keys)s.")
            % {"keys": ", ".join(missing)}
        )
    for language, text in texts.items():
        if legal_skeleton(text) != legal_skeleton(english):
            raise NoticeContentError(
                _(
                    "The text in %(language)s lists other purposes or lawful bases than the English text; they must be the same in every language."
                )
                % {"language": language_name(language)}
            )


def requires_consent(text: dict) -> bool:
    return any(p["lawful_basis"] == "consent" for p in text.get(PURPOSES, []))


def language_name(code: str) -> str:
    """The interface language's name for people (e.g. "Spanish"), in the reader's language."""
    from django.conf import settings

    return str(dict(settings.LANGUAGES).get(code, code))
