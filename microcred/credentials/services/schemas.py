"""JSON Schema validation: the 1EdTech OB 3.0 AchievementCredential schema and our extension schema.

Both schemas are compiled once per process. When ``jsonschema_rs`` (a compiled JSON Schema validator) is
installed it validates; otherwise ``jsonschema`` does. They apply the same rules: JSON Schema draft 2019-09,
with only the formats below asserted ("date-time" as OB 3.0's DateTimeZ, "date" as an RFC 3339 full-date) and
every other format an annotation, as JSON Schema 2019-09 §7.2 lets a validator treat them. A credential that
conforms has no errors with either; the differential test (credentials/tests/test_schemas.py) holds them to the same verdict.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from jsonschema import Draft201909Validator, FormatChecker

from microcred.credentials.vocabulary import extension_schema, ob_schema
from microcred.vc.data_integrity import is_datetime_stamp

try:  # the compiled validator (Rust); about 100 times faster on a 5 KB credential
    import jsonschema_rs
except ImportError:  # pragma: no cover - depends on the installation
    jsonschema_rs = None


def _is_date(value) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return not isinstance(value, str)
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value) -> bool:
    return not isinstance(value, str) or is_datetime_stamp(value)


# Asserted formats; any other format a schema names (e.g. the extension's "uri") is an annotation only.
ASSERTED_FORMATS = {"date-time": _is_datetime, "date": _is_date}


def _format_checker() -> FormatChecker:
    """date-time (with a time zone, as OB 3.0's DateTimeZ) and date, without optional jsonschema extras."""
    checker = FormatChecker(formats=())
    for name, check in ASSERTED_FORMATS.items():
        checker.checks(name)(check)
    return checker


def _schema(which: str) -> dict:
    return ob_schema() if which == "ob" else extension_schema()


@cache
def _python_validator(which: str) -> Draft201909Validator:
    schema = _schema(which)
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=_format_checker())


def _formats_in(schema) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return found.union(*(_formats_in(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_formats_in(v) for v in schema))
    return set()


@cache
def _compiled_validator(which: str):
    schema = _schema(which)
    _python_validator(which)  # the schema itself is checked once, as before
    formats = {name: (lambda _value: True) for name in _formats_in(schema)}  # annotations only …
    formats.update({name: ASSERTED_FORMATS[name] for name in ASSERTED_FORMATS})  # … but these two
    return jsonschema_rs.Draft201909Validator(schema, validate_formats=True, formats=formats)


def _path(parts) -> str:
    return "/" + "/".join(str(p) for p in parts) if parts else "/"


def _python_errors(which: str, document) -> list[str]:
    errors = sorted(_python_validator(which).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{_path(e.absolute_path)}: {e.message}" for e in errors]


def _errors(which: str, document) -> list[str]:
    if jsonschema_rs is None:
        return _python_errors(which, document)
    validator = _compiled_validator(which)
    if validator.is_valid(document):
        return []
    # A document that does not conform: the messages in the Python validator's words (the same verdict).
    return _python_errors(which, document) or [
        f"{_path(e.instance_path)}: {e.message}" for e in validator.iter_errors(document)
    ]


def ob_schema_errors(document) -> list[str]:
    """Messages of every violation of the OB 3.0 AchievementCredential JSON Schema (empty when valid)."""
    return _errors("ob", document)


def extension_schema_errors(document) -> list[str]:
    """Messages of every violation of our extension's JSON Schema (empty when valid)."""
    return _errors("extension", document)
