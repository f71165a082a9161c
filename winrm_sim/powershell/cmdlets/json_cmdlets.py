"""ConvertTo-Json and ConvertFrom-Json as Windows PowerShell 5.1 writes and reads JSON.

5.1 indents by four spaces, puts two spaces after a colon, indents nested
values from the column where they start, escapes <, >, & and ' as \\uXXXX,
writes dates as "\\/Date(ms)\\/", and ConvertFrom-Json sends a JSON array down
the pipeline as one object.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from winrm_sim.powershell.cmdlets.base import NO_INPUT, Cmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.dotnet.members import properties_of
from winrm_sim.powershell.values import (
    Hashtable,
    PSObject,
    ScriptBlock,
    is_enumerable,
    to_string,
)

_MICROSOFT = "Microsoft.PowerShell.Commands."
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
}


def _quote(text: str) -> str:
    pieces = []
    for char in text:
        if char in _ESCAPES:
            pieces.append(_ESCAPES[char])
        elif ord(char) < 0x20:
            pieces.append(f"\\u{ord(char):04x}")
        else:
            pieces.append(char)
    return '"' + "".join(pieces) + '"'


def _plain(value: object, depth: int, max_depth: int) -> object:
    """Return a JSON-ready tree: dicts, lists, strings, numbers, bools, None."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        stamp = value.replace(tzinfo=value.tzinfo or datetime.now().astimezone().tzinfo)
        milliseconds = int(stamp.astimezone(UTC).timestamp() * 1000)
        return ("date", f"\\/Date({milliseconds})\\/")
    if depth > max_depth:
        return to_string(value)
    if isinstance(value, Hashtable):
        return {to_string(k): _plain(v, depth + 1, max_depth) for k, v in value.items()}
    if is_enumerable(value):
        return [_plain(item, depth + 1, max_depth) for item in value]  # type: ignore[attr-defined]
    if isinstance(value, ScriptBlock):
        return value.text
    pairs = properties_of(value)
    if not pairs and not isinstance(value, PSObject):
        return to_string(value)
    return {name: _plain(item, depth + 1, max_depth) for name, item in pairs}


def _compact(tree: object) -> str:
    if isinstance(tree, tuple):
        return f'"{tree[1]}"'
    if isinstance(tree, dict):
        return (
            "{" + ",".join(f"{_quote(k)}:{_compact(v)}" for k, v in tree.items()) + "}"
        )
    if isinstance(tree, list):
        return "[" + ",".join(_compact(item) for item in tree) + "]"
    return _scalar(tree)


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    return str(value)


def _pretty(tree: object, column: int) -> str:
    """Format as 5.1 does: nested values indent from the column they start at."""
    if isinstance(tree, dict):
        if not tree:
            return "{\r\n\r\n" + " " * column + "}"
        lines = []
        for key, item in tree.items():
            prefix = " " * (column + 4) + f"{_quote(key)}:  "
            lines.append(prefix + _pretty(item, len(prefix)))
        return "{\r\n" + ",\r\n".join(lines) + "\r\n" + " " * column + "}"
    if isinstance(tree, list):
        if not tree:
            return "[\r\n\r\n" + " " * column + "]"
        inner = " " * (column + 4)
        items = [inner + _pretty(item, column + 4) for item in tree]
        return "[\r\n" + ",\r\n".join(items) + "\r\n" + " " * column + "]"
    return _compact(tree)


class ConvertToJson(Cmdlet):
    """ConvertTo-Json."""

    name = "ConvertTo-Json"
    dotnet_type = _MICROSOFT + "ConvertToJsonCommand"
    parameters = (
        ParameterSpec("InputObject", position=0),
        ParameterSpec("Depth", type_name="System.Int32"),
        ParameterSpec("Compress", switch=True),
    )

    def begin(self) -> None:
        """Start collecting input."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect one object."""
        self.items.append(self.get("InputObject") if item is NO_INPUT else item)

    def end(self) -> None:
        """Emit the JSON text: one object, or an array of all input objects."""
        if not self.items:
            return
        value: object = self.items[0] if len(self.items) == 1 else self.items
        tree = _plain(value, 0, int(self.get("Depth", 2)))
        self.emit(_compact(tree) if self.get("Compress") else _pretty(tree, 0))


class ConvertFromJson(Cmdlet):
    """ConvertFrom-Json: JSON objects become PSCustomObjects."""

    name = "ConvertFrom-Json"
    dotnet_type = _MICROSOFT + "ConvertFromJsonCommand"
    parameters = (ParameterSpec("InputObject", position=0, type_name="System.String"),)

    def begin(self) -> None:
        """Start collecting input lines."""
        self.lines: list[str] = []

    def process(self, item: object) -> None:
        """Collect one line of JSON text."""
        self.lines.append(
            self.text("InputObject") if item is NO_INPUT else to_string(item)
        )

    def end(self) -> None:
        """Parse the text and emit the result."""
        text = "\n".join(self.lines)
        try:
            parsed = json.loads(text, parse_float=float)
        except json.JSONDecodeError as error:
            raise self.terminate(
                self.record(
                    f"Invalid JSON primitive: {_token_at(text, error.pos)}.",
                    "System.ArgumentException",
                    "NotSpecified",
                    reason="ArgumentException",
                    exception_type="System.ArgumentException",
                )
            ) from None
        self.emit(_to_objects(parsed))


def _token_at(text: str, position: int) -> str:
    words = text[position:].split()
    return words[0] if words else ""


def _to_objects(value: object) -> object:
    if isinstance(value, dict):
        return PSObject((key, _to_objects(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_to_objects(item) for item in value]
    return value
