"""Item cmdlets: Get-Item, Get-ChildItem, Test-Path, New-Item, Remove-Item..."""

from __future__ import annotations

from winrm_sim.powershell.cmdlets.base import NO_INPUT
from winrm_sim.powershell.cmdlets.file_objects import FileItem
from winrm_sim.powershell.cmdlets.paths import FileCmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.text_operators import wildcard_match
from winrm_sim.powershell.values import to_string
from winrm_sim.vfs import FileSystemError, PathError, normalize
from winrm_sim.vfs import paths as vpaths

_MICROSOFT = "Microsoft.PowerShell.Commands."
_PATH = ParameterSpec(
    "Path", position=0, type_name="System.String[]", aliases=("FullName",)
)
# Path as Get-Item, Test-Path and Remove-Item take it: $null is rejected.
_REQUIRED_PATH = ParameterSpec(
    "Path",
    position=0,
    type_name="System.String[]",
    aliases=("FullName",),
    reject_null=True,
)
_LITERAL = ParameterSpec(
    "LiteralPath", type_name="System.String[]", aliases=("PSPath", "LP")
)


def _path_of(item: object) -> object:
    return item.entry.path if isinstance(item, FileItem) else item


class GetItem(FileCmdlet):
    """Get-Item."""

    name = "Get-Item"
    dotnet_type = _MICROSOFT + "GetItemCommand"
    parameters = (_REQUIRED_PATH, _LITERAL, ParameterSpec("Force", switch=True))

    def process(self, item: object) -> None:
        """Emit the item of each path."""
        if item is not NO_INPUT:
            self.bound["Path"] = _path_of(item)
        for path in self.paths():
            self.emit(self.item(path))


class GetChildItem(FileCmdlet):
    """Get-ChildItem (dir, ls, gci)."""

    name = "Get-ChildItem"
    dotnet_type = _MICROSOFT + "GetChildItemCommand"
    parameters = (
        _PATH,
        _LITERAL,
        ParameterSpec("Filter", position=1, type_name="System.String"),
        ParameterSpec("Include", type_name="System.String[]"),
        ParameterSpec("Exclude", type_name="System.String[]"),
        ParameterSpec("Recurse", switch=True, aliases=("s",)),
        ParameterSpec("File", switch=True),
        ParameterSpec("Directory", switch=True, aliases=("ad",)),
        ParameterSpec("Name", switch=True),
        ParameterSpec("Force", switch=True),
        ParameterSpec("Depth", type_name="System.UInt32"),
    )

    def process(self, item: object) -> None:
        """List the children of each folder (or the item itself for a file)."""
        if item is not NO_INPUT:
            self.bound["Path"] = _path_of(item)
        if "Path" not in self.bound and "LiteralPath" not in self.bound:
            self.bound["Path"] = [self.interpreter.location]
        for path in self.paths():
            if self.filesystem.is_directory(path) and not vpaths.has_wildcard(
                str(self.get("Path"))
            ):
                self._list(path, depth=0)
            else:
                self._emit(self.item(path))

    def _list(self, folder: str, depth: int) -> None:
        for entry in self.filesystem.list_directory(folder):
            self._emit(FileItem(entry, self.filesystem))
            limit = self.get("Depth")
            if (
                entry.is_directory
                and self.get("Recurse")
                and (limit is None or depth < limit)
            ):
                self._list(entry.path, depth + 1)

    def _emit(self, item: FileItem) -> None:
        name = item.entry.name
        if self.get("File") and item.entry.is_directory:
            return
        if self.get("Directory") and not item.entry.is_directory:
            return
        patterns = [self.text("Filter")] if self.get("Filter") else []
        patterns += [to_string(p) for p in self.values("Include")]
        if patterns and not any(wildcard_match(p, name) for p in patterns):
            return
        if any(wildcard_match(to_string(p), name) for p in self.values("Exclude")):
            return
        self.emit(name if self.get("Name") else item)


