"""Which personal data the platform holds, where, why and for how long: the source of the record of processing
activities (GDPR Art. 30(1)).

Every model of the installed apps is declared, either with the fields that hold personal data (each with its
category), the processing activity it serves, whose data they are and how long they are kept, or as holding no
personal data. `problems()` (a system check and a test) names every model that is not declared and every field
that looks personal (an e-mail address, a name of a person, a DID, a wallet key, an IP-derived value, a link to a
person's account) but is not declared.

The platform's declarations are in `microcred.privacy.declarations`; an app may declare its own models in a
`personal_data` module of its own, found at start-up like admin modules.

The same module is where an app takes its part in the learner's rights: `export_personal_data(user)` returns the
app's files of the copy of the learner's data (GDPR Art. 15 and 20) and `erase_personal_data(user)` removes what
the app holds about the learner when the account is erased (Art. 17). `data_rights()` lists them; the wallet runs
them, so no other app is named there. The module needs to import nothing from this one.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    LEARNERS = "learners", _("learners (people with a learner account)")
    STAFF = "staff", _("staff of the alliance and its member institutions")
    VISITORS = "visitors", _("visitors of public pages (credential verification, share links)")


class Category(models.TextChoices):
    IDENTITY = "identity", _("names")
    CONTACT = "contact", _("e-mail addresses")
    ONLINE_IDENTIFIERS = (
        "online_identifiers",
        _("online identifiers (decentralised identifiers, wallet keys, keyed hashes of e-mail and client addresses)"),
    )
    AUTHENTICATION = "authentication", _("authentication data (password hashes, sessions, tokens)")
    ACCOUNT = "account", _("account details (language, dates, status)")
    ROLES = "roles", _("roles and affiliation with a member institution")
    EDUCATION = "education", _("education and training records (enrolments, results, grades, credentials)")
    CONTRIBUTIONS = "contributions", _("work of staff (proposals, reviews, comments, decisions, texts)")
    ACTIVITY = "activity", _("records of who did what and when")
    COMMUNICATION = "communication", _("messages sent to people")
    BACKGROUND = "background", _("learner group, country, age band and employment status (for reporting only)")


# Technical and organisational measures (Art. 32), as the platform implements them; each activity lists its own.
SECURITY_MEASURES: dict[str, str] = {
    "access_control": _("Access by role only: each page and API call checks the person's role and institution."),
    "password_hashing": _(
        "Passwords are kept only as salted, slow hashes; log-in, password reset and sign-up are throttled."
    ),
    "staff_sessions": _("Staff sessions end after a period without activity."),
    "audit_log": _(
        "Every write that matters is recorded in an append-only audit log that names people by number only."
    ),
    "transport": _("HTTPS only in production (HSTS), a strict Content-Security-Policy and no third-party assets."),
    "hashed_tokens": _(
        "Share-link, offer and access tokens are stored only as hashes; the tokens are only in the holder's hands."
    ),
    "key_encryption": _(
        "Issuers' signing keys are encrypted at rest with a key-encryption key kept outside the database."
    ),
    "signed_credentials": _(
        "Credentials are signed (Data Integrity eddsa-rdfc-2022) and revocable through status lists."
    ),
    "retention": _("A retention schedule deletes data that are no longer needed, every day."),
    "erasure": _("Learners export their data and erase their account themselves."),
    "pseudonymous_keys": _(
        "Rate limits count by keyed hashes of client addresses, kept in the cache for their window only."
    ),
    "aggregated_reports": _(
        "Reports show totals only, never a person; a total small enough to single someone out is not shown."
    ),
}


@dataclass(frozen=True)
class Activity:
    """A processing activity (Art. 30(1)(b)–(g)). Its lawful basis is the alliance's, in the privacy notice."""

    key: str
    name: str
    purpose: str
    subjects: tuple[str, ...]
    recipients: tuple[str, ...]
    security: tuple[str, ...]


