"""Get-Process and Stop-Process over the host's simulated process table."""

from __future__ import annotations

from typing import Any

from winrm_sim.machine import ProcessEntry
from winrm_sim.powershell.cmdlets.base import Cmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.formatting import Column, View
from winrm_sim.powershell.text_operators import wildcard_match
from winrm_sim.powershell.values import to_number, to_string

_MICROSOFT = "Microsoft.PowerShell.Commands."


class ProcessObject:
    """A System.Diagnostics.Process."""

    ps_type_name = "System.Diagnostics.Process"

    def __init__(self, entry: ProcessEntry) -> None:
        self.entry = entry

    def ps_properties(self) -> list[tuple[str, object]]:
        """Return the properties scripts read."""
        entry = self.entry
        return [
            ("Id", entry.pid),
            ("ProcessName", entry.name),
            ("Name", entry.name),
            ("Handles", 40 + entry.pid % 200),
            ("NPM", 9000),
            ("PM", entry.working_set_kb * 800),
            ("WS", entry.working_set_kb * 1024),
            ("CPU", 0.05),
            ("SessionId", entry.session),
            ("StartTime", entry.started),
            ("Path", _image_path(entry.name)),
            ("CommandLine", entry.command_line),
            ("HasExited", False),
        ]

    def ps_call(
        self, interpreter: Any, key: str, arguments: list[object]
    ) -> tuple[bool, object]:
        """Implement Kill()."""
        if key == "kill" and self.entry.kill is not None:
            self.entry.kill()
            return True, None
        return False, None

    def ps_string(self) -> str:
        """Return `System.Diagnostics.Process (name)`."""
        return f"System.Diagnostics.Process ({self.entry.name})"

    def ps_view(self) -> View:
        """Return the Handles/NPM/PM/WS/CPU/Id/SI/ProcessName table."""

        def number(name: str, scale: int = 1024):  # noqa: ANN202
            return lambda item: int(dict(item.ps_properties())[name]) // scale

        columns = (
            Column(
                "Handles", lambda item: dict(item.ps_properties())["Handles"], True, 7
            ),
            Column("NPM(K)", number("NPM"), True, 7),
            Column("PM(K)", number("PM"), True, 8),
            Column("WS(K)", number("WS"), True, 10),
            Column("CPU(s)", lambda item: "0.05", True, 10),
            Column("Id", lambda item: item.entry.pid, True, 6),
            Column("SI", lambda item: item.entry.session, True, 3),
            Column("ProcessName", lambda item: item.entry.name),
        )
        return View("table", columns, group="process")


def _image_path(name: str) -> str:
    if name == "powershell":
        return "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
    return f"C:\\Windows\\System32\\{name}.exe"


class GetProcess(Cmdlet):
    """Get-Process (gps, ps)."""

    name = "Get-Process"
    dotnet_type = _MICROSOFT + "GetProcessCommand"
    parameters = (
        ParameterSpec(
            "Name", position=0, type_name="System.String[]", aliases=("ProcessName",)
        ),
        ParameterSpec("Id", type_name="System.Int32[]", aliases=("PID",)),
    )

    def process(self, item: object) -> None:
        """Emit the matching processes, or an error per name or id not found."""
        entries = self.interpreter.machine.processes()
        if "Id" in self.bound:
            for pid in self.values("Id"):
                found = [e for e in entries if e.pid == pid]
                if not found:
                    self.write_error(
                        self.record(
                            f"Cannot find a process with the process identifier {pid}.",
                            "NoProcessFoundForGivenId",
                            "ObjectNotFound",
                            pid,
                            reason="ProcessCommandException",
                            target_type="Int32",
                        )
                    )
                for entry in found:
                    self.emit(ProcessObject(entry))
            return
        names = [to_string(name) for name in self.values("Name")] or ["*"]
        found: dict[int, ProcessEntry] = {}
        for name in names:
            matches = [e for e in entries if wildcard_match(name, e.name)]
            if not matches and "*" not in name:
                self.write_error(
                    self.record(
                        f'Cannot find a process with the name "{name}". '
                        "Verify the process name and call the cmdlet again.",
                        "NoProcessFoundForGivenName",
                        "ObjectNotFound",
                        name,
                        reason="ProcessCommandException",
                    )
                )
            found.update((entry.pid, entry) for entry in matches)
        # Get-Process sends the processes sorted by name, whatever the order asked.
        for entry in sorted(found.values(), key=lambda e: (e.name.casefold(), e.pid)):
            self.emit(ProcessObject(entry))


class StopProcess(Cmdlet):
    """Stop-Process (kill, spps): stop simulated processes of any shell."""

    name = "Stop-Process"
    dotnet_type = _MICROSOFT + "StopProcessCommand"
    parameters = (
        ParameterSpec("Id", position=0, type_name="System.Int32[]"),
        ParameterSpec("Name", type_name="System.String[]", aliases=("ProcessName",)),
        ParameterSpec("InputObject"),
        ParameterSpec("Force", switch=True),
        ParameterSpec("PassThru", switch=True),
    )

    def process(self, item: object) -> None:
        """Stop each process given by id, name or input object."""
        machine = self.interpreter.machine
        targets: list[ProcessEntry] = []
        if isinstance(item, ProcessObject):
            targets.append(item.entry)
        for pid in self.values("Id"):
            entry = machine.find_process(int(to_number(pid)))
            if entry is None:
                self.write_error(
                    self.record(
                        f"Cannot find a process with the process identifier {pid}.",
                        "NoProcessFoundForGivenId",
                        "ObjectNotFound",
                        pid,
                        reason="ProcessCommandException",
                        target_type="Int32",
                    )
                )
            else:
                targets.append(entry)
        for name in self.values("Name"):
            targets.extend(
                e
                for e in machine.processes()
                if wildcard_match(to_string(name), e.name)
            )
        for entry in targets:
            self._stop(entry)

    def _stop(self, entry: ProcessEntry) -> None:
        if entry.kill is None:
            self.write_error(
                self.record(
                    f'Cannot stop process "{entry.name} ({entry.pid})" because of the '
                    "following error: Access is denied",
                    "CouldNotStopProcess",
                    "CloseError",
                    f"System.Diagnostics.Process ({entry.name})",
                    reason="ProcessCommandException",
                    target_type="Process",
                )
            )
            return
        entry.kill()
        self.interpreter.machine.end_process(entry)
        if self.get("PassThru"):
            self.emit(ProcessObject(entry))
