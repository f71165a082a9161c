"""Windows path handling: drives, separators, `.` and `..`, case-insensitive keys."""

from __future__ import annotations

import re

_DRIVE = re.compile(r"^([A-Za-z]):")
# Provider-qualified paths, as Get-Item Microsoft.PowerShell.Core\FileSystem::C:\x.
_PROVIDER = re.compile(
    r"^(?:Microsoft\.PowerShell\.Core\\)?FileSystem::", re.IGNORECASE
)


class PathError(ValueError):
    """A path cannot be resolved, such as one on a drive that does not exist."""


def normalize(path: str, cwd: str) -> str:
    """Return an absolute path such as `C:\\Users\\demo\\x.txt`.

    Forward slashes become backslashes, `.` and `..` are resolved, a drive
    letter is upper-cased and a relative path is joined to `cwd`.
    """
    text = _PROVIDER.sub("", path.strip()).replace("/", "\\")
    if text.startswith("\\\\"):
        raise PathError(f"UNC paths are not supported by the simulator: {path}")
    drive_match = _DRIVE.match(text)
    if drive_match:
        drive = drive_match[1].upper()
        rest = text[2:]
        if not rest.startswith("\\"):
            rest = _relative_part(cwd, drive) + "\\" + rest
    elif text.startswith("\\"):
        drive, rest = cwd[0].upper(), text
    else:
        drive, rest = cwd[0].upper(), cwd[2:] + "\\" + text
    parts: list[str] = []
    for part in rest.split("\\"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part.rstrip(" ").rstrip(".") or part)
    return f"{drive}:\\" + "\\".join(parts)


def _relative_part(cwd: str, drive: str) -> str:
    return cwd[2:] if cwd[:1].upper() == drive else ""


def key(path: str) -> str:
    """Return the case-insensitive key of a normalized path."""
    return path.casefold()


def parent(path: str) -> str | None:
    """Return the parent directory of a normalized path, or None for a drive root."""
    if len(path) <= 3:
        return None
    head = path.rsplit("\\", 1)[0]
    return head if len(head) > 2 else head + "\\"


def name(path: str) -> str:
    """Return the last component (the drive root for `C:\\`)."""
    if len(path) <= 3:
        return path
    return path.rsplit("\\", 1)[1]


def join(base: str, child: str) -> str:
    """Join a directory and a child name."""
    return base + child if base.endswith("\\") else f"{base}\\{child}"


def has_wildcard(path: str) -> bool:
    """Return True when the last component contains `*` or `?` or `[`."""
    last = path.replace("/", "\\").rsplit("\\", 1)[-1]
    return any(char in last for char in "*?[")
