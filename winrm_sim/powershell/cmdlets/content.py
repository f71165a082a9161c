"""Content cmdlets: Get-Content, Set-Content, Add-Content, Out-File, Get-FileHash.

Windows PowerShell 5.1 defaults: Set-Content and Add-Content write the ANSI
code page (1252) without a byte order mark; Out-File and `>` write UTF-16LE
with one; Get-Content reads a byte order mark or else the ANSI code page.
"""

from __future__ import annotations

import hashlib

from winrm_sim.powershell.cmdlets.base import NO_INPUT
from winrm_sim.powershell.cmdlets.paths import FileCmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.dotnet.io_statics import decode_text
from winrm_sim.powershell.dotnet.objects import EncodingValue, encoding
from winrm_sim.powershell.formatting import Column, View, format_to_text
from winrm_sim.powershell.values import (
    PSObject,
    enumerate_value,
    to_number,
    to_string,
)
from winrm_sim.vfs import FileSystemError
from winrm_sim.vfs import paths as vpaths

_MICROSOFT = "Microsoft.PowerShell.Commands."
_ENCODINGS = {
    "unicode": "unicode",
    "bigendianunicode": "bigendianunicode",
    "utf8": "utf8",
    "utf32": "utf32",
    "ascii": "ascii",
    "default": "default",
    "oem": "oem",
    "string": "unicode",
    "unknown": "unicode",
}
_PATH = ParameterSpec(
    "Path", position=0, type_name="System.String[]", aliases=("FullName",)
)
_LITERAL = ParameterSpec(
    "LiteralPath", type_name="System.String[]", aliases=("PSPath",)
)
_ENCODING = ParameterSpec("Encoding", type_name="System.String")


def encoding_named(name: str, default: str) -> EncodingValue | None:
    """Return the encoding for an -Encoding name, or None for `Byte`."""
    key = (name or default).replace("-", "").lower()
    if key == "byte":
        return None
    return encoding(_ENCODINGS.get(key, default))


