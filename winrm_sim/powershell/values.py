"""PowerShell values as Python objects, and the conversions every operator uses.

- $null is None, numbers are int and float, strings are str
- arrays are list and byte[] is bytearray
- hash tables are Hashtable and [pscustomobject] is PSObject
- script blocks are ScriptBlock and dates are datetime
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import DotNetException, ErrorRecord

_INTEGER = re.compile(r"\s*[-+]?\d+\s*$")
_HEX = re.compile(r"\s*0x[0-9a-f]+\s*$", re.IGNORECASE)
_DECIMAL = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


class ConversionError(ValueError):
    """A value cannot be converted to the type an operation needs."""


def _key(name: object) -> object:
    return name.casefold() if isinstance(name, str) else name


class Hashtable:
    """A hash table with case-insensitive string keys; it keeps insertion order.

    NOTE: a real Hashtable enumerates in hash order, which differs from the
    insertion order kept here; `[ordered]` tables match exactly.
    """

    def __init__(
        self, items: Iterable[tuple[object, object]] = (), ordered: bool = False
    ):
        self._items: dict[object, tuple[object, object]] = {}
        self.ordered = ordered
        for name, value in items:
            self[name] = value

    def __getitem__(self, name: object) -> object:
        entry = self._items.get(_key(name))
        return None if entry is None else entry[1]

    def __setitem__(self, name: object, value: object) -> None:
        key = _key(name)
        original = self._items[key][0] if key in self._items else name
        self._items[key] = (original, value)

    def __contains__(self, name: object) -> bool:
        return _key(name) in self._items

    def __len__(self) -> int:
        return len(self._items)

    def remove(self, name: object) -> None:
        """Remove a key; a missing key is ignored, as Hashtable.Remove does."""
        self._items.pop(_key(name), None)

    def keys(self) -> list[object]:
        """Return the keys as first written."""
        return [name for name, _ in self._items.values()]

    def values(self) -> list[object]:
        """Return the values in key order."""
        return [value for _, value in self._items.values()]

    def items(self) -> list[tuple[object, object]]:
        """Return (key, value) pairs."""
        return list(self._items.values())

    def copy(self) -> Hashtable:
        """Return a shallow copy, as Hashtable.Clone() does."""
        return Hashtable(self.items(), self.ordered)


class PSObject:
    """A [pscustomobject]: named properties in order, names case-insensitive."""

    def __init__(
        self,
        properties: Iterable[tuple[str, object]] = (),
        type_name: str = "System.Management.Automation.PSCustomObject",
    ) -> None:
        self._properties: dict[str, tuple[str, object]] = {}
        self.type_names = [type_name, "System.Object"]
        for name, value in properties:
            self.set(name, value)

    def get(self, name: str, default: object = None) -> object:
        """Return a property value, or `default` when it is missing."""
        entry = self._properties.get(name.casefold())
        return default if entry is None else entry[1]

    def has(self, name: str) -> bool:
        """Return True when the object has the property."""
        return name.casefold() in self._properties

    def set(self, name: str, value: object) -> None:
        """Set or add a property, keeping the case of its first spelling."""
        key = name.casefold()
        original = self._properties[key][0] if key in self._properties else name
        self._properties[key] = (original, value)

    def properties(self) -> list[tuple[str, object]]:
        """Return (name, value) pairs in order."""
        return list(self._properties.values())

    def names(self) -> list[str]:
        """Return the property names in order."""
        return [name for name, _ in self._properties.values()]


class TypedArray(list):
    """An array whose elements have one type, such as int[] or string[]."""

    def __init__(self, items: Iterable[object], element_type: str) -> None:
        super().__init__(items)
        self.element_type = element_type

    @property
    def ps_type_name(self) -> str:
        """Return the .NET array type, such as `System.Int32[]`."""
        return f"{self.element_type}[]"


@dataclass
class ScriptBlock:
    """A script block value: its syntax tree and the script text it came from."""

    body: nodes.ScriptBlockBody
    source: str

    @property
    def text(self) -> str:
        """Return the text between the braces."""
        return self.body.text


@dataclass
class TypeValue:
    """A .NET type used as a value, as `[IO.File]` or `$x.GetType()` returns."""

    full_name: str

    @property
    def name(self) -> str:
        """Return the short name, such as `String`."""
        return self.full_name.rsplit(".", 1)[-1]


@dataclass
class PSProperty:
    """One entry of `.PSObject.Properties`: Name and Value."""

    name: str
    value: object
    type_name: str = "System.Management.Automation.PSNoteProperty"


@dataclass
class FormattedText:
    """Lines that Format-Table, Format-List or Out-String already formatted."""

    text: str
    extras: dict[str, Any] = field(default_factory=dict)


def to_string(value: object) -> str:
    """Convert a value the way PowerShell does inside strings (invariant culture)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, timedelta):
        return format_timespan(value)
    if isinstance(value, list | tuple | bytearray | bytes):
        return " ".join(to_string(item) for item in value)
    return _object_string(value)


