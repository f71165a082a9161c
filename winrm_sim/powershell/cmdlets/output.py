"""Write-* cmdlets, Out-* cmdlets and Format-Table / Format-List."""

from __future__ import annotations

from winrm_sim.powershell.cmdlets.base import NO_INPUT, Cmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.errors import ErrorRecord
from winrm_sim.powershell.formatting import (
    Column,
    OutDefault,
    View,
    format_to_text,
)
from winrm_sim.powershell.values import (
    FormattedText,
    enumerate_value,
    is_enumerable,
    to_string,
)

_MICROSOFT = "Microsoft.PowerShell.Commands."


class WriteOutput(Cmdlet):
    """Write-Output: send objects down the pipeline."""

    name = "Write-Output"
    dotnet_type = _MICROSOFT + "WriteOutputCommand"
    parameters = (
        ParameterSpec("InputObject", position=0, remaining=True),
        ParameterSpec("NoEnumerate", switch=True),
    )

    def process(self, item: object) -> None:
        """Emit the arguments (first in a pipeline) or the input item."""
        if item is not NO_INPUT:
            self.emit(item)
            return
        values = self.values("InputObject")
        if self.get("NoEnumerate"):
            for value in values:
                self.emit(value)
            return
        for value in values:
            for element in enumerate_value(value):
                self.emit(element)


class WriteHost(Cmdlet):
    """Write-Host: text for the console, with LF line ends."""

    name = "Write-Host"
    dotnet_type = _MICROSOFT + "WriteHostCommand"
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
        separator = self.text("Separator", " ")
        flat = [element for value in objects for element in _flatten(value)]
        text = separator.join(to_string(element) for element in flat)
        self.interpreter.write_host(text, bool(self.get("NoNewline")))


class WriteError(Cmdlet):
    """Write-Error: write a non-terminating error record."""

    name = "Write-Error"
    dotnet_type = _MICROSOFT + "WriteErrorCommand"
    parameters = (
        ParameterSpec("Message", position=0, type_name="System.String"),
        ParameterSpec("ErrorRecord"),
        ParameterSpec("Exception"),
        ParameterSpec("Category"),
        ParameterSpec("ErrorId"),
        ParameterSpec("TargetObject"),
    )

    def process(self, item: object) -> None:
        """Write one error record for the message, the record or the input item."""
        record_argument = self.get("ErrorRecord")
        if isinstance(record_argument, ErrorRecord):
            self.interpreter.write_error(record_argument, self.state)
            return
        message = self.get("Message") if item is NO_INPUT else item
        exception = self.get("Exception")
        if message is None and exception is not None:
            message = getattr(exception, "message", to_string(exception))
        error_id = self.text("ErrorId") or _MICROSOFT + "WriteErrorException"
        category = self.text("Category") or "NotSpecified"
        record = ErrorRecord(
            message=to_string(message),
            error_id=error_id,
            category=category,
            activity="Write-Error",
            reason="WriteErrorException",
            prefix=self.state.text or self.name,
            target_object=self.get("TargetObject"),
        )
        self.interpreter.write_script_error(record, self.state)


class WriteStreamMessage(Cmdlet):
    """Base of Write-Warning, Write-Verbose and Write-Debug."""

    parameters = (
        ParameterSpec("Message", position=0, type_name="System.String", mandatory=True),
    )

    def process(self, item: object) -> None:
        """Write the message to this cmdlet's stream."""
        message = self.text("Message") if item is NO_INPUT else to_string(item)
        self.write(message)

    def write(self, message: str) -> None:
        """Write one message (provided by the subclasses)."""
        raise NotImplementedError


class WriteWarning(WriteStreamMessage):
    """Write-Warning."""

    name = "Write-Warning"
    dotnet_type = _MICROSOFT + "WriteWarningCommand"

    def write(self, message: str) -> None:
        """Write a warning record."""
        self.interpreter.write_warning(message, self.state)


class WriteVerbose(WriteStreamMessage):
    """Write-Verbose: shown with -Verbose or when $VerbosePreference is Continue."""

    name = "Write-Verbose"
    dotnet_type = _MICROSOFT + "WriteVerboseCommand"

    def write(self, message: str) -> None:
        """Write a verbose record."""
        self.interpreter.write_verbose(message, self.state)


class WriteDebug(WriteStreamMessage):
    """Write-Debug: shown with -Debug or when $DebugPreference is Continue."""

    name = "Write-Debug"
    dotnet_type = _MICROSOFT + "WriteDebugCommand"

    def write(self, message: str) -> None:
        """Write a debug record."""
        self.interpreter.write_debug(message, self.state)


class WriteInformation(Cmdlet):
    """Write-Information: shown when -InformationAction or the preference allows."""

    name = "Write-Information"
    dotnet_type = _MICROSOFT + "WriteInformationCommand"
    parameters = (
        ParameterSpec("MessageData", position=0, aliases=("Msg", "Message")),
        ParameterSpec("Tags", position=1, type_name="System.String[]"),
    )

    def process(self, item: object) -> None:
        """Write one information record."""
        data = self.get("MessageData") if item is NO_INPUT else item
        tags = [to_string(tag) for tag in self.values("Tags")]
        self.interpreter.write_information(data, tags, self.state)


