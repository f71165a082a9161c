"""Out-Default: the text PowerShell prints for objects that reach the console.

Strings and numbers print one per line. Hash tables print as a Name/Value
table. Objects with up to four properties print as a table and objects with
more print as a list, unless the object type defines its own view.

NOTE: the blank lines around tables and lists (one before a table, two after
it) follow Windows PowerShell 5.1 output as remembered, not as recorded. The
column truncation a real console applies at its buffer width is not built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from winrm_sim.powershell.errors import ErrorRecord
from winrm_sim.powershell.values import (
    FormattedText,
    Hashtable,
    PSObject,
    ScriptBlock,
    is_enumerable,
    to_string,
)

CRLF = "\r\n"
_HASH_NAME_WIDTH = 30
# Out-Default collects this many rows of a table before it fixes column widths.
_TABLE_BATCH = 300


@dataclass(frozen=True)
class Column:
    """A table column: header, how to read a cell, alignment and fixed width."""

    header: str
    read: Callable[[object], object]
    right: bool = False
    width: int | None = None


@dataclass(frozen=True)
class View:
    """The print layout of an object: "table" or "list", columns and a group key.

    Objects with the same `group` print under one table header; `heading`
    prints above a group, like the `Directory:` line of Get-ChildItem.
    """

    kind: str
    columns: tuple[Column, ...]
    group: object = None
    heading: str = ""


def display_date(value: datetime) -> str:
    """Format a date as the en-US console shows it: `1/2/2024 3:04:05 PM`."""
    hour = value.hour % 12 or 12
    suffix = "AM" if value.hour < 12 else "PM"
    return f"{value.month}/{value.day}/{value.year} {hour}:{value:%M:%S} {suffix}"


def long_date(value: datetime) -> str:
    """Format a date as its default view: `Tuesday, January 2, 2024 3:04:05 PM`."""
    hour = value.hour % 12 or 12
    suffix = "AM" if value.hour < 12 else "PM"
    return (
        f"{value:%A}, {value:%B} {value.day}, {value.year} "
        f"{hour}:{value:%M:%S} {suffix}"
    )


def cell_text(value: object) -> str:
    """Return the text of a value inside a table or list cell."""
    if isinstance(value, datetime):
        return display_date(value)
    if is_enumerable(value):
        items = [cell_text(item) for item in list(value)[:5]]  # type: ignore[call-overload]
        more = len(value) > 4  # type: ignore[arg-type]
        return "{" + ", ".join(items[:4]) + ("..." if more else "") + "}"
    if isinstance(value, ScriptBlock):
        return value.text.strip()
    return to_string(value)


def view_for(value: object) -> View | None:
    """Return the view of an object, or None when it prints as a plain line."""
    custom = getattr(value, "ps_view", None)
    if callable(custom):
        return custom()  # type: ignore[no-any-return]
    if isinstance(value, PSObject):
        names = value.names()
        columns = tuple(
            Column(name, _property_reader(name), right=_is_number(value.get(name)))
            for name in names
        )
        kind = "table" if len(names) <= 4 else "list"
        return View(
            kind, columns, group=(kind, tuple(name.casefold() for name in names))
        )
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _property_reader(name: str) -> Callable[[object], object]:
    return lambda item: item.get(name) if isinstance(item, PSObject) else None


class OutDefault:
    """Formats objects and writes the text; call `close` when output ends."""

    def __init__(
        self,
        write: Callable[[str], None],
        write_error: Callable[[ErrorRecord], None],
        width: int = 120,
    ) -> None:
        self._write = write
        self._write_error = write_error
        self._width = width
        self._view: View | None = None
        self._rows: list[object] = []
        self._widths: list[int] | None = None

    def push(self, value: object) -> None:
        """Format one object."""
        if value is None:
            return
        if isinstance(value, str):
            self._end_group()
            if "\n" in value:
                # The console writes a multi-line string line by line.
                value = value.replace("\r\n", "\n").replace("\n", CRLF)
            self._write(value + CRLF)
        elif isinstance(value, int | float | bool):
            self._end_group()
            self._write(to_string(value) + CRLF)
        elif isinstance(value, Hashtable):
            self._hashtable(value)
        elif isinstance(value, ErrorRecord):
            self._end_group()
            self._write_error(value)
        elif isinstance(value, FormattedText):
            self._end_group()
            self._write(value.text)
        elif is_enumerable(value):
            for item in list(value):  # type: ignore[call-overload]
                self.push(item)
        else:
            self._object(value)

    def close(self) -> None:
        """Finish the table or list that is still open."""
        self._end_group()

    def _object(self, value: object) -> None:
        if isinstance(value, datetime):
            self._end_group()
            self._write(f"{CRLF}{long_date(value)}{CRLF}{CRLF}{CRLF}")
            return
        view = view_for(value)
        if view is None:
            self._end_group()
            self._write(to_string(value) + CRLF)
            return
        if self._view is None or self._view.group != view.group:
            self._end_group()
            self._start_group(view)
        if view.kind == "list":
            self._write(CRLF + CRLF.join(self._list_lines(view, value)) + CRLF)
            return
        self._rows.append(value)
        if self._widths is None and len(self._rows) >= _TABLE_BATCH:
            self._print_rows()
        elif self._widths is not None:
            self._print_rows()

    def _hashtable(self, table: Hashtable) -> None:
        value_width = max(self._width - _HASH_NAME_WIDTH - 2, 10)
        columns = (
            Column("Name", lambda pair: pair[0], width=_HASH_NAME_WIDTH),  # type: ignore[index]
            Column("Value", lambda pair: pair[1], width=value_width),  # type: ignore[index]
        )
        view = View("table", columns, group="hashtable")
        if self._view is None or self._view.group != "hashtable":
            self._end_group()
            self._start_group(view)
        self._rows.extend(table.items())

    def _start_group(self, view: View) -> None:
        self._view = view
        self._rows = []
        self._widths = None
        self._write(view.heading + CRLF)

    def _end_group(self) -> None:
        view = self._view
        if view is None:
            return
        if view.kind == "table":
            self._print_rows()
            if self._widths is None:
                self._widths = [len(column.header) for column in view.columns]
                self._write(self._header_lines(view))
        self._write(CRLF + CRLF)
        self._view = None
        self._rows = []
        self._widths = None

    def _print_rows(self) -> None:
        view = self._view
        if view is None or not self._rows:
            return
        cells = [
            [cell_text(column.read(row)) for column in view.columns]
            for row in self._rows
        ]
        if self._widths is None:
            self._widths = [
                column.width
                or max([len(column.header)] + [len(row[i]) for row in cells])
                for i, column in enumerate(view.columns)
            ]
            self._write(self._header_lines(view))
        lines = [self._line(view, row) for row in cells]
        self._write("".join(line + CRLF for line in lines))
        self._rows = []

    def _header_lines(self, view: View) -> str:
        headers = [column.header for column in view.columns]
        dashes = ["-" * len(column.header) for column in view.columns]
        return self._line(view, headers) + CRLF + self._line(view, dashes) + CRLF

    def _line(self, view: View, cells: list[str]) -> str:
        widths = self._widths or []
        pieces = []
        for index, (column, text) in enumerate(zip(view.columns, cells, strict=True)):
            width = widths[index]
            if len(text) > width:
                text = text[: max(width - 3, 0)] + "..."
            pieces.append(text.rjust(width) if column.right else text.ljust(width))
        return " ".join(pieces).rstrip()

    def _list_lines(self, view: View, value: object) -> list[str]:
        width = max((len(column.header) for column in view.columns), default=0)
        lines = []
        for column in view.columns:
            text = cell_text(column.read(value))
            lines.append(f"{column.header.ljust(width)} : {text}".rstrip())
        return lines


def format_to_text(values: list[object], width: int = 120) -> str:
    """Return the text Out-Default would print for values (used by Out-String)."""
    pieces: list[str] = []
    formatter = OutDefault(
        pieces.append, lambda record: pieces.append(record.message + CRLF), width
    )
    for value in values:
        formatter.push(value)
    formatter.close()
    return "".join(pieces)
