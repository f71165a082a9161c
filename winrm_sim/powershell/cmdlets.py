"""The cmdlets and native commands of the PowerShell subset."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from winrm_sim.powershell import nodes
from winrm_sim.powershell.binding import (
    CommandInfo,
    ParameterSpec,
    bind,
    binding_category,
)
from winrm_sim.powershell.dates import format_date
from winrm_sim.powershell.errors import ErrorRecord, ScriptError
from winrm_sim.powershell.evaluation import Emit
from winrm_sim.powershell.host import ExitScript, ScriptStopped
from winrm_sim.powershell.values import (
    ConversionError,
    enumerate_value,
    to_number,
    to_string,
)

if TYPE_CHECKING:
    from winrm_sim.powershell.interpreter import Interpreter

NO_INPUT = object()
_QUIET_ACTIONS = ("silentlycontinue", "ignore")


class Cmdlet:
    """One command in a pipeline: begin, then process per input item, then end."""

    name: ClassVar[str] = ""
    dotnet_type: ClassVar[str] = ""
    parameters: ClassVar[tuple[ParameterSpec, ...]] = ()

    def __init__(
        self, interpreter: Interpreter, call: nodes.CommandCall, emit: Emit
    ) -> None:
        self.interpreter = interpreter
        self.call = call
        self.emit = emit
        info = CommandInfo(self.name, self.dotnet_type)
        self.arguments = bind(info, self.parameters, call, interpreter.evaluate)

    def begin(self) -> None:
        """Run once before any input arrives."""

    def process(self, item: object) -> None:
        """Handle one input item, or NO_INPUT when the command is first."""

    def end(self) -> None:
        """Run once after the last input item."""

    def values(self, name: str) -> list[object]:
        """Return a parameter's value as a list (empty when not given)."""
        value = self.arguments.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    def error_action(self, name: str = "ErrorAction") -> str:
        """Return the -ErrorAction (or -WarningAction) value in lower case."""
        return to_string(self.arguments.get(name, "Continue")).lower()

    def argument_error(self, parameter: str, error: Exception) -> ScriptError:
        """Return the error for a parameter value of the wrong type."""
        return ScriptError(
            ErrorRecord(
                message=f"Cannot bind parameter '{parameter}'. {error}",
                category=binding_category(self.name),
                error_id=f"CannotConvertArgumentNoMessage,{self.dotnet_type}",
                prefix=self.name,
                start=self.call.start,
                end=self.call.end,
            )
        )


class WriteOutput(Cmdlet):
    """Write-Output: send objects down the pipeline."""

    name = "Write-Output"
    dotnet_type = "Microsoft.PowerShell.Commands.WriteOutputCommand"
    parameters = (
        ParameterSpec("InputObject", position=0, remaining=True),
        ParameterSpec("NoEnumerate", switch=True),
    )

    def process(self, item: object) -> None:
        """Emit the arguments (first in a pipeline) or the input item."""
        if item is not NO_INPUT:
            self.emit(item)
            return
        for value in self.values("InputObject"):
            if self.arguments.get("NoEnumerate"):
                self.emit(value)
            else:
                for element in enumerate_value(value):
                    self.emit(element)


class WriteHost(Cmdlet):
    """Write-Host: write text straight to the host (stdout), lines ending in LF."""

    name = "Write-Host"
    dotnet_type = "Microsoft.PowerShell.Commands.WriteHostCommand"
    parameters = (
        ParameterSpec("Object", position=0, remaining=True),
        ParameterSpec("NoNewline", switch=True),
        ParameterSpec("Separator"),
        # Colours do not travel over WinRS, so these are accepted and unused.
        ParameterSpec("ForegroundColor"),
        ParameterSpec("BackgroundColor"),
    )

    def process(self, item: object) -> None:
        """Write the arguments or the input item as one line."""
        objects = self.values("Object") if item is NO_INPUT else [item]
        separator = to_string(self.arguments.get("Separator", " "))
        flat = [element for value in objects for element in _flatten(value)]
        text = separator.join(to_string(element) for element in flat)
        newline = "" if self.arguments.get("NoNewline") else "\n"
        self.interpreter.host.write_stdout(text + newline)


