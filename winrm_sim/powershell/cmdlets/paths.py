"""Path resolution for the file system cmdlets, with their error records."""

from __future__ import annotations

from winrm_sim.powershell.cmdlets.base import Cmdlet
from winrm_sim.powershell.cmdlets.file_objects import FileItem
from winrm_sim.powershell.errors import ErrorRecord
from winrm_sim.powershell.text_operators import wildcard_match
from winrm_sim.vfs import FileSystemError, PathError, normalize
from winrm_sim.vfs import paths as vpaths
from winrm_sim.vfs.filesystem import DRIVES


class FileCmdlet(Cmdlet):
    """Base of cmdlets that take -Path or -LiteralPath."""

    @property
    def filesystem(self):  # noqa: ANN201
        """Return the host's file system."""
        return self.interpreter.machine.filesystem

    def absolute(self, path: object) -> str | None:
        """Return the absolute path, or write DriveNotFound and return None."""
        text = str(path)
        try:
            normalized = normalize(text, self.interpreter.location)
        except PathError:
            normalized = ""
        if not normalized or normalized[0] not in DRIVES:
            drive = text.split(":", 1)[0] if ":" in text else text
            self.write_error(
                self.record(
                    "Cannot find drive. A drive with the name "
                    f"'{drive}' does not exist.",
                    "DriveNotFound",
                    "ObjectNotFound",
                    drive,
                    reason="DriveNotFoundException",
                )
            )
            return None
        return normalized

    def not_found(self, path: str) -> ErrorRecord:
        """Return the `Cannot find path` record of this cmdlet."""
        return self.record(
            f"Cannot find path '{path}' because it does not exist.",
            "PathNotFound",
            "ObjectNotFound",
            path,
            reason="ItemNotFoundException",
        )

    def resolve(self, path: object, literal: bool = False) -> list[str]:
        """Return existing paths for a path that may hold wildcards.

        A missing path writes the not-found error of this cmdlet.
        """
        absolute = self.absolute(path)
        if absolute is None:
            return []
        if literal or not vpaths.has_wildcard(absolute):
            if self.filesystem.exists(absolute):
                return [self.filesystem.display_path(absolute)]
            self.write_error(self.not_found(absolute))
            return []
        folder = vpaths.parent(absolute) or absolute
        pattern = vpaths.name(absolute)
        try:
            entries = self.filesystem.list_directory(folder)
        except FileSystemError:
            entries = []
        found = [e.path for e in entries if wildcard_match(pattern, e.name)]
        return found

    def item(self, path: str) -> FileItem:
        """Return the FileItem of an existing path."""
        return FileItem(self.filesystem.entry(path), self.filesystem)

    def paths(self) -> list[str]:
        """Return the resolved -Path or -LiteralPath values."""
        result: list[str] = []
        for value in self.values("LiteralPath"):
            result.extend(self.resolve(value, literal=True))
        for value in self.values("Path"):
            result.extend(self.resolve(value))
        return result
