"""The simulated computer behind a host: file system, process table and limits."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from winrm_sim.vfs import FileSystem

# WinRS shell limits as `winrm get winrm/config` lists them on Windows Server 2012 R2.
DEFAULT_MAX_MEMORY_PER_SHELL_MB = 1024
DEFAULT_MAX_PROCESSES_PER_SHELL = 25
# Processes every host shows in Get-Process: (name, pid, session, working set KB).
_SYSTEM_PROCESSES = (
    ("Idle", 0, 0, 8),
    ("System", 4, 0, 140),
    ("smss", 312, 0, 1200),
    ("csrss", 412, 0, 4800),
    ("wininit", 488, 0, 6100),
    ("services", 596, 0, 9800),
    ("lsass", 608, 0, 17000),
    ("svchost", 720, 0, 21000),
    ("svchost", 812, 0, 14500),
    ("svchost", 1044, 0, 52000),
    ("WmiPrvSE", 2216, 0, 11800),
)


_PROFILE_FOLDERS = ("AppData\\Local\\Temp", "AppData\\Roaming", "Desktop", "Documents")


class StopSignal:
    """Stop flag of one simulated process: set by Stop-Process or by its parent.

    It behaves like threading.Event for `is_set` and `wait`.
    """

    def __init__(self, parent: threading.Event | StopSignal) -> None:
        self._parent = parent
        self._own = threading.Event()
        # Id of the process in the host's table, set once it is registered.
        self.process_id: int | None = None

    def is_set(self) -> bool:
        """Return True when this process or one of its parents was stopped."""
        return self._own.is_set() or self._parent.is_set()

    def set(self) -> None:
        """Stop this process."""
        self._own.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep until stopped or `timeout` passes; return True when stopped."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            remaining = (
                0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            )
            if remaining <= 0:
                return False
            self._parent.wait(remaining)
        return True


@dataclass
class ProcessEntry:
    """A process in the table, as Get-Process lists it."""

    pid: int
    name: str
    shell_key: str | None
    owner: str
    command_line: str = ""
    started: datetime = field(default_factory=datetime.now)
    working_set_kb: int = 4000
    session: int = 0
    kill: Callable[[], None] | None = None


class ProcessLimitError(Exception):
    """Starting a process would pass MaxProcessesPerShell."""


class Machine:
    """File system, running processes and resource limits of one simulated host."""

    def __init__(
        self,
        hostname: str,
        max_memory_per_shell_mb: int = DEFAULT_MAX_MEMORY_PER_SHELL_MB,
        max_processes_per_shell: int = DEFAULT_MAX_PROCESSES_PER_SHELL,
        ui_language: str = "en-US",
    ) -> None:
        self.hostname = hostname
        self.ui_language = ui_language
        self.filesystem = FileSystem(hostname)
        self.max_memory_per_shell_mb = max_memory_per_shell_mb
        self.max_processes_per_shell = max_processes_per_shell
        # When True, the next cmdlet call writes the "Preparing modules for first
        # use." progress records that module auto-loading writes once per host.
        self.first_use_progress = False
        self._profiles: set[str] = set()
        self._lock = threading.Lock()
        self._pids = itertools.count(3000, 4)
        self._processes: dict[int, ProcessEntry] = {
            pid: ProcessEntry(
                pid, name, None, "NT AUTHORITY\\SYSTEM", working_set_kb=ws
            )
            for name, pid, _, ws in _SYSTEM_PROCESSES
        }

    @classmethod
    def standalone(cls, hostname: str) -> Machine:
        """Return the machine shared by scripts run outside a server (in-process)."""
        return machine_of(None, hostname)

    def start_process(
        self,
        name: str,
        shell_key: str | None,
        owner: str,
        command_line: str = "",
        kill: Callable[[], None] | None = None,
    ) -> ProcessEntry:
        """Add a process, or raise ProcessLimitError when the shell has too many."""
        with self._lock:
            if shell_key is not None:
                running = sum(
                    1 for p in self._processes.values() if p.shell_key == shell_key
                )
                if running >= self.max_processes_per_shell:
                    raise ProcessLimitError(name)
            entry = ProcessEntry(
                next(self._pids), name, shell_key, owner, command_line, kill=kill
            )
            entry.working_set_kb = 60000 if name == "powershell" else 3500
            self._processes[entry.pid] = entry
            return entry

    def end_process(self, entry: ProcessEntry) -> None:
        """Remove a process that exited."""
        with self._lock:
            self._processes.pop(entry.pid, None)

    def processes(self) -> list[ProcessEntry]:
        """Return the running processes, by name then id."""
        with self._lock:
            entries = list(self._processes.values())
        return sorted(entries, key=lambda p: (p.name.casefold(), p.pid))

    def find_process(self, pid: int) -> ProcessEntry | None:
        """Return the process with that id, or None."""
        with self._lock:
            return self._processes.get(pid)

    def prepare_profile(self, username: str) -> None:
        """Create a user's profile folders (Temp, Documents...) on first logon."""
        name = username.rpartition("\\")[2]
        with self._lock:
            if name.casefold() in self._profiles:
                return
            self._profiles.add(name.casefold())
        owner = f"{self.hostname}\\{name}"
        for folder in _PROFILE_FOLDERS:
            self.filesystem.make_directory(f"C:\\Users\\{name}\\{folder}", owner=owner)

    def take_first_use(self) -> bool:
        """Return True once after `first_use_progress` was set, then False."""
        with self._lock:
            pending = self.first_use_progress
            self.first_use_progress = False
            return pending

    @property
    def memory_limit_bytes(self) -> int:
        """Return MaxMemoryPerShellMB in bytes."""
        return self.max_memory_per_shell_mb * 1024 * 1024


_STANDALONE: dict[str, Machine] = {}
_STANDALONE_LOCK = threading.Lock()


def machine_of(env: object, hostname: str) -> Machine:
    """Return the machine a process belongs to.

    A process started outside a server (an in-process test) shares one
    standalone machine per host name.
    """
    machine = getattr(env, "machine", None)
    if machine is not None:
        return machine  # type: ignore[no-any-return]
    with _STANDALONE_LOCK:
        if hostname not in _STANDALONE:
            _STANDALONE[hostname] = Machine(hostname)
        return _STANDALONE[hostname]