class WriteError(Cmdlet):
    """Write-Error: write a non-terminating error record."""

    name = "Write-Error"
    dotnet_type = "Microsoft.PowerShell.Commands.WriteErrorCommand"
    parameters = (ParameterSpec("Message", position=0, type_name="System.String"),)

    def process(self, item: object) -> None:
        """Write one error record for the message or the input item."""
        message = self.arguments.get("Message") if item is NO_INPUT else item
        action = self.error_action()
        if action in _QUIET_ACTIONS:
            return
        record = ErrorRecord(
            message=to_string(message),
            category="NotSpecified: (:) [Write-Error], WriteErrorException",
            error_id="Microsoft.PowerShell.Commands.WriteErrorException",
            prefix=self.call.text,
        )
        self.interpreter.write_error(record)
        if action == "stop":
            raise ExitScript(1)


class WriteStreamLine(Cmdlet):
    """Base of Write-Warning, Write-Verbose and Write-Debug."""

    stream: ClassVar[str] = ""
    parameters = (ParameterSpec("Message", position=0, type_name="System.String"),)

    def enabled(self) -> bool:
        """Return True when the record should be written."""
        return True

    def process(self, item: object) -> None:
        """Write the message as a record of this stream."""
        message = self.arguments.get("Message") if item is NO_INPUT else item
        if self.enabled():
            self.interpreter.write_stream_line(self.stream, to_string(message))


class WriteWarning(WriteStreamLine):
    """Write-Warning: a warning record on stderr."""

    name = "Write-Warning"
    dotnet_type = "Microsoft.PowerShell.Commands.WriteWarningCommand"
    stream = "warning"

    def enabled(self) -> bool:
        """Return False for -WarningAction SilentlyContinue or Ignore."""
        return self.error_action("WarningAction") not in _QUIET_ACTIONS


class WriteVerbose(WriteStreamLine):
    """Write-Verbose: written only with -Verbose, as VerbosePreference is quiet."""

    name = "Write-Verbose"
    dotnet_type = "Microsoft.PowerShell.Commands.WriteVerboseCommand"
    stream = "verbose"

    def enabled(self) -> bool:
        """Return True when -Verbose was given."""
        return bool(self.arguments.get("Verbose"))


class WriteDebug(WriteStreamLine):
    """Write-Debug: written only with -Debug, as DebugPreference is quiet."""

    name = "Write-Debug"
    dotnet_type = "Microsoft.PowerShell.Commands.WriteDebugCommand"
    stream = "debug"

    def enabled(self) -> bool:
        """Return True when -Debug was given."""
        return bool(self.arguments.get("Debug"))


class StartSleep(Cmdlet):
    """Start-Sleep: wait, waking at once when the process is stopped."""

    name = "Start-Sleep"
    dotnet_type = "Microsoft.PowerShell.Commands.StartSleepCommand"
    parameters = (
        ParameterSpec("Seconds", position=0, type_name="System.Int32"),
        ParameterSpec("Milliseconds", type_name="System.Int32"),
    )

    def process(self, item: object) -> None:
        """Sleep for -Seconds or -Milliseconds (whole numbers, as in PowerShell 5.1)."""
        seconds = self._whole("Seconds") + self._whole("Milliseconds") / 1000
        if self.interpreter.host.stop_event.wait(max(seconds, 0)):
            raise ScriptStopped()

    def _whole(self, parameter: str) -> int:
        value = self.arguments.get(parameter, 0)
        try:
            number = to_number(value)
        except ConversionError as error:
            raise self.argument_error(parameter, error) from None
        return round(number)


