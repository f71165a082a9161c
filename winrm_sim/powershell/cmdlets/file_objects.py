"""FileInfo and DirectoryInfo objects, as Get-Item and Get-ChildItem return them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from winrm_sim.powershell.formatting import Column, View
from winrm_sim.vfs import Entry
from winrm_sim.vfs import paths as vpaths

_PROVIDER = "Microsoft.PowerShell.Core\\FileSystem::"


def _write_time(value: datetime) -> str:
    date = f"{value.month}/{value.day}/{value.year}"
    hour = value.hour % 12 or 12
    time = f"{hour}:{value:%M} {'AM' if value.hour < 12 else 'PM'}"
    return f"{date:>10}  {time:>8}"


class FileItem:
    """A file or directory. Prints in the Mode/LastWriteTime/Length/Name view."""

    def __init__(self, entry: Entry, filesystem: Any) -> None:
        self.entry = entry
        self.filesystem = filesystem

    @property
    def ps_type_name(self) -> str:
        """Return System.IO.DirectoryInfo or System.IO.FileInfo."""
        return (
            "System.IO.DirectoryInfo"
            if self.entry.is_directory
            else "System.IO.FileInfo"
        )

    @property
    def mode(self) -> str:
        """Return the Mode column: `d-----` for folders, `-a----` for files."""
        return "d-----" if self.entry.is_directory else "-a----"

    def ps_properties(self) -> list[tuple[str, object]]:
        """Return the properties scripts read."""
        entry = self.entry
        name = entry.name
        stem, dot, extension = name.rpartition(".")
        parent = vpaths.parent(entry.path) or ""
        pairs: list[tuple[str, object]] = [
            ("PSPath", _PROVIDER + entry.path),
            ("PSParentPath", _PROVIDER + parent),
            ("PSChildName", name),
            ("PSIsContainer", entry.is_directory),
            ("Mode", self.mode),
            ("Name", name),
            ("FullName", entry.path),
            ("Extension", f".{extension}" if dot and stem else ""),
            ("BaseName", stem if dot and stem and not entry.is_directory else name),
            ("Exists", True),
            ("CreationTime", entry.created),
            ("LastWriteTime", entry.modified),
            ("LastAccessTime", entry.modified),
            ("Attributes", "Directory" if entry.is_directory else "Archive"),
        ]
        if entry.is_directory:
            pairs += [("Parent", parent), ("Root", entry.path[:3])]
        else:
            pairs += [
                ("Length", entry.size),
                ("DirectoryName", parent),
                ("Directory", parent),
                ("IsReadOnly", False),
            ]
        return pairs

    def ps_call(
        self, interpreter: Any, key: str, arguments: list[object]
    ) -> tuple[bool, object]:
        """Implement Delete() and ToString()."""
        if key == "delete":
            self.filesystem.remove(
                self.entry.path, recursive=bool(arguments and arguments[0])
            )
            return True, None
        if key == "tostring":
            return True, self.entry.path
        return False, None

    def ps_string(self) -> str:
        """Return the full path, as ToString() does.

        NOTE: Windows PowerShell 5.1 returns only the name for some items that
        Get-ChildItem lists; the full path is used for every item here.
        """
        return self.entry.path

    def ps_view(self) -> View:
        """Return the directory listing view, grouped by parent folder."""
        parent = vpaths.parent(self.entry.path) or self.entry.path
        columns = (
            Column("Mode", lambda item: item.mode, width=7),  # type: ignore[attr-defined]
            Column(
                "LastWriteTime",
                lambda item: _write_time(item.entry.modified),
                right=True,
                width=25,
            ),  # type: ignore[attr-defined]
            Column(
                "Length",
                lambda item: "" if item.entry.is_directory else item.entry.size,  # type: ignore[attr-defined]
                right=True,
                width=14,
            ),
            Column("Name", lambda item: item.entry.name),  # type: ignore[attr-defined]
        )
        heading = f"\r\n\r\n    Directory: {parent}\r\n\r\n"
        return View(
            "table", columns, group=("directory", parent.casefold()), heading=heading
        )
