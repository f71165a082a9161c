"""Utility cmdlets: Start-Sleep, Get-Date, variables, locations, Invoke-Expression."""

from __future__ import annotations

import random
from datetime import datetime

from winrm_sim.powershell.cmdlets.base import NO_INPUT, Cmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.dates import format_date
from winrm_sim.powershell.values import PSObject, enumerate_value, to_number, to_string

_MICROSOFT = "Microsoft.PowerShell.Commands."


class StartSleep(Cmdlet):
    """Start-Sleep: wait, waking at once when the process is stopped."""

    name = "Start-Sleep"
    dotnet_type = _MICROSOFT + "StartSleepCommand"
    parameters = (
        ParameterSpec("Seconds", position=0, type_name="System.Int32", aliases=("s",)),
        ParameterSpec("Milliseconds", type_name="System.Int32", aliases=("ms",)),
    )

    def process(self, item: object) -> None:
        """Sleep for -Seconds or -Milliseconds (whole numbers, as in PowerShell 5.1)."""
        seconds = self.get("Seconds", 0) + self.get("Milliseconds", 0) / 1000
        self.interpreter.wait(seconds)


class GetDate(Cmdlet):
    """Get-Date: the local time, a string with -Format, or a date from -Date."""

    name = "Get-Date"
    dotnet_type = _MICROSOFT + "GetDateCommand"
    parameters = (
        ParameterSpec("Date", position=0, type_name="System.DateTime"),
        ParameterSpec("Format", type_name="System.String"),
        ParameterSpec("UFormat", type_name="System.String"),
        ParameterSpec("Year", type_name="System.Int32"),
        ParameterSpec("Month", type_name="System.Int32"),
        ParameterSpec("Day", type_name="System.Int32"),
        ParameterSpec("Hour", type_name="System.Int32"),
        ParameterSpec("Minute", type_name="System.Int32"),
        ParameterSpec("Second", type_name="System.Int32"),
    )

    def process(self, item: object) -> None:
        """Emit the date."""
        value = self.get("Date") or datetime.now()
        parts = {
            name.lower(): self.get(name)
            for name in ("Year", "Month", "Day", "Hour", "Minute", "Second")
        }
        value = value.replace(**{k: v for k, v in parts.items() if v is not None})
        if "Format" in self.bound:
            try:
                self.emit(format_date(value, self.text("Format")))
            except ValueError as error:
                raise self.terminate(
                    self.record(
                        "Input string was not in a correct format.",
                        "System.FormatException",
                        reason="FormatException",
                    )
                ) from error
        elif "UFormat" in self.bound:
            self.emit(value.strftime(self.text("UFormat")))
        else:
            self.emit(value)


class InvokeExpression(Cmdlet):
    """Invoke-Expression: parse text and run it in the current scope."""

    name = "Invoke-Expression"
    dotnet_type = _MICROSOFT + "InvokeExpressionCommand"
    parameters = (
        ParameterSpec("Command", position=0, type_name="System.String", mandatory=True),
    )

    def process(self, item: object) -> None:
        """Run the text."""
        from winrm_sim.powershell.errors import ParseError, PSError
        from winrm_sim.powershell.parser import parse_script
        from winrm_sim.powershell.values import ScriptBlock

        text = self.text("Command") if item is NO_INPUT else to_string(item)
        try:
            body = parse_script(text)
        except ParseError as error:
            raise PSError(error.record.with_source(text)) from None
        self.interpreter.run_dot_sourced(ScriptBlock(body, text), self.emit)


class SetLocation(Cmdlet):
    """Set-Location (cd): change the current location of the script."""

    name = "Set-Location"
    dotnet_type = _MICROSOFT + "SetLocationCommand"
    parameters = (
        ParameterSpec("Path", position=0, type_name="System.String"),
        ParameterSpec("PassThru", switch=True),
    )

    def process(self, item: object) -> None:
        """Change the location when the folder exists."""
        path = self.interpreter.resolve_path(
            self.text("Path") or self.interpreter.host.env.get("USERPROFILE", "C:\\")
        )
        filesystem = self.interpreter.machine.filesystem
        if not filesystem.is_directory(path):
            raise self.terminate(
                self.record(
                    f"Cannot find path '{path}' because it does not exist.",
                    "PathNotFound",
                    "ObjectNotFound",
                    path,
                    reason="ItemNotFoundException",
                )
            )
        self.interpreter.location = filesystem.display_path(path)


class GetLocation(Cmdlet):
    """Get-Location (pwd)."""

    name = "Get-Location"
    dotnet_type = _MICROSOFT + "GetLocationCommand"

    def process(self, item: object) -> None:
        """Emit the current location as a PathInfo."""
        self.emit(_PathInfo(self.interpreter.location))


class _PathInfo(PSObject):
    """A PathInfo: prints as a table with the Path column."""

    def __init__(self, path: str) -> None:
        super().__init__([("Path", path)], "System.Management.Automation.PathInfo")

    def to_string(self) -> str:
        """Return the path."""
        return str(self.get("Path"))


class GetRandom(Cmdlet):
    """Get-Random."""

    name = "Get-Random"
    dotnet_type = _MICROSOFT + "GetRandomCommand"
    parameters = (
        ParameterSpec("Maximum", position=0),
        ParameterSpec("Minimum"),
        ParameterSpec("InputObject"),
        ParameterSpec("Count", type_name="System.Int32"),
    )

    def begin(self) -> None:
        """Start collecting input."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect pipeline input, or draw a number."""
        if item is not NO_INPUT:
            self.items.append(item)
            return
        input_values = self.values("InputObject")
        if input_values:
            self.items.extend(input_values)
            return
        low = int(to_number(self.get("Minimum", 0)))
        high = int(to_number(self.get("Maximum", 2147483647)))
        self.emit(random.randrange(low, max(high, low + 1)))  # noqa: S311

    def end(self) -> None:
        """Emit random items of the input."""
        if self.items:
            count = min(self.get("Count", 1), len(self.items))
            for element in random.sample(self.items, count):
                self.emit(element)


class GetCommand(Cmdlet):
    """Get-Command: report whether a command exists."""

    name = "Get-Command"
    dotnet_type = _MICROSOFT + "GetCommandCommand"
    parameters = (ParameterSpec("Name", position=0, type_name="System.String[]"),)

    def process(self, item: object) -> None:
        """Emit a CommandInfo-like object per name, or an error."""
        from winrm_sim.powershell.cmdlets import ALIASES, CMDLETS
        from winrm_sim.powershell.native import native_exists

        for name in enumerate_value(self.get("Name")):
            text = to_string(name)
            key = ALIASES.get(text.casefold(), text.casefold())
            kind = (
                "Cmdlet"
                if key in CMDLETS
                else "Function"
                if self.interpreter.scope.find_function(key)
                else ("Application" if native_exists(text) else "")
            )
            if not kind:
                self.write_error(
                    self.record(
                        f"The term '{text}' is not recognized as the name of a cmdlet, "
                        "function, script file, or operable program. Check the "
                        "spelling of "
                        "the name, or if a path was included, verify that the path is "
                        "correct and try again.",
                        "CommandNotFoundException",
                        "ObjectNotFound",
                        text,
                        reason="CommandNotFoundException",
                    )
                )
                continue
            display_name = CMDLETS[key].name if key in CMDLETS else text
            self.emit(
                PSObject(
                    [
                        ("CommandType", kind),
                        ("Name", display_name),
                        ("Version", ""),
                        ("Source", ""),
                    ]
                )
            )