@dataclass(frozen=True)
class Declaration:
    """A model's personal data: `fields` maps each personal field to its category."""

    model: str  # app_label.ModelName
    activity: str
    subjects: tuple[str, ...]
    fields: dict[str, str]
    retention: str  # how long, in words
    rule: str = ""  # the retention rule (microcred.privacy.retention) that deletes rows, if one does
    not_personal: dict[str, str] = field(default_factory=dict)  # fields that look personal, and why they are not


@dataclass(frozen=True)
class NoPersonalData:
    model: str
    reason: str


ACTIVITIES: dict[str, Activity] = {}
DECLARATIONS: dict[str, Declaration | NoPersonalData] = {}


def activity(key: str, name, purpose, *, subjects: Iterable[str], recipients: Iterable, security: Iterable[str]):
    unknown = [m for m in security if m not in SECURITY_MEASURES]
    if unknown:
        raise ValueError(f"Activity {key}: unknown security measures {unknown}")
    ACTIVITIES[key] = Activity(key, name, purpose, tuple(subjects), tuple(recipients), tuple(security))
    return ACTIVITIES[key]


def declare(
    model: str,
    *,
    activity: str,
    subjects: Iterable[str],
    fields: dict[str, str],
    retention,
    rule: str = "",
    not_personal: dict[str, str] | None = None,
) -> Declaration:
    if model in DECLARATIONS:
        raise ValueError(f"{model} is declared twice")
    DECLARATIONS[model] = Declaration(
        model, activity, tuple(subjects), dict(fields), retention, rule, not_personal or {}
    )
    return DECLARATIONS[model]


def declare_no_personal_data(*labels: str, reason) -> None:
    for label in labels:
        if label in DECLARATIONS:
            raise ValueError(f"{label} is declared twice")
        DECLARATIONS[label] = NoPersonalData(label, reason)


_loaded = False


def load() -> None:
    """Import the platform's declarations and every app's `personal_data` module (once)."""
    global _loaded
    if _loaded:
        return
    from django.utils.module_loading import autodiscover_modules

    from microcred.privacy import declarations  # noqa: F401

    autodiscover_modules("personal_data")
    _collect_data_rights()
    _loaded = True


def activities() -> dict[str, Activity]:
    load()
    return ACTIVITIES


def declarations() -> dict[str, Declaration | NoPersonalData]:
    load()
    return DECLARATIONS


# -- Checking the declarations against the models ------------------------------------------------------------

# Field names that say a person's data is in them; each such field must be declared (personal or not, and why).
PERSONAL_NAME = re.compile(
    r"(^|_)(e?mail|email_address|full_name|first_name|last_name|surname|learner|holder|did|jwk|ip|ip_address|"
    r"remote_addr|user_agent|phone|birth|user|actor|author|proposer|person)(_|$)"
)


def _points_at_people(f) -> bool:
    target = getattr(f, "related_model", None)
    return bool(f.is_relation and target is not None and target._meta.label_lower == settings.AUTH_USER_MODEL.lower())


def looks_personal(f) -> bool:
    """A field that, by its type, its target or its name, holds data about a person."""
    if isinstance(f, models.EmailField | models.GenericIPAddressField):
        return True
    if _points_at_people(f):
        return True
    return bool(PERSONAL_NAME.search(f.name))


def model_label(model) -> str:
    return model._meta.label  # "accounts.User"


def checked_models() -> list[type[models.Model]]:
    """Every concrete model of every installed app (proxies share their model's table)."""
    return [m for m in apps.get_models() if not m._meta.proxy]


def _fields(model) -> list:
    return [f for f in model._meta.get_fields() if (f.concrete or f.many_to_many) and not f.auto_created]


