"""The -f operator and ToString(format): .NET composite and numeric formats (en-US)."""

from __future__ import annotations

import re
from datetime import datetime

from winrm_sim.powershell.dates import format_date
from winrm_sim.powershell.values import ConversionError, to_number, to_string

_ITEM = re.compile(r"\{(\d+)(?:\s*,\s*(-?\d+))?(?::([^}]*))?\}")
_STANDARD = re.compile(r"([CcDdEeFfGgNnPpXxRr])(\d*)$")
# PowerShell's message for a bad -f pattern ends with two periods.
INVALID_FORMAT = "Error formatting a string: Input string was not in a correct format.."


class FormatError(ValueError):
    """A composite format string is invalid."""


def format_composite(pattern: str, arguments: list[object]) -> str:
    """Format `pattern -f arguments` as String.Format does."""
    pieces: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("{{", index) or pattern.startswith("}}", index):
            pieces.append(char)
            index += 2
            continue
        if char == "{":
            match = _ITEM.match(pattern, index)
            if match is None:
                raise FormatError(INVALID_FORMAT)
            position = int(match[1])
            if position >= len(arguments):
                raise FormatError(
                    "Index (zero based) must be greater than or equal to zero and less "
                    "than the size of the argument list."
                )
            text = format_value(arguments[position], match[3] or "")
            width = int(match[2] or 0)
            pieces.append(text.rjust(width) if width > 0 else text.ljust(-width))
            index = match.end()
            continue
        if char == "}":
            raise FormatError(INVALID_FORMAT)
        pieces.append(char)
        index += 1
    return "".join(pieces)


def format_value(value: object, spec: str) -> str:
    """Format one value with a .NET format string such as `N2`, `D3` or `yyyy`."""
    if not spec:
        return to_string(value)
    if isinstance(value, datetime):
        return format_date(value, spec)
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            return value
        try:
            value = to_number(value)
        except ConversionError:
            return to_string(value)
    standard = _STANDARD.match(spec)
    if standard:
        return _standard_number(value, standard[1], standard[2])
    return _custom_number(value, spec)


def _standard_number(value: int | float, kind: str, digits_text: str) -> str:
    digits = int(digits_text) if digits_text else None
    upper = kind.upper()
    if upper == "D":
        if not isinstance(value, int):
            raise FormatError("Format specifier was invalid.")
        text = str(abs(value)).rjust(digits or 0, "0")
        return ("-" if value < 0 else "") + text
    if upper == "X":
        if not isinstance(value, int):
            raise FormatError("Format specifier was invalid.")
        text = format(
            value & 0xFFFFFFFF if value < 0 else value, "X" if kind == "X" else "x"
        )
        return text.rjust(digits or 0, "0")
    if upper == "N":
        return f"{value:,.{2 if digits is None else digits}f}"
    if upper == "F":
        return f"{value:.{2 if digits is None else digits}f}"
    if upper == "P":
        return f"{value * 100:,.{2 if digits is None else digits}f} %"
    if upper == "C":
        text = f"${abs(value):,.{2 if digits is None else digits}f}"
        return f"({text})" if value < 0 else text
    if upper == "E":
        text = f"{value:.{6 if digits is None else digits}e}"
        mantissa, exponent = text.split("e")
        sign = exponent[0]
        letter = "E" if kind == "E" else "e"
        return f"{mantissa}{letter}{sign}{exponent[1:].rjust(3, '0')}"
    return to_string(value)


def _custom_number(value: int | float, spec: str) -> str:
    """Apply a custom pattern made of 0, #, `.` and `,` (one section only)."""
    if not re.fullmatch(r"[0#,.%]+", spec):
        return spec
    percent = "%" in spec
    pattern = spec.replace("%", "")
    if percent:
        value = value * 100
    integer_part, _, fraction_part = pattern.partition(".")
    decimals = len(fraction_part)
    grouped = "," in integer_part
    minimum_integer = integer_part.replace(",", "").count("0")
    text = f"{abs(value):{',' if grouped else ''}.{decimals}f}"
    whole, _, fraction = text.partition(".")
    digits = whole.replace(",", "")
    if len(digits) < minimum_integer:
        digits = digits.rjust(minimum_integer, "0")
        whole = f"{int(digits):,}".rjust(len(digits), "0") if grouped else digits
    if whole == "0" and minimum_integer == 0:
        whole = ""
    optional = len(fraction_part) - len(fraction_part.rstrip("#"))
    if optional and fraction:
        keep = len(fraction) - optional
        fraction = fraction[:keep] + fraction[keep:].rstrip("0")
    result = whole + ("." + fraction if fraction else "")
    sign = "-" if value < 0 and result.strip("0.,") else ""
    return sign + result + ("%" if percent else "")