class TestPath(FileCmdlet):
    """Test-Path: True when the path exists (and is of the -PathType)."""

    name = "Test-Path"
    dotnet_type = _MICROSOFT + "TestPathCommand"
    parameters = (
        _REQUIRED_PATH,
        _LITERAL,
        ParameterSpec("PathType", type_name="System.String", aliases=("Type",)),
        ParameterSpec("IsValid", switch=True),
    )

    def process(self, item: object) -> None:
        """Emit one boolean per path."""
        if item is not NO_INPUT:
            self.bound["Path"] = _path_of(item)
        for value in self.values("Path") + self.values("LiteralPath"):
            self.emit(self._test(to_string(value)))

    def _test(self, text: str) -> bool:
        try:
            path = normalize(text, self.interpreter.location)
        except PathError:
            return False
        if self.get("IsValid"):
            return True
        if vpaths.has_wildcard(path):
            folder, pattern = vpaths.parent(path) or path, vpaths.name(path)
            try:
                entries = self.filesystem.list_directory(folder)
            except FileSystemError:
                return False
            return any(wildcard_match(pattern, e.name) for e in entries)
        kind = self.text("PathType").lower()
        if kind == "container":
            return self.filesystem.is_directory(path)
        if kind == "leaf":
            return self.filesystem.exists(path) and not self.filesystem.is_directory(
                path
            )
        return self.filesystem.exists(path)


class NewItem(FileCmdlet):
    """New-Item: create a file (with -Value) or a directory."""

    name = "New-Item"
    dotnet_type = _MICROSOFT + "NewItemCommand"
    parameters = (
        ParameterSpec("Path", position=0, type_name="System.String[]"),
        ParameterSpec("Name", type_name="System.String"),
        ParameterSpec("ItemType", type_name="System.String", aliases=("Type",)),
        ParameterSpec("Value", position=1),
        ParameterSpec("Force", switch=True),
    )

    def process(self, item: object) -> None:
        """Create each item and emit it."""
        for value in self.values("Path") or [self.interpreter.location]:
            target = to_string(value)
            if self.get("Name"):
                target = vpaths.join(target, self.text("Name"))
            path = self.absolute(target)
            if path is not None:
                self._create(path)

    def _create(self, path: str) -> None:
        filesystem = self.filesystem
        kind = self.text("ItemType", "File").lower()
        owner = self.interpreter.account_name
        if kind in ("directory", "container"):
            if filesystem.exists(path) and not self.get("Force"):
                self.write_error(
                    self._exists(
                        path, "An item with the specified name {} already exists."
                    )
                )
                return
            filesystem.make_directory(path, owner=owner)
            self.emit(self.item(path))
            return
        if filesystem.exists(path) and not self.get("Force"):
            self.write_error(self._exists(path, "The file '{}' already exists."))
            return
        parent = vpaths.parent(path) or path
        if not filesystem.is_directory(parent):
            if not self.get("Force"):
                self.write_error(
                    self.record(
                        f"Could not find a part of the path '{path}'.",
                        "NewItemIOError",
                        "WriteError",
                        path,
                        reason="DirectoryNotFoundException",
                    )
                )
                return
            filesystem.make_directory(parent, owner=owner)
        value = self.get("Value")
        data = (
            b""
            if value is None
            else to_string(value).encode("cp1252", errors="replace")
        )
        filesystem.write_bytes(path, data, owner=owner)
        self.emit(self.item(path))

    def _exists(self, path: str, template: str):  # noqa: ANN202
        return self.record(
            template.format(path),
            "NewItemIOError",
            "ResourceExists",
            path,
            reason="IOException",
        )


class RemoveItem(FileCmdlet):
    """Remove-Item (del, rm)."""

    name = "Remove-Item"
    dotnet_type = _MICROSOFT + "RemoveItemCommand"
    parameters = (
        _REQUIRED_PATH,
        _LITERAL,
        ParameterSpec("Recurse", switch=True, aliases=("r",)),
        ParameterSpec("Force", switch=True),
    )

    def process(self, item: object) -> None:
        """Delete each item."""
        if item is not NO_INPUT:
            self.bound["Path"] = _path_of(item)
        for path in self.paths():
            try:
                self.filesystem.remove(path, recursive=bool(self.get("Recurse")))
            except FileSystemError as error:
                if error.kind != "not_empty":
                    raise
                self.write_error(
                    self.record(
                        "Windows PowerShell is in NonInteractive mode. Read and Prompt "
                        "functionality is not available.",
                        "RemoveFileSystemItemIOError",
                        "InvalidOperation",
                        path,
                        reason="PSInvalidOperationException",
                    )
                )


