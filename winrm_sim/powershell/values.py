"""Conversions between PowerShell values, which are plain Python objects here.

Values are None ($null), bool, int, float, str, datetime, list (arrays) and
ScriptBlock nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from winrm_sim.powershell import nodes

_INTEGER = re.compile(r"\s*[-+]?\d+\s*$")
_DECIMAL = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


class ConversionError(ValueError):
    """A value cannot be converted to the type an operation needs."""


def to_string(value: object) -> str:
    """Convert a value the way PowerShell does inside strings (invariant culture)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, list):
        return " ".join(to_string(item) for item in value)
    if isinstance(value, nodes.ScriptBlock):
        return value.text
    return str(value)


def format_float(value: float) -> str:
    """Format a double as .NET does: up to 15 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g").replace("e+", "E+").replace("e-", "E-")


def to_number(value: object) -> int | float:
    """Convert to int or float, raising ConversionError for text that is no number."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        if _INTEGER.match(value):
            return int(value)
        if _DECIMAL.match(value):
            return float(value)
    raise ConversionError(
        f'Cannot convert value "{to_string(value)}" to type "System.Int32". Error: '
        '"Input string was not in a correct format."'
    )


def is_true(value: object) -> bool:
    """Return PowerShell's truth value of a value."""
    if isinstance(value, list):
        if len(value) == 1:
            return is_true(value[0])
        return bool(value)
    if isinstance(value, str):
        return value != ""
    return bool(value)


def enumerate_value(value: object) -> Iterator[object]:
    """Yield the items a value sends down a pipeline: arrays are unrolled."""
    if isinstance(value, list):
        yield from value
    elif value is not None:
        yield value


def collect(items: list[object]) -> object:
    """Return pipeline output as one value: $null, the only item, or an array."""
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return list(items)


def format_for_output(value: object) -> str:
    """Return the console text Out-Default prints for one object, with CR LF."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # The default view of a DateTime is its long form between blank lines.
        long_form = (
            f"{value:%A}, {value:%B} {value.day}, {value.year} "
            f"{value.hour % 12 or 12}:{value:%M:%S} {'AM' if value.hour < 12 else 'PM'}"
        )
        return f"\r\n{long_form}\r\n\r\n\r\n"
    if isinstance(value, list):
        return "".join(format_for_output(item) for item in value)
    if isinstance(value, nodes.ScriptBlock):
        return value.text + "\r\n"
    return to_string(value) + "\r\n"
