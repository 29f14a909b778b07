"""The JSON Canonicalization Scheme (JCS, RFC 8785): the one serialization of a JSON value that
``eddsa-jcs-2022`` hashes (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.3).

* Objects: members sorted by their names as arrays of UTF-16 code units (RFC 8785 §3.2.3), no whitespace.
* Strings (§3.2.2.2): only ``"``, ``\\`` and the controls U+0000–U+001F are escaped (``\\b \\t \\n \\f \\r`` in
  short form, the others as ``\\u00xx``, lower-case hex); everything else is written as is, in UTF-8.
  A lone UTF-16 surrogate is not Unicode text (I-JSON, RFC 7493 §2.1) and is refused.
* Numbers (§3.2.2.3): IEEE 754 doubles written as ECMAScript's ``Number.prototype.toString`` writes them
  (ECMA-262, Number::toString): the shortest digits that read back as the same double (Python's ``repr``
  finds the same digits), in plain notation for exponents from -6 to 20 and in ``1.5e+21`` form otherwise;
  ``-0`` is ``0``. NaN and the infinities are not JSON and are refused. An integer is read as the double
  JavaScript would read it (RFC 8785 §3.2.2.3: "JSON numbers are IEEE 754 doubles"), so a verifier in any
  language hashes the same bytes; signing refuses integers beyond ±(2^53−1) before this (jsonld.py).
"""

from __future__ import annotations

import math

from .exceptions import UnsafeInput

__all__ = ["canonicalize", "canonicalize_bytes", "number_to_string"]

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_ESCAPES = {chr(c): _SHORT_ESCAPES.get(chr(c), f"\\u{c:04x}") for c in range(0x20)} | {
    '"': '\\"',
    "\\": "\\\\",
}
_NEEDS_ESCAPE = frozenset(_ESCAPES)


def _utf16_key(name: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly as the sequences of code units do (RFC 8785 §3.2.3).
    return name.encode("utf-16-be")


def _string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UnsafeInput(
            "The document contains a lone UTF-16 surrogate, which is not Unicode text; JCS (RFC 8785) cannot "
            "serialize it."
        ) from None
    if _NEEDS_ESCAPE.isdisjoint(value):
        return f'"{value}"'
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in value) + '"'


def number_to_string(value: int | float) -> str:
    """A JSON number as ECMAScript writes the double it denotes (RFC 8785 §3.2.2.3)."""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers")
    try:
        number = float(value)
    except OverflowError:
        raise UnsafeInput(f"The number {value} is too large for an IEEE 754 double (RFC 8785 §3.2.2.3).") from None
    if not math.isfinite(number):
        raise UnsafeInput("NaN and Infinity are not JSON numbers (RFC 8785 §3.2.2.3).")
    if number == 0:
        return "0"  # also -0
    sign = "-" if number < 0 else ""
    # repr gives the shortest round-tripping digits (as ECMAScript's Number::toString requires): split them
    # into the digits d1..dk and n, such that the value is 0.d1..dk × 10^n.
    mantissa, _, exponent = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    significant = (whole + fraction).lstrip("0")
    leading_zeros = len(whole) + len(fraction) - len(significant)
    n = len(whole) + int(exponent or 0) - leading_zeros
    digits = significant.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + text


def _serialize(value, out: list, depth: int) -> None:
    if depth > 256:
        raise UnsafeInput("The document nests too deeply to be canonicalized.")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, (int, float)):
        out.append(number_to_string(value))
    elif isinstance(value, dict):
        for name in value:
            if not isinstance(name, str):
                raise UnsafeInput("JSON object member names must be text.")
        out.append("{")
        first = True
        for name in sorted(value, key=_utf16_key):
            if not first:
                out.append(",")
            first = False
            out.append(_string(name))
            out.append(":")
            _serialize(value[name], out, depth + 1)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _serialize(item, out, depth + 1)
        out.append("]")
    else:
        raise UnsafeInput(f"A {type(value).__name__} is not a JSON value; JCS (RFC 8785) cannot serialize it.")


def canonicalize(value) -> str:
    """The JCS (RFC 8785) serialization of a JSON value (parsed: dict, list, str, int, float, bool, None)."""
    out: list[str] = []
    _serialize(value, out, 0)
    return "".join(out)


def canonicalize_bytes(value) -> bytes:
    """:func:`canonicalize`, UTF-8 encoded (RFC 8785 §3.2.4): the bytes that are hashed."""
    return canonicalize(value).encode("utf-8")