class GetContent(FileCmdlet):
    """Get-Content (gc, cat, type)."""

    name = "Get-Content"
    dotnet_type = _MICROSOFT + "GetContentCommand"
    parameters = (
        _PATH,
        _LITERAL,
        _ENCODING,
        ParameterSpec("Raw", switch=True),
        ParameterSpec(
            "TotalCount", type_name="System.Int64", aliases=("First", "Head")
        ),
        ParameterSpec("Tail", type_name="System.Int32", aliases=("Last",)),
    )

    def process(self, item: object) -> None:
        """Emit the lines (or the whole text with -Raw) of each file."""
        if item is not NO_INPUT:
            self.bound["Path"] = getattr(getattr(item, "entry", None), "path", item)
        for path in self.paths():
            if self.filesystem.is_directory(path):
                self.write_error(
                    self.record(
                        "Unable to get content because it is a directory: "
                        f"'{path}'. Please "
                        "use 'Get-ChildItem' instead.",
                        "GetContentReaderUnauthorizedAccessError",
                        "ReadError",
                        path,
                        reason="UnauthorizedAccessException",
                    )
                )
                continue
            self._emit(self.filesystem.read_bytes(path))

    def _emit(self, data: bytes) -> None:
        chosen = encoding_named(self.text("Encoding"), "default")
        if chosen is None:
            for byte in data:
                self.emit(byte)
            return
        text = decode_text(
            data, chosen if self.get("Encoding") else encoding("default")
        )
        if self.get("Raw"):
            self.emit(text)
            return
        lines = text.replace("\r\n", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if "TotalCount" in self.bound:
            lines = lines[: int(self.get("TotalCount"))]
        if "Tail" in self.bound:
            lines = (
                lines[len(lines) - int(self.get("Tail")) :] if self.get("Tail") else []
            )
        for line in lines:
            self.emit(line)


class SetContent(FileCmdlet):
    """Set-Content: write values as lines, in the ANSI code page by default."""

    name = "Set-Content"
    dotnet_type = _MICROSOFT + "SetContentCommand"
    append = False
    parameters = (
        _PATH,
        _LITERAL,
        _ENCODING,
        ParameterSpec("Value", position=1),
        ParameterSpec("NoNewline", switch=True),
        ParameterSpec("Force", switch=True),
        ParameterSpec("PassThru", switch=True),
    )

    def begin(self) -> None:
        """Start collecting the values."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect the value or the input item."""
        if item is NO_INPUT:
            self.items.extend(enumerate_value(self.get("Value")))
        else:
            self.items.append(item)

    def end(self) -> None:
        """Write the file."""
        chosen = encoding_named(self.text("Encoding"), "default")
        if chosen is None:
            data = bytes(int(to_number(item)) & 0xFF for item in self.items)
        else:
            newline = "" if self.get("NoNewline") else "\r\n"
            text = "".join(to_string(item) + newline for item in self.items)
            data = chosen.encode(text)
        for value in self.values("Path") + self.values("LiteralPath"):
            path = self.absolute(value)
            if path is not None:
                self._write(path, data, chosen)

    def _write(self, path: str, data: bytes, chosen: EncodingValue | None) -> None:
        exists = self.filesystem.exists(path)
        if chosen is not None and not (self.append and exists):
            data = chosen.preamble + data
        try:
            self.filesystem.write_bytes(
                path, data, append=self.append, owner=self.interpreter.account_name
            )
        except FileSystemError:
            self.write_error(
                self.record(
                    f"Could not find a part of the path '{path}'.",
                    "GetContentWriterDirectoryNotFoundError",
                    "ObjectNotFound",
                    path,
                    reason="DirectoryNotFoundException",
                )
            )


class AddContent(SetContent):
    """Add-Content: append values as lines."""

    name = "Add-Content"
    dotnet_type = _MICROSOFT + "AddContentCommand"
    append = True


class OutFile(FileCmdlet):
    """Out-File: write the console text of objects, UTF-16LE by default."""

    name = "Out-File"
    dotnet_type = _MICROSOFT + "OutFileCommand"
    parameters = (
        ParameterSpec(
            "FilePath", position=0, type_name="System.String", aliases=("Path",)
        ),
        ParameterSpec("Encoding", position=1, type_name="System.String"),
        ParameterSpec("Append", switch=True),
        ParameterSpec("NoNewline", switch=True),
        ParameterSpec("Force", switch=True),
        ParameterSpec("Width", type_name="System.Int32"),
        ParameterSpec("InputObject"),
    )

    def begin(self) -> None:
        """Start collecting objects."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect one object."""
        self.items.append(self.get("InputObject") if item is NO_INPUT else item)

    def end(self) -> None:
        """Format the objects and write the file."""
        path = self.absolute(self.text("FilePath"))
        if path is None:
            return
        chosen = encoding_named(self.text("Encoding"), "unicode") or encoding("unicode")
        text = format_to_text(self.items, int(self.get("Width", 80)))
        if self.get("NoNewline"):
            text = "".join(to_string(item) for item in self.items)
        append = bool(self.get("Append")) and self.filesystem.exists(path)
        data = chosen.encode(text) if append else chosen.preamble + chosen.encode(text)
        parent = vpaths.parent(path) or path
        if not self.filesystem.is_directory(parent):
            raise self.terminate(
                self.record(
                    f"Could not find a part of the path '{path}'.",
                    "FileOpenFailure",
                    "OpenError",
                    path,
                    reason="DirectoryNotFoundException",
                )
            )
        self.filesystem.write_bytes(
            path, data, append=append, owner=self.interpreter.account_name
        )


class FileHash(PSObject):
    """The result of Get-FileHash."""

    def ps_view(self) -> View:
        """Return the Algorithm/Hash/Path table."""
        columns = tuple(
            Column(name, lambda item, name=name: item.get(name))
            for name in ("Algorithm", "Hash", "Path")
        )
        return View("table", columns, group="filehash")


class GetFileHash(FileCmdlet):
    """Get-FileHash: SHA256 by default, upper-case hex."""

    name = "Get-FileHash"
    dotnet_type = _MICROSOFT + "GetFileHashCommand"
    parameters = (
        _PATH,
        _LITERAL,
        ParameterSpec("Algorithm", type_name="System.String"),
    )

    def process(self, item: object) -> None:
        """Emit the hash of each file."""
        algorithm = self.text("Algorithm", "SHA256").upper()
        for path in self.paths():
            digest = hashlib.new(
                algorithm.lower(), self.filesystem.read_bytes(path)
            ).hexdigest()
            self.emit(
                FileHash(
                    [
                        ("Algorithm", algorithm),
                        ("Hash", digest.upper()),
                        ("Path", path),
                    ],
                    "Microsoft.Powershell.Utility.FileHash",
                )
            )
