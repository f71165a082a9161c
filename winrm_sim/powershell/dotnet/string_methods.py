"""Methods of System.String as Windows PowerShell 5.1 (.NET Framework) has them."""

from __future__ import annotations

from collections.abc import Callable

from winrm_sim.powershell.dotnet.objects import DotNetError
from winrm_sim.powershell.formats import format_value
from winrm_sim.powershell.values import as_list, to_number, to_string


def _chars(value: object) -> str:
    if isinstance(value, list):
        return "".join(to_string(item) for item in value)
    return to_string(value)


def _split(text: str, arguments: list[object]) -> list[str]:
    # .NET Framework turns a string argument into char[], so every character
    # of the separator splits on its own.
    separators = _chars(arguments[0]) if arguments else ""
    limit = int(to_number(arguments[1])) if len(arguments) > 1 else None
    if not separators:
        parts = text.split()
        return parts if limit is None else text.split(None, limit - 1)
    parts: list[str] = []
    current: list[str] = []
    for index, char in enumerate(text):
        if char in separators and (limit is None or len(parts) < limit - 1):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        if limit is not None and len(parts) == limit - 1 and char in separators:
            current.append(text[index + 1 :])
            break
    parts.append("".join(current))
    return parts


def _substring(text: str, arguments: list[object]) -> str:
    start = int(to_number(arguments[0]))
    length = int(to_number(arguments[1])) if len(arguments) > 1 else len(text) - start
    if start < 0 or start > len(text) or length < 0 or start + length > len(text):
        name = "length" if len(arguments) > 1 and start <= len(text) else "startIndex"
        message = (
            "Index and length must refer to a location within the string."
            if name == "length"
            else "startIndex cannot be larger than length of string."
        )
        raise DotNetError(
            "System.ArgumentOutOfRangeException", f"{message}\r\nParameter name: {name}"
        )
    return text[start : start + length]


def _pad(text: str, arguments: list[object], left: bool) -> str:
    width = int(to_number(arguments[0]))
    fill = to_string(arguments[1]) if len(arguments) > 1 else " "
    return text.rjust(width, fill) if left else text.ljust(width, fill)


def _index_of(text: str, arguments: list[object], last: bool = False) -> int:
    needle = to_string(arguments[0])
    if last:
        return text.rfind(needle)
    start = int(to_number(arguments[1])) if len(arguments) > 1 else 0
    return text.find(needle, start)


def _trim(text: str, arguments: list[object], how: str) -> str:
    chars = _chars(arguments[0]) if arguments else None
    if how == "start":
        return text.lstrip(chars)
    if how == "end":
        return text.rstrip(chars)
    return text.strip(chars)


def _replace(text: str, arguments: list[object]) -> str:
    old = to_string(arguments[0])
    if old == "":
        raise DotNetError(
            "System.ArgumentException",
            "String cannot be of zero length.\r\nParameter name: oldValue",
        )
    return text.replace(old, to_string(arguments[1]) if len(arguments) > 1 else "")


def _to_string(text: str, arguments: list[object]) -> str:
    return format_value(text, to_string(arguments[0])) if arguments else text


STRING_METHODS: dict[str, Callable[[str, list[object]], object]] = {
    "toupper": lambda t, a: t.upper(),
    "toupperinvariant": lambda t, a: t.upper(),
    "tolower": lambda t, a: t.lower(),
    "tolowerinvariant": lambda t, a: t.lower(),
    "trim": lambda t, a: _trim(t, a, "both"),
    "trimstart": lambda t, a: _trim(t, a, "start"),
    "trimend": lambda t, a: _trim(t, a, "end"),
    "split": _split,
    "replace": _replace,
    "substring": _substring,
    "startswith": lambda t, a: t.startswith(to_string(a[0])),
    "endswith": lambda t, a: t.endswith(to_string(a[0])),
    "contains": lambda t, a: to_string(a[0]) in t,
    "indexof": _index_of,
    "lastindexof": lambda t, a: _index_of(t, a, last=True),
    "padleft": lambda t, a: _pad(t, a, left=True),
    "padright": lambda t, a: _pad(t, a, left=False),
    "insert": lambda t, a: (
        t[: int(to_number(a[0]))] + to_string(a[1]) + t[int(to_number(a[0])) :]
    ),
    "remove": lambda t, a: (
        t[: int(to_number(a[0]))]
        + (t[int(to_number(a[0])) + int(to_number(a[1])) :] if len(a) > 1 else "")
    ),
    "tochararray": lambda t, a: list(t),
    "equals": lambda t, a: t == to_string(a[0]),
    "compareto": lambda t, a: (t > to_string(a[0])) - (t < to_string(a[0])),
    "tostring": _to_string,
    "normalize": lambda t, a: t,
    "clone": lambda t, a: t,
    "gethashcode": lambda t, a: hash(t) & 0x7FFFFFFF,
    "getenumerator": lambda t, a: list(t),
}


def join_items(separator: object, items: list[object]) -> str:
    """Return String.Join(separator, items)."""
    flat: list[object] = []
    for item in items:
        flat.extend(as_list(item) if isinstance(item, list) else [item])
    return to_string(separator).join(to_string(item) for item in flat)
