"""Get-Date -Format: .NET date format strings for the en-US culture."""

from __future__ import annotations

import re
from datetime import datetime

_CUSTOM_TOKEN = re.compile(
    r"yyyy|yy|MMMM|MMM|MM|M|dddd|ddd|dd|d|HH|H|hh|h|mm|m|ss|s|fffffff|fff|ff|f|tt"
    r"|'[^']*'|\"[^\"]*\"|\\.|.",
    re.DOTALL,
)


def _twelve_hour(value: datetime) -> int:
    return value.hour % 12 or 12


_CUSTOM = {
    "yyyy": lambda v: f"{v.year:04d}",
    "yy": lambda v: f"{v.year % 100:02d}",
    "MMMM": lambda v: v.strftime("%B"),
    "MMM": lambda v: v.strftime("%b"),
    "MM": lambda v: f"{v.month:02d}",
    "M": lambda v: str(v.month),
    "dddd": lambda v: v.strftime("%A"),
    "ddd": lambda v: v.strftime("%a"),
    "dd": lambda v: f"{v.day:02d}",
    "d": lambda v: str(v.day),
    "HH": lambda v: f"{v.hour:02d}",
    "H": lambda v: str(v.hour),
    "hh": lambda v: f"{_twelve_hour(v):02d}",
    "h": lambda v: str(_twelve_hour(v)),
    "mm": lambda v: f"{v.minute:02d}",
    "m": lambda v: str(v.minute),
    "ss": lambda v: f"{v.second:02d}",
    "s": lambda v: str(v.second),
    "fffffff": lambda v: f"{v.microsecond:06d}0",
    "fff": lambda v: f"{v.microsecond // 1000:03d}",
    "ff": lambda v: f"{v.microsecond // 10000:02d}",
    "f": lambda v: str(v.microsecond // 100000),
    "tt": lambda v: "AM" if v.hour < 12 else "PM",
}

_STANDARD = {
    "d": "M/d/yyyy",
    "D": "dddd, MMMM d, yyyy",
    "t": "h:mm tt",
    "T": "h:mm:ss tt",
    "s": "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
    "u": "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
    "o": "yyyy'-'MM'-'dd'T'HH':'mm':'ss.fffffff",
}


def format_date(value: datetime, pattern: str) -> str:
    """Format a local time with a .NET standard or custom format string."""
    if len(pattern) == 1:
        if pattern not in _STANDARD:
            raise ValueError(f"unsupported standard date format {pattern!r}")
        text = _custom(value, _STANDARD[pattern])
        return text + _utc_offset(value) if pattern == "o" else text
    return _custom(value, pattern)


def _custom(value: datetime, pattern: str) -> str:
    pieces = []
    for token in _CUSTOM_TOKEN.findall(pattern):
        if token in _CUSTOM:
            pieces.append(_CUSTOM[token](value))
        elif token[0] in "'\"":
            pieces.append(token[1:-1])
        elif token.startswith("\\"):
            pieces.append(token[1:])
        else:
            pieces.append(token)
    return "".join(pieces)


def _utc_offset(value: datetime) -> str:
    offset = value.astimezone().strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"
