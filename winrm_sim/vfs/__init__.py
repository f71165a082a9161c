"""A per-host virtual file system with drives C: and D:, owners and access rules."""

from winrm_sim.vfs.filesystem import Entry, FileSystem, FileSystemError
from winrm_sim.vfs.paths import PathError, normalize

__all__ = ["Entry", "FileSystem", "FileSystemError", "PathError", "normalize"]