class ForEachObject(Cmdlet):
    """ForEach-Object: run a script block per input item with `$_` set."""

    name = "ForEach-Object"
    dotnet_type = "Microsoft.PowerShell.Commands.ForEachObjectCommand"
    parameters = (
        ParameterSpec("Process", position=0, type_name="ScriptBlock[]"),
        ParameterSpec("Begin", type_name="ScriptBlock"),
        ParameterSpec("End", type_name="ScriptBlock"),
    )

    def begin(self) -> None:
        """Run the -Begin block."""
        self._run("Begin", None)

    def process(self, item: object) -> None:
        """Run the -Process block with `$_` as the item ($null without input)."""
        self._run("Process", None if item is NO_INPUT else item)

    def end(self) -> None:
        """Run the -End block."""
        self._run("End", None)

    def _run(self, parameter: str, item: object) -> None:
        block = self.arguments.get(parameter)
        if block is None:
            return
        if not isinstance(block, nodes.ScriptBlock):
            error = ConversionError(
                f'Cannot convert the "{to_string(block)}" value of type '
                '"System.String" to type "System.Management.Automation.ScriptBlock".'
            )
            raise self.argument_error(parameter, error)
        self.interpreter.run_script_block(block, item, self.emit)


class GetDate(Cmdlet):
    """Get-Date: the local time, or a string with -Format."""

    name = "Get-Date"
    dotnet_type = "Microsoft.PowerShell.Commands.GetDateCommand"
    parameters = (ParameterSpec("Format", type_name="System.String"),)

    def process(self, item: object) -> None:
        """Emit the current local time."""
        now = datetime.now()
        if "Format" in self.arguments:
            self.emit(format_date(now, to_string(self.arguments["Format"])))
        else:
            self.emit(now)


class OutNull(Cmdlet):
    """Out-Null: discard input."""

    name = "Out-Null"
    dotnet_type = "Microsoft.PowerShell.Commands.OutNullCommand"
    parameters = (ParameterSpec("InputObject"),)


class NativeCommand(Cmdlet):
    """An executable such as hostname.exe, run without arguments."""

    parameters = (ParameterSpec("Arguments", position=0, remaining=True),)

    def output(self) -> str:
        """Return the one line the executable prints."""
        raise NotImplementedError

    def process(self, item: object) -> None:
        """Emit the executable's output line."""
        if self.arguments:
            raise ScriptError(
                ErrorRecord(
                    message=f"The winrm_sim PowerShell subset runs {self.name} "
                    "only without arguments.",
                    category="NotImplemented: (:) [], RuntimeException",
                    error_id="NotSupportedByWinrmSim",
                    start=self.call.start,
                    end=self.call.end,
                )
            )
        self.emit(self.output())


class Hostname(NativeCommand):
    """hostname.exe."""

    name = "hostname.exe"

    def output(self) -> str:
        """Return the computer name."""
        return self.interpreter.host.hostname


class Whoami(NativeCommand):
    """whoami.exe."""

    name = "whoami.exe"

    def output(self) -> str:
        """Return `computer\\user` in lower case."""
        host = self.interpreter.host
        return f"{host.hostname.lower()}\\{host.username.lower()}"


def _flatten(value: object) -> list[object]:
    if isinstance(value, list):
        return [element for item in value for element in _flatten(item)]
    return [value]


COMMANDS: dict[str, type[Cmdlet]] = {
    "write-output": WriteOutput,
    "write": WriteOutput,
    "echo": WriteOutput,
    "write-host": WriteHost,
    "write-error": WriteError,
    "write-warning": WriteWarning,
    "write-verbose": WriteVerbose,
    "write-debug": WriteDebug,
    "start-sleep": StartSleep,
    "sleep": StartSleep,
    "foreach-object": ForEachObject,
    "foreach": ForEachObject,
    "%": ForEachObject,
    "get-date": GetDate,
    "date": GetDate,
    "out-null": OutNull,
    "hostname": Hostname,
    "hostname.exe": Hostname,
    "whoami": Whoami,
    "whoami.exe": Whoami,
}