class WriteProgress(Cmdlet):
    """Write-Progress: a progress record, unless $ProgressPreference is quiet."""

    name = "Write-Progress"
    dotnet_type = _MICROSOFT + "WriteProgressCommand"
    parameters = (
        ParameterSpec("Activity", position=0, type_name="System.String"),
        ParameterSpec("Status", position=1, type_name="System.String"),
        ParameterSpec("Id", position=2, type_name="System.Int32"),
        ParameterSpec("PercentComplete", type_name="System.Int32"),
        ParameterSpec("SecondsRemaining", type_name="System.Int32"),
        ParameterSpec("CurrentOperation", type_name="System.String"),
        ParameterSpec("ParentId", type_name="System.Int32"),
        ParameterSpec("Completed", switch=True),
    )

    def process(self, item: object) -> None:
        """Write the progress record."""
        self.interpreter.write_progress(
            activity=self.text("Activity", "Processing"),
            status=self.text("Status", "Processing"),
            activity_id=int(self.get("Id", 0)),
            parent_id=int(self.get("ParentId", -1)),
            percent=int(self.get("PercentComplete", -1)),
            seconds=int(self.get("SecondsRemaining", -1)),
            operation=self.get("CurrentOperation"),
            completed=bool(self.get("Completed")),
        )


class OutNull(Cmdlet):
    """Out-Null: discard input."""

    name = "Out-Null"
    dotnet_type = _MICROSOFT + "OutNullCommand"
    parameters = (ParameterSpec("InputObject"),)


class OutDefaultCommand(Cmdlet):
    """Out-Default and Out-Host: print objects to the console now."""

    name = "Out-Default"
    dotnet_type = _MICROSOFT + "OutDefaultCommand"
    parameters = (ParameterSpec("InputObject"), ParameterSpec("Paging", switch=True))

    def begin(self) -> None:
        """Start a formatter."""
        self.formatter: OutDefault = self.interpreter.new_out_default()

    def process(self, item: object) -> None:
        """Print one object."""
        value = self.get("InputObject") if item is NO_INPUT else item
        self.formatter.push(value)

    def end(self) -> None:
        """Finish the last table or list."""
        self.formatter.close()


class OutString(Cmdlet):
    """Out-String: the console text of the input as one string (or lines)."""

    name = "Out-String"
    dotnet_type = _MICROSOFT + "OutStringCommand"
    parameters = (
        ParameterSpec("InputObject"),
        ParameterSpec("Stream", switch=True),
        ParameterSpec("Width", type_name="System.Int32"),
    )

    def begin(self) -> None:
        """Start collecting input."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect one object."""
        self.items.append(self.get("InputObject") if item is NO_INPUT else item)

    def end(self) -> None:
        """Emit the formatted text."""
        text = format_to_text(
            self.items, int(self.get("Width", self.interpreter.host.error_view_width))
        )
        if self.get("Stream"):
            for line in text.split("\r\n")[:-1]:
                self.emit(line)
        else:
            self.emit(text)


class FormatCommand(Cmdlet):
    """Base of Format-Table and Format-List."""

    parameters = (
        ParameterSpec("Property", position=0, type_name="System.Object[]"),
        ParameterSpec("AutoSize", switch=True),
        ParameterSpec("Wrap", switch=True),
        ParameterSpec("HideTableHeaders", switch=True),
        ParameterSpec("InputObject"),
    )
    kind = "table"

    def begin(self) -> None:
        """Start collecting input."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect one object."""
        value = self.get("InputObject") if item is NO_INPUT else item
        self.items.extend(enumerate_value(value) if is_enumerable(value) else [value])

    def end(self) -> None:
        """Emit the table or list text."""
        width = self.interpreter.host.error_view_width
        shaped = [
            _FormattedObject(item, self._columns(item), self.kind)
            for item in self.items
        ]
        self.emit(FormattedText(format_to_text(shaped, width)))

    def _columns(self, item: object) -> tuple[Column, ...]:
        from winrm_sim.powershell.dotnet.members import get_member, properties_of
        from winrm_sim.powershell.formatting import view_for

        names = [to_string(name) for name in self.values("Property")]
        if not names:
            view = view_for(item)
            if view is not None:
                return view.columns
            names = [name for name, _ in properties_of(item)] or ["Value"]
        return tuple(
            Column(name, lambda value, name=name: get_member(value, name))
            for name in names
        )


class FormatTable(FormatCommand):
    """Format-Table."""

    name = "Format-Table"
    dotnet_type = _MICROSOFT + "FormatTableCommand"


class FormatList(FormatCommand):
    """Format-List."""

    name = "Format-List"
    dotnet_type = _MICROSOFT + "FormatListCommand"
    kind = "list"


class _FormattedObject:
    """An object shown with the columns Format-Table or Format-List chose."""

    def __init__(self, item: object, columns: tuple[Column, ...], kind: str) -> None:
        self.item = item
        self.columns = tuple(
            Column(c.header, lambda row, c=c: c.read(row.item), c.right)
            for c in columns
        )
        self.kind = kind

    def ps_view(self) -> View:
        """Return the chosen view."""
        return View(
            self.kind,
            self.columns,
            group=(self.kind, tuple(c.header for c in self.columns)),
        )


def _flatten(value: object) -> list[object]:
    if is_enumerable(value):
        return [element for item in value for element in _flatten(item)]  # type: ignore[attr-defined]
    return [value]