def problems(declared: dict | None = None, models_to_check: Iterable | None = None) -> list[str]:
    """What is wrong with the declarations, one sentence each (none: every personal field is declared)."""
    declared = declarations() if declared is None else declared
    found = []
    every_model = models_to_check is None  # then a declaration of a model that does not exist is stale too
    models_to_check = checked_models() if every_model else list(models_to_check)
    labels = {model_label(m) for m in models_to_check}
    for model in models_to_check:
        label = model_label(model)
        declaration = declared.get(label)
        names = {f.name for f in _fields(model)}
        personal_looking = sorted(f.name for f in _fields(model) if looks_personal(f))
        if declaration is None:
            found.append(f"{label} is not declared: list its personal-data fields or declare it holds none.")
            continue
        if isinstance(declaration, NoPersonalData):
            for name in personal_looking:
                found.append(f"{label}.{name} looks like personal data but {label} is declared to hold none.")
            continue
        if declaration.activity not in activities():
            found.append(f"{label} names an unknown processing activity {declaration.activity!r}.")
        for name in sorted(set(declaration.fields) | set(declaration.not_personal)):
            if name not in names:
                found.append(f"{label}.{name} is declared but the model has no such field.")
        for name, category in declaration.fields.items():
            if category not in Category.values:
                found.append(f"{label}.{name} has an unknown category {category!r}.")
        for name in personal_looking:
            if name not in declaration.fields and name not in declaration.not_personal:
                found.append(f"{label}.{name} looks like personal data and is not declared.")
        if declaration.rule:
            from microcred.privacy.retention import RULES

            if declaration.rule not in RULES:
                found.append(f"{label} names an unknown retention rule {declaration.rule!r}.")
    if every_model:
        for label in sorted(set(declared) - labels):
            found.append(f"{label} is declared but there is no such model.")
    return found


# Categories of data that another processing activity uses besides the one whose models hold them (GDPR Art. 30(1)(b)
# and (c): each purpose with the data it uses), e.g. the learner's background, kept with the account and used only
# for reporting. {category: (activity, …)}
CATEGORY_ALSO_USED_BY: dict[str, tuple[str, ...]] = {}


def also_used_by(category: str, *activity_keys: str) -> None:
    CATEGORY_ALSO_USED_BY[category] = (*CATEGORY_ALSO_USED_BY.get(category, ()), *activity_keys)


def _uses(declaration: Declaration, activity_key: str, category: str) -> bool:
    return declaration.activity == activity_key or activity_key in CATEGORY_ALSO_USED_BY.get(category, ())


def declarations_used_by(activity_key: str) -> list[Declaration]:
    """The declared models that hold personal data one activity uses (its own, and categories it also uses)."""
    return [
        d
        for d in declarations().values()
        if isinstance(d, Declaration) and any(_uses(d, activity_key, category) for category in d.fields.values())
    ]


def personal_fields_of(activity_key: str) -> dict[str, list[str]]:
    """{category: ["accounts.User.email", …]} of one activity, from the declarations."""
    out: dict[str, list[str]] = {}
    for declaration in declarations_used_by(activity_key):
        for name, category in declaration.fields.items():
            if _uses(declaration, activity_key, category):
                out.setdefault(category, []).append(f"{declaration.model}.{name}")
    return {category: sorted(fields) for category, fields in sorted(out.items())}


# -- The learner's rights: each app's part of the export (Art. 15, 20) and of erasure (Art. 17) ----------------

# An app's `personal_data` module provides these (any of them; the orders default to DEFAULT_ORDER):
EXPORT_FUNCTION = "export_personal_data"  # (user) -> {file name in the archive: JSON-serialisable value or bytes}
ERASE_FUNCTION = "erase_personal_data"  # (user) -> None; runs inside the erasure's transaction
EXPORT_ORDER = "EXPORT_ORDER"  # where the app's files come in the archive
ERASE_ORDER = "ERASE_ORDER"  # when the app erases: an app that finds the learner's data by e-mail runs before the
# accounts app rewrites it
DEFAULT_ORDER = 100


