"""Writing to the error, warning, verbose, debug, information and progress streams.

Each write checks the command's common parameter (-ErrorAction, -Verbose...)
and otherwise the preference variable ($ErrorActionPreference...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.streams import InformationMessage, WarningMessage
from winrm_sim.powershell.values import to_string

if TYPE_CHECKING:
    from winrm_sim.powershell.commands import CommandState

_QUIET = ("silentlycontinue", "ignore")


class PreferenceMixin:
    """Stream writers of the interpreter."""

    scope: Any
    routing: Any
    stdout: Any
    clixml: Any
    host: Any

    def remember_error(self, record: ErrorRecord) -> None:
        """Add a record to `$Error` (provided by the interpreter)."""
        raise NotImplementedError

    def preference(self, name: str) -> str:
        """Return a preference variable's value in lower case, such as "stop"."""
        slot = self.scope.find(name)
        value = slot.value if slot is not None else None
        return to_string(value).lower() or "continue"

    def write_error(
        self, record: ErrorRecord, command: CommandState | None = None
    ) -> None:
        """Write a non-terminating error, or raise it when the action is Stop."""
        action = (command.error_action if command else None) or self.preference(
            "ErrorActionPreference"
        )
        if action == "ignore":
            return
        self.remember_error(record)
        if command is not None:
            command.failed = True
        if action == "stop":
            raise PSError(record, script_terminating=True)
        if action == "silentlycontinue":
            return
        if self.routing.error is not None:
            self.routing.error(record)

    def write_script_error(self, record: ErrorRecord, command: CommandState) -> None:
        """Write a Write-Error record, attributed to the function that called it.

        At the top level the record shows the Write-Error command text; inside
        a function it shows the function's name and call position, and the
        function name is appended to the FullyQualifiedErrorId.
        """
        calls = getattr(self, "call_stack", [])
        caller = next((state for state in reversed(calls) if state.name), None)
        if caller is not None:
            record.prefix = caller.name
            record.error_id = f"{record.error_id},{caller.name}"
            record = caller.locate(record)
        self.write_error(record, command)

    def write_warning(self, message: str, command: CommandState | None = None) -> None:
        """Write a warning unless -WarningAction or $WarningPreference silences it."""
        action = (command.warning_action if command else None) or self.preference(
            "WarningPreference"
        )
        if action in _QUIET:
            return
        if action == "stop":
            raise PSError(
                ErrorRecord(
                    message=(
                        "The running command stopped because the preference variable "
                        '"WarningPreference" or common parameter is set to Stop: '
                        f"{message}"
                    ),
                    error_id="ActionPreferenceStop",
                    category="OperationStopped",
                    reason="ActionPreferenceStopException",
                ),
                script_terminating=True,
            )
        if self.routing.warning is not None:
            self.routing.warning(WarningMessage("warning", message))

    def write_verbose(self, message: str, command: CommandState | None = None) -> None:
        """Write a verbose line when -Verbose or $VerbosePreference asks for it."""
        self._optional_stream("verbose", "VerbosePreference", message, command)

    def write_debug(self, message: str, command: CommandState | None = None) -> None:
        """Write a debug line when -Debug or $DebugPreference asks for it."""
        self._optional_stream("debug", "DebugPreference", message, command)

    def _optional_stream(
        self, stream: str, preference: str, message: str, command: CommandState | None
    ) -> None:
        switch = getattr(command, stream, None) if command else None
        if switch is None:
            enabled = self.preference(preference) not in _QUIET
        else:
            enabled = bool(switch)
        sink = getattr(self.routing, stream)
        if enabled and sink is not None:
            sink(WarningMessage(stream, message))

    def write_information(
        self, data: object, tags: list[str], command: CommandState | None = None
    ) -> None:
        """Write an information record if -InformationAction or the preference allow."""
        action = (command.information_action if command else None) or self.preference(
            "InformationPreference"
        )
        if action in _QUIET or self.routing.information is None:
            return
        text = to_string(data)
        self.routing.information(
            InformationMessage(data, "Write-Information", tags, text=text)
        )

    def write_host(self, text: str, no_newline: bool) -> None:
        """Print Write-Host text to stdout (LF line end) and mirror it as a record.

        NOTE: the information record that mirrors Write-Host on stderr follows
        recorded Windows PowerShell 5.1 output under -EncodedCommand; its Source
        is "Write-Host" here, where a script file would give the file path.
        """
        sink = self.routing.information
        if sink is None:
            return
        record = InformationMessage(
            text,
            "Write-Host",
            ["PSHOST"],
            host_message=True,
            no_newline=no_newline,
            text=text,
        )
        if sink != self.default_information_sink():
            sink(record)
            return
        self.stdout.write(text if no_newline else text + "\n")
        sink(record)

    def default_information_sink(self) -> object:
        """Return the sink that writes information records to stderr."""
        return getattr(self, "_information_to_host", None)

    def write_progress(self, **record: Any) -> None:
        """Write a progress record unless $ProgressPreference is SilentlyContinue."""
        if self.preference("ProgressPreference") in _QUIET or self.clixml is None:
            return
        self.clixml.write_progress(**record)
