"""The file system of a simulated host, kept in a temporary folder.

Drives C: and D: are sub-folders of the host's folder. Windows paths resolve
without regard to case, with either slash; an item keeps the case it was
created with. Owners and access rules live in memory next to the files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from winrm_sim.vfs import paths
from winrm_sim.vfs.security import (
    AccessRule,
    SecurityDescriptor,
    inherit_to_child,
    profile_rules,
    root_rules,
)

DRIVES = ("C", "D")
_LAYOUT = (
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
    "C:\\Windows\\Temp",
    "C:\\Program Files",
    "C:\\Program Files (x86)",
    "C:\\ProgramData",
    "C:\\Users\\Public",
)
_SYSTEM_FILES = ("cmd.exe", "whoami.exe", "hostname.exe", "ipconfig.exe", "icacls.exe")


class FileSystemError(Exception):
    """A file system operation failed. `kind` names the reason: not_found, exists..."""

    def __init__(self, kind: str, path: str) -> None:
        super().__init__(f"{kind}: {path}")
        self.kind = kind
        self.path = path


@dataclass(frozen=True)
class Entry:
    """One file or directory as Get-Item reports it."""

    path: str
    is_directory: bool
    size: int
    modified: datetime
    created: datetime

    @property
    def name(self) -> str:
        """Return the item name."""
        return paths.name(self.path)


class FileSystem:
    """The C: and D: drives of one host. Safe to use from several threads."""

    def __init__(self, hostname: str, root: str | None = None) -> None:
        self.hostname = hostname
        self.root = Path(root or tempfile.mkdtemp(prefix="winrm_sim_"))
        self.lock = threading.RLock()
        self.security: dict[str, SecurityDescriptor] = {}
        self.local_accounts: set[str] = {"administrator", "guest"}
        if root is None:
            self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.root), True)
        for drive in DRIVES:
            (self.root / drive).mkdir(exist_ok=True)
        for folder in _LAYOUT:
            self.make_directory(folder, owner="NT SERVICE\\TrustedInstaller")
        for program in _SYSTEM_FILES:
            self.write_bytes(
                f"C:\\Windows\\System32\\{program}",
                b"MZ",
                owner="NT SERVICE\\TrustedInstaller",
            )

    # Paths

    def host_path(self, path: str) -> Path:
        """Return the real path of an existing item, or where a new one would go.

        Each existing component is matched without regard to case.
        """
        normalized = paths.normalize(path, "C:\\")
        drive, rest = normalized[0], normalized[3:]
        if drive not in DRIVES:
            raise FileSystemError("no_drive", normalized)
        current = self.root / drive
        for part in [piece for piece in rest.split("\\") if piece]:
            current = current / self._match(current, part)
        return current

    def _match(self, folder: Path, part: str) -> str:
        if (folder / part).exists():
            return part
        folded = part.casefold()
        try:
            for child in os.listdir(folder):
                if child.casefold() == folded:
                    return child
        except (FileNotFoundError, NotADirectoryError):
            pass
        return part

    def display_path(self, path: str) -> str:
        """Return the path with the case of the existing items."""
        normalized = paths.normalize(path, "C:\\")
        real = self.host_path(normalized)
        relative = real.relative_to(self.root)
        pieces = relative.parts
        return f"{pieces[0]}:\\" + "\\".join(pieces[1:])

    # Queries

    def exists(self, path: str) -> bool:
        """Return True when a file or directory exists at the path."""
        try:
            return self.host_path(path).exists()
        except FileSystemError:
            return False

    def is_directory(self, path: str) -> bool:
        """Return True for an existing directory."""
        try:
            return self.host_path(path).is_dir()
        except FileSystemError:
            return False

    def entry(self, path: str) -> Entry:
        """Return the item at a path or raise FileSystemError("not_found")."""
        real = self.host_path(path)
        if not real.exists():
            raise FileSystemError("not_found", path)
        stat = real.stat()
        return Entry(
            self.display_path(path),
            real.is_dir(),
            0 if real.is_dir() else stat.st_size,
            datetime.fromtimestamp(stat.st_mtime),
            datetime.fromtimestamp(stat.st_ctime),
        )

    def list_directory(self, path: str) -> list[Entry]:
        """Return the children of a directory: folders first, then files, by name."""
        real = self.host_path(path)
        if not real.is_dir():
            raise FileSystemError("not_found", path)
        base = self.display_path(path)
        entries = [self.entry(paths.join(base, child)) for child in os.listdir(real)]
        return sorted(
            entries, key=lambda item: (not item.is_directory, item.name.casefold())
        )

    def read_bytes(self, path: str) -> bytes:
        """Return a file's content."""
        real = self.host_path(path)
        if real.is_dir():
            raise FileSystemError("is_directory", path)
        if not real.exists():
            raise FileSystemError("not_found", path)
        return real.read_bytes()

    # Changes

    def write_bytes(
        self, path: str, data: bytes, append: bool = False, owner: str | None = None
    ) -> None:
        """Create or overwrite (or append to) a file; its folder must exist."""
        with self.lock:
            real = self.host_path(path)
            if not real.parent.is_dir():
                raise FileSystemError("parent_not_found", path)
            if real.is_dir():
                raise FileSystemError("is_directory", path)
            created = not real.exists()
            with open(real, "ab" if append else "wb") as handle:
                handle.write(data)
            if created:
                self._new_item(path, False, owner)

    def make_directory(self, path: str, owner: str | None = None) -> None:
        """Create a directory and any missing parents."""
        with self.lock:
            normalized = paths.normalize(path, "C:\\")
            missing = []
            current: str | None = normalized
            while current is not None and not self.exists(current):
                missing.append(current)
                current = paths.parent(current)
            if self.exists(normalized) and not self.is_directory(normalized):
                raise FileSystemError("exists", path)
            for folder in reversed(missing):
                self.host_path(folder).mkdir()
                self._new_item(folder, True, owner)

    def remove(self, path: str, recursive: bool = False) -> None:
        """Delete a file, an empty directory, or a tree with `recursive`."""
        with self.lock:
            real = self.host_path(path)
            if not real.exists():
                raise FileSystemError("not_found", path)
            if real.is_dir():
                if any(real.iterdir()) and not recursive:
                    raise FileSystemError("not_empty", path)
                shutil.rmtree(real)
            else:
                real.unlink()
            prefix = paths.key(paths.normalize(path, "C:\\"))
            for stored in [
                k for k in self.security if k == prefix or k.startswith(prefix + "\\")
            ]:
                del self.security[stored]

    def copy(self, source: str, destination: str, recursive: bool = False) -> None:
        """Copy a file, or a directory tree with `recursive`."""
        with self.lock:
            real = self.host_path(source)
            target = self.host_path(destination)
            if not real.exists():
                raise FileSystemError("not_found", source)
            if real.is_dir():
                if not recursive:
                    self.make_directory(destination)
                    return
                shutil.copytree(real, target, dirs_exist_ok=True)
            else:
                if not target.parent.is_dir():
                    raise FileSystemError("parent_not_found", destination)
                shutil.copyfile(real, target)

    def move(self, source: str, destination: str) -> None:
        """Move or rename a file or directory."""
        with self.lock:
            real = self.host_path(source)
            target = self.host_path(destination)
            if not real.exists():
                raise FileSystemError("not_found", source)
            if target.exists():
                raise FileSystemError("exists", destination)
            if not target.parent.is_dir():
                raise FileSystemError("parent_not_found", destination)
            shutil.move(str(real), str(target))

    # Security

    def _new_item(self, path: str, is_directory: bool, owner: str | None) -> None:
        normalized = paths.normalize(path, "C:\\")
        if owner is None:
            owner = "BUILTIN\\Administrators"
        descriptor = SecurityDescriptor(owner)
        parts = normalized.split("\\")
        if (
            len(parts) == 3
            and parts[1].casefold() == "users"
            and parts[2].casefold() != "public"
        ):
            self.local_accounts.add(parts[2].casefold())
            descriptor.rules = profile_rules(self.hostname, parts[2])
            descriptor.protected = True
        self.security[paths.key(normalized)] = descriptor

    def descriptor(self, path: str) -> SecurityDescriptor:
        """Return the explicit security of an item (created on first use)."""
        normalized = paths.normalize(path, "C:\\")
        key = paths.key(normalized)
        with self.lock:
            if key not in self.security:
                self.security[key] = SecurityDescriptor(
                    "NT SERVICE\\TrustedInstaller"
                    if len(normalized) <= 3
                    else "BUILTIN\\Administrators"
                )
            return self.security[key]

    def effective_rules(self, path: str) -> list[AccessRule]:
        """Return explicit rules, then the rules inherited from the parents."""
        normalized = paths.normalize(path, "C:\\")
        parent = paths.parent(normalized)
        descriptor = self.descriptor(normalized)
        if parent is None:
            return descriptor.rules or root_rules()
        rules = list(descriptor.rules)
        if not descriptor.protected:
            rules += inherit_to_child(
                self.effective_rules(parent), self.is_directory(normalized)
            )
        return rules
