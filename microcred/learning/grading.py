"""Grade scales: a numeric range ("0-10", "1-5", "0-100") or a list of grades ("A,B,C,D,E,F")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DEFAULT_SCALE = "0-10"
_RANGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[-–]\s*(\d+(?:[.,]\d+)?)\s*$")


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class GradeScale:
    low: Decimal | None = None
    high: Decimal | None = None
    letters: tuple[str, ...] = ()

    @property
    def is_numeric(self) -> bool:
        return not self.letters

    def describe(self) -> str:
        return f"{_plain(self.low)}–{_plain(self.high)}" if self.is_numeric else ", ".join(self.letters)

    def normalise(self, grade) -> str | None:
        """The grade as stored, or None when it is outside the scale. Empty stays empty."""
        text = "" if grade is None else str(grade).strip()
        if not text:
            return ""
        if self.is_numeric:
            value = _number(text)
            if value is None or not (self.low <= value <= self.high):
                return None
            return _plain(value)
        for letter in self.letters:
            if letter.casefold() == text.casefold():
                return letter
        return None


def parse_scale(text: str) -> GradeScale | None:
    """The scale written in `text`, or None when it is not a range or a list of grades."""
    text = (text or "").strip()
    if not text:
        return None
    match = _RANGE.match(text)
    if match:
        low, high = _number(match.group(1)), _number(match.group(2))
        if low is None or high is None or low >= high:
            return None
        return GradeScale(low=low, high=high)
    letters = tuple(part.strip() for part in text.split(","))
    if len(letters) < 2 or any(not p or len(p) > 20 for p in letters):
        return None
    if len({p.casefold() for p in letters}) != len(letters):
        return None
    return GradeScale(letters=letters)