def _object_string(value: object) -> str:
    if isinstance(value, Hashtable):
        if value.ordered:
            return "System.Collections.Specialized.OrderedDictionary"
        return "System.Collections.Hashtable"
    if isinstance(value, PSObject):
        if hasattr(value, "to_string"):
            return value.to_string()  # type: ignore[no-any-return]
        pairs = "; ".join(
            f"{name}={to_string(item)}" for name, item in value.properties()
        )
        return "@{" + pairs + "}"
    if isinstance(value, ScriptBlock):
        return value.text
    if isinstance(value, TypeValue):
        return value.full_name
    if isinstance(value, ErrorRecord):
        return value.message
    if isinstance(value, DotNetException):
        return f"{value.type_name}: {value.message}"
    if isinstance(value, PSProperty):
        return f"{value.type_name.rsplit('.', 1)[-1].replace('PS', '')} {value.name}="
    if isinstance(value, FormattedText):
        return value.text
    text = getattr(value, "ps_string", None)
    if callable(text):
        return str(text())
    return str(value)


def format_float(value: float) -> str:
    """Format a double as .NET does: up to 15 significant digits."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}E{sign}{int(exponent.lstrip('+-')):02d}"
    return text


def format_timespan(value: timedelta) -> str:
    """Format a TimeSpan as `[-][d.]hh:mm:ss[.fffffff]`."""
    total = abs(value)
    days, seconds = total.days, total.seconds
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if days:
        text = f"{days}.{text}"
    if total.microseconds:
        text += f".{total.microseconds:06d}0"
    return ("-" if value < timedelta(0) else "") + text


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
        if _HEX.match(value):
            return int(value.strip(), 16)
        if _DECIMAL.match(value):
            return float(value)
        if value.strip() == "":
            return 0
    if isinstance(value, list) and len(value) == 1:
        return to_number(value[0])
    raise ConversionError(
        f'Cannot convert value "{to_string(value)}" to type "System.Int32". Error: '
        '"Input string was not in a correct format."'
    )


def is_true(value: object) -> bool:
    """Return PowerShell's truth value of a value."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value != ""
    if isinstance(value, list):
        if len(value) == 1:
            return is_true(value[0])
        return bool(value)
    if isinstance(value, int | float):
        return value != 0
    return True


def is_enumerable(value: object) -> bool:
    """Return True for values a pipeline unrolls (arrays and lists, not strings)."""
    return isinstance(value, list | tuple | bytearray | bytes) or getattr(
        value, "ps_enumerable", False
    )


def enumerate_value(value: object) -> Iterator[object]:
    """Yield the items a value sends down a pipeline: arrays are unrolled."""
    if isinstance(value, list | tuple | bytearray | bytes):
        yield from value
    elif getattr(value, "ps_enumerable", False):
        yield from value  # type: ignore[attr-defined]
    elif value is not None:
        yield value


def collect(items: list[object]) -> object:
    """Return pipeline output as one value: $null, the only item, or an array."""
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return list(items)


def as_list(value: object) -> list[object]:
    """Return a value as a list: $null is empty, arrays are copied, else one item."""
    if value is None:
        return []
    if isinstance(value, list | tuple | bytearray | bytes):
        return list(value)
    return [value]
