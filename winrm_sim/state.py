"""In-memory state of a simulated host: shells, commands, processes and counters."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from winrm_sim import faults
from winrm_sim.environment import Environment
from winrm_sim.machine import Machine
from winrm_sim.process import SimProcess
from winrm_sim.settings import SimSettings
from winrm_sim.vfs import FileSystem


def new_guid() -> str:
    """Return an upper-case GUID, the form Windows uses for shell and command ids."""
    return str(uuid.uuid4()).upper()


@dataclass
class Command:
    """A command started in a shell, and the process that runs it."""

    command_id: str
    command_line: str
    process: SimProcess
    done_reported: bool = False


@dataclass
class Shell:
    """A WinRS shell created for one user."""

    shell_id: str
    owner: str
    client_ip: str
    codepage: int
    codec: str
    env: Environment
    working_directory: str
    no_profile: bool = False
    idle_timeout: str | None = None
    input_streams: str = "stdin"
    output_streams: str = "stdout stderr"
    created_at: float = field(default_factory=time.monotonic)
    commands: dict[str, Command] = field(default_factory=dict)
    # IdleTimeout bookkeeping: time of the last request and requests in progress.
    last_activity: float = field(default_factory=time.monotonic)
    idle_timeout_s: float = 7200.0
    busy: int = 0
    # Commands started, counted against MaxConcurrentOperationsPerUser.
    operations: int = 0


@dataclass
class Orphan:
    """A process still running after its shell was deleted without a terminate."""

    shell_id: str
    owner: str
    command: Command


class HostState:
    """Shells and counters of one host, guarded by `lock`."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self.shells: dict[str, Shell] = {}
        self.orphans: list[Orphan] = []
        self.counters: Counter[str] = Counter()
        self.machine = Machine(
            settings.hostname,
            settings.max_memory_per_shell_mb,
            settings.max_processes_per_shell,
            settings.ui_language,
        )

    def count(self, name: str) -> None:
        """Increase a named counter by one."""
        with self.lock:
            self.counters[name] += 1

    @property
    def filesystem(self) -> FileSystem:
        """Return the host's file system (drives C: and D:)."""
        return self.machine.filesystem

    def add_shell(self, shell: Shell) -> None:
        """Register a new shell. Its programs reach the machine through its env."""
        shell.env.machine = self.machine
        shell.env.shell_key = shell.shell_id
        with self.lock:
            self.shells[shell.shell_id] = shell
            self.counters["shells_created"] += 1

    def shell(self, shell_id: str | None) -> Shell:
        """Return a shell or raise the unknown-shell fault."""
        if not shell_id:
            raise faults.missing_shell_selector()
        with self.lock:
            shell = self._find_shell(shell_id)
        if shell is None:
            raise faults.unknown_shell(shell_id)
        return shell

    def command(self, shell: Shell, command_id: str | None) -> Command:
        """Return a command of a shell or raise the unknown-command fault."""
        if not command_id:
            raise faults.invalid_parameter()
        with self.lock:
            command = shell.commands.get(command_id.upper())
        if command is None:
            raise faults.unknown_command()
        return command

    def remove_shell(self, shell_id: str, stop_processes: bool = False) -> Shell:
        """Remove a shell.

        As on Windows, a Delete leaves processes that still run behind as
        orphans. `stop_processes` stops them instead, as an expired shell does.
        """
        with self.lock:
            shell = self._find_shell(shell_id)
            if shell is None:
                raise faults.unknown_shell(shell_id)
            del self.shells[shell.shell_id]
            running = [c for c in shell.commands.values() if not c.process.finished]
            if not stop_processes:
                self.orphans.extend(
                    Orphan(shell.shell_id, shell.owner, c) for c in running
                )
        if stop_processes:
            for command in running:
                command.process.stop("shell expired")
        return shell

    def release_command(self, shell: Shell, command: Command) -> None:
        """Forget a command, so later operations on it fault."""
        with self.lock:
            shell.commands.pop(command.command_id, None)

    def processes(self) -> list[SimProcess]:
        """Return the processes of all commands still known to the host."""
        with self.lock:
            return [
                command.process
                for shell in self.shells.values()
                for command in shell.commands.values()
            ] + [orphan.command.process for orphan in self.orphans]

    def shutdown(self) -> None:
        """Stop every process, as when the WinRM service stops."""
        for process in self.processes():
            process.stop("service stopping")

    def _find_shell(self, shell_id: str) -> Shell | None:
        return self.shells.get(shell_id.upper())
