"""Windows environment blocks: names compare case-insensitively, case is kept."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from winrm_sim.machine import Machine


class Environment(MutableMapping[str, str]):
    """Environment variables of a shell or process.

    `machine` and `shell_key` name the host and shell the block belongs to. They
    travel with every copy, so a program started in a shell can reach the
    host's file system and process table.
    """

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        self.machine: Machine | None = None
        self.shell_key: str | None = None
        if values:
            self.update(values)

    def __getitem__(self, name: str) -> str:
        return self._items[name.casefold()][1]

    def __setitem__(self, name: str, value: str) -> None:
        key = name.casefold()
        stored_name = self._items[key][0] if key in self._items else name
        self._items[key] = (stored_name, value)

    def __delitem__(self, name: str) -> None:
        del self._items[name.casefold()]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def copy(self) -> Environment:
        """Return an independent copy, as a child process receives."""
        copied = Environment(dict(self.items()))
        copied.machine = self.machine
        copied.shell_key = self.shell_key
        return copied


def base_environment(hostname: str, username: str) -> Environment:
    """Return the variables every shell of a simulated host starts with."""
    profile = f"C:\\Users\\{username}"
    return Environment(
        {
            "COMPUTERNAME": hostname,
            "USERNAME": username,
            "USERDOMAIN": hostname,
            "USERPROFILE": profile,
            "HOMEDRIVE": "C:",
            "HOMEPATH": f"\\Users\\{username}",
            "APPDATA": f"{profile}\\AppData\\Roaming",
            "LOCALAPPDATA": f"{profile}\\AppData\\Local",
            "TEMP": f"{profile}\\AppData\\Local\\Temp",
            "TMP": f"{profile}\\AppData\\Local\\Temp",
            "SystemRoot": "C:\\Windows",
            "SystemDrive": "C:",
            "windir": "C:\\Windows",
            "ComSpec": "C:\\Windows\\system32\\cmd.exe",
            "OS": "Windows_NT",
            "PROCESSOR_ARCHITECTURE": "AMD64",
            "PATHEXT": ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC",
            "Path": (
                "C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;"
                "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\"
            ),
        }
    )