@dataclass(frozen=True)
class DataRights:
    """One app's part in the learner's rights."""

    app: str  # app label
    export: Callable | None = None
    erase: Callable | None = None
    export_order: int = DEFAULT_ORDER
    erase_order: int = DEFAULT_ORDER


DATA_RIGHTS: dict[str, DataRights] = {}


def register_data_rights(
    app: str,
    *,
    export: Callable | None = None,
    erase: Callable | None = None,
    export_order: int = DEFAULT_ORDER,
    erase_order: int = DEFAULT_ORDER,
) -> DataRights:
    if app in DATA_RIGHTS:
        raise ValueError(f"The data rights of {app} are registered twice")
    DATA_RIGHTS[app] = DataRights(app, export, erase, export_order, erase_order)
    return DATA_RIGHTS[app]


def _collect_data_rights() -> None:
    """Register the export and erase functions of every installed app's `personal_data` module."""
    for config in apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.personal_data")
        if module is None or config.label in DATA_RIGHTS:
            continue
        export = getattr(module, EXPORT_FUNCTION, None)
        erase = getattr(module, ERASE_FUNCTION, None)
        if export is None and erase is None:
            continue
        register_data_rights(
            config.label,
            export=export,
            erase=erase,
            export_order=getattr(module, EXPORT_ORDER, DEFAULT_ORDER),
            erase_order=getattr(module, ERASE_ORDER, DEFAULT_ORDER),
        )


def data_rights() -> dict[str, DataRights]:
    load()
    return DATA_RIGHTS


def exporters() -> list[DataRights]:
    return sorted((r for r in data_rights().values() if r.export), key=lambda r: (r.export_order, r.app))


def erasers() -> list[DataRights]:
    return sorted((r for r in data_rights().values() if r.erase), key=lambda r: (r.erase_order, r.app))


# Apps that hold learners' personal data but take no part in the export, and why (see `export_problems`).
NOT_IN_EXPORT: dict[str, str] = {}


def not_in_export(app: str, *, reason: str) -> None:
    NOT_IN_EXPORT[app] = reason


def export_problems(declared: dict | None = None, rights: dict | None = None) -> list[str]:
    """Apps whose models hold learners' personal data (by their declarations) but that neither export it nor
    say why not, one sentence each (GDPR Art. 15: the copy holds all of it)."""
    declared = declarations() if declared is None else declared
    rights = data_rights() if rights is None else rights
    holding: dict[str, list[str]] = {}
    for declaration in declared.values():
        if isinstance(declaration, Declaration) and Subject.LEARNERS in declaration.subjects and declaration.fields:
            holding.setdefault(declaration.model.split(".")[0], []).append(declaration.model)
    return [
        f"The {app} app holds learners' personal data ({', '.join(sorted(models_))}) but takes no part in their "
        f"data export: give its personal_data module an {EXPORT_FUNCTION}(user), or say why not (not_in_export)."
        for app, models_ in sorted(holding.items())
        if not (app in rights and rights[app].export) and app not in NOT_IN_EXPORT
    ]


def personal_data_files(user) -> dict[str, bytes]:
    """Every app's files of the copy of `user`'s data, in order: {name in the archive: content}. Values other
    than bytes are written as JSON (dates and other values JSON has no type for, as text)."""
    files: dict[str, bytes] = {}
    for rights in exporters():
        for name, content in rights.export(user).items():
            if name in files:
                raise ValueError(f"{rights.app} exports {name}, which another app exports too")
            if not isinstance(content, bytes):
                content = json.dumps(content, ensure_ascii=False, indent=2, default=str).encode("utf-8")
            files[name] = content
    return files


def erase_personal_data(user) -> list[str]:
    """Run every app's erasure for `user`, in order; the apps that erased, in that order."""
    done = []
    for rights in erasers():
        rights.erase(user)
        done.append(rights.app)
    return done