class CopyItem(FileCmdlet):
    """Copy-Item and Move-Item."""

    name = "Copy-Item"
    dotnet_type = _MICROSOFT + "CopyItemCommand"
    parameters = (
        _PATH,
        _LITERAL,
        ParameterSpec("Destination", position=1, type_name="System.String"),
        ParameterSpec("Recurse", switch=True),
        ParameterSpec("Force", switch=True),
        ParameterSpec("PassThru", switch=True),
    )

    def process(self, item: object) -> None:
        """Copy (or move) each item to the destination."""
        if item is not NO_INPUT:
            self.bound["Path"] = _path_of(item)
        destination = self.absolute(
            self.text("Destination") or self.interpreter.location
        )
        if destination is None:
            return
        for path in self.paths():
            target = destination
            if self.filesystem.is_directory(destination):
                target = vpaths.join(destination, vpaths.name(path))
            try:
                self._transfer(path, target)
            except FileSystemError as error:
                self.write_error(
                    self.record(
                        f"Could not find a part of the path '{error.path}'.",
                        f"{self.name.split('-')[0]}ItemIOError",
                        "WriteError",
                        error.path,
                        reason="DirectoryNotFoundException",
                    )
                )
                continue
            if self.get("PassThru"):
                self.emit(self.item(target))

    def _transfer(self, path: str, target: str) -> None:
        if (
            self.get("Force")
            and self.filesystem.exists(target)
            and not self.filesystem.is_directory(target)
        ):
            self.filesystem.remove(target)
        self.filesystem.copy(path, target, recursive=bool(self.get("Recurse")))


class MoveItem(CopyItem):
    """Move-Item."""

    name = "Move-Item"
    dotnet_type = _MICROSOFT + "MoveItemCommand"

    def _transfer(self, path: str, target: str) -> None:
        if self.get("Force") and self.filesystem.exists(target):
            self.filesystem.remove(target, recursive=True)
        self.filesystem.move(path, target)


class RenameItem(FileCmdlet):
    """Rename-Item."""

    name = "Rename-Item"
    dotnet_type = _MICROSOFT + "RenameItemCommand"
    parameters = (
        _PATH,
        _LITERAL,
        ParameterSpec("NewName", position=1, type_name="System.String"),
    )

    def process(self, item: object) -> None:
        """Rename each item inside its folder."""
        for path in self.paths():
            parent = vpaths.parent(path) or path
            self.filesystem.move(path, vpaths.join(parent, self.text("NewName")))


class JoinPath(FileCmdlet):
    """Join-Path."""

    name = "Join-Path"
    dotnet_type = _MICROSOFT + "JoinPathCommand"
    parameters = (
        ParameterSpec("Path", position=0, type_name="System.String[]"),
        ParameterSpec("ChildPath", position=1, type_name="System.String"),
    )

    def process(self, item: object) -> None:
        """Emit each path joined with the child path."""
        child = self.text("ChildPath").replace("/", "\\").lstrip("\\")
        for value in self.values("Path"):
            base = to_string(value).replace("/", "\\").rstrip("\\")
            self.emit(f"{base}\\{child}" if child else base + "\\")


class SplitPath(FileCmdlet):
    """Split-Path: the parent (default) or -Leaf of a path."""

    name = "Split-Path"
    dotnet_type = _MICROSOFT + "SplitPathCommand"
    parameters = (
        ParameterSpec("Path", position=0, type_name="System.String[]"),
        ParameterSpec("Leaf", switch=True),
        ParameterSpec("Parent", switch=True),
        ParameterSpec("Qualifier", switch=True),
    )

    def process(self, item: object) -> None:
        """Emit the part of each path."""
        for value in self.values("Path"):
            text = to_string(value).replace("/", "\\").rstrip("\\")
            if self.get("Leaf"):
                self.emit(text.rsplit("\\", 1)[-1])
            elif self.get("Qualifier"):
                self.emit(text[:2])
            else:
                head = text.rsplit("\\", 1)[0] if "\\" in text else ""
                self.emit(
                    head + "\\" if len(head) == 2 and head.endswith(":") else head
                )


class ResolvePath(FileCmdlet):
    """Resolve-Path."""

    name = "Resolve-Path"
    dotnet_type = _MICROSOFT + "ResolvePathCommand"
    parameters = (_PATH, _LITERAL)

    def process(self, item: object) -> None:
        """Emit a PathInfo per existing path."""
        from winrm_sim.powershell.cmdlets.utility import _PathInfo

        for path in self.paths():
            self.emit(_PathInfo(path))
