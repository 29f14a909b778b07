"""JSON Schema validation: the 1EdTech OB 3.0 AchievementCredential schema and our extension schema."""

from __future__ import annotations

from datetime import date
from functools import cache

from jsonschema import Draft201909Validator, FormatChecker

from microcred.credentials.vocabulary import extension_schema, ob_schema
from microcred.vc.data_integrity import is_datetime_stamp


def _format_checker() -> FormatChecker:
    """date-time (with a time zone, as OB 3.0's DateTimeZ) and date, without optional jsonschema extras."""
    checker = FormatChecker(formats=())
    checker.checks("date-time")(lambda value: not isinstance(value, str) or is_datetime_stamp(value))

    @checker.checks("date", raises=ValueError)
    def _date(value) -> bool:
        return not isinstance(value, str) or (bool(date.fromisoformat(value)) and len(value) == 10)

    return checker


@cache
def _validator(which: str) -> Draft201909Validator:
    schema = ob_schema() if which == "ob" else extension_schema()
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=_format_checker())


def _errors(which: str, document) -> list[str]:
    errors = sorted(_validator(which).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [
        f"{'/' + '/'.join(str(p) for p in e.absolute_path) if e.absolute_path else '/'}: {e.message}" for e in errors
    ]


def ob_schema_errors(document) -> list[str]:
    """Messages of every violation of the OB 3.0 AchievementCredential JSON Schema (empty when valid)."""
    return _errors("ob", document)


def extension_schema_errors(document) -> list[str]:
    """Messages of every violation of our extension's JSON Schema (empty when valid)."""
    return _errors("extension", document)
