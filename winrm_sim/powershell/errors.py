"""PowerShell error records, the exceptions that carry them, and their error view."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# Continuation lines of a wrapped error view line start with this indent.
_WRAP_INDENT = "   "

# Base classes of the .NET exceptions the subset raises, for `catch [Type]`.
EXCEPTION_BASES = {
    "System.Exception": None,
    "System.SystemException": "System.Exception",
    "System.ArgumentException": "System.SystemException",
    "System.ArgumentNullException": "System.ArgumentException",
    "System.ArgumentOutOfRangeException": "System.ArgumentException",
    "System.FormatException": "System.SystemException",
    "System.InvalidOperationException": "System.SystemException",
    "System.NotSupportedException": "System.SystemException",
    "System.OutOfMemoryException": "System.SystemException",
    "System.DivideByZeroException": "System.ArithmeticException",
    "System.ArithmeticException": "System.SystemException",
    "System.OverflowException": "System.ArithmeticException",
    "System.InvalidCastException": "System.SystemException",
    "System.IndexOutOfRangeException": "System.SystemException",
    "System.Collections.Generic.KeyNotFoundException": "System.SystemException",
    "System.UnauthorizedAccessException": "System.SystemException",
    "System.IO.IOException": "System.SystemException",
    "System.IO.FileNotFoundException": "System.IO.IOException",
    "System.IO.DirectoryNotFoundException": "System.IO.IOException",
    "System.Management.Automation.RuntimeException": "System.SystemException",
    "System.Management.Automation.CommandNotFoundException": (
        "System.Management.Automation.RuntimeException"
    ),
    "System.Management.Automation.ItemNotFoundException": (
        "System.Management.Automation.SessionStateException"
    ),
    "System.Management.Automation.SessionStateException": (
        "System.Management.Automation.RuntimeException"
    ),
    "System.Management.Automation.ParameterBindingException": (
        "System.Management.Automation.RuntimeException"
    ),
    "System.Management.Automation.MethodInvocationException": (
        "System.Management.Automation.MethodException"
    ),
    "System.Management.Automation.MethodException": (
        "System.Management.Automation.RuntimeException"
    ),
    "System.Management.Automation.ActionPreferenceStopException": (
        "System.Management.Automation.RuntimeException"
    ),
    "System.Management.Automation.PSArgumentException": "System.ArgumentException",
    "System.Management.Automation.PSInvalidCastException": (
        "System.InvalidCastException"
    ),
    "Microsoft.PowerShell.Commands.WriteErrorException": "System.SystemException",
}


@dataclass
class DotNetException:
    """A .NET exception object: `$_.Exception` in a catch block."""

    type_name: str
    message: str
    inner: DotNetException | None = None

    def type_chain(self) -> list[str]:
        """Return the full type name and the names of its base classes."""
        names = [self.type_name]
        while (base := EXCEPTION_BASES.get(names[-1])) is not None:
            names.append(base)
        if names[-1] != "System.Exception":
            names.append("System.Exception")
        return names

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}"


@dataclass
class ErrorRecord:
    """An error as PowerShell keeps it in `$Error` and shows it on the console.

    `prefix` is the command text shown before ` : message`. `start` and `end`
    are offsets into `source`, the script text, for the `At line:` lines.
    """

    message: str
    error_id: str
    category: str = "NotSpecified"
    activity: str = ""
    reason: str = "RuntimeException"
    target_name: str = ""
    target_type: str = ""
    exception: DotNetException | None = None
    prefix: str | None = None
    start: int | None = None
    end: int | None = None
    source: str = ""
    parse_error: bool = False
    target_object: object = None
    script_stack: list[str] = field(default_factory=list)
    # Later stderr lines of a native program print as bare text.
    plain_view: bool = False

    def __post_init__(self) -> None:
        if self.exception is None:
            type_name = f"System.Management.Automation.{self.reason}"
            if self.reason in ("OutOfMemoryException", "FormatException"):
                type_name = f"System.{self.reason}"
            self.exception = DotNetException(type_name, self.message)

    @property
    def category_info(self) -> str:
        """Return the CategoryInfo text: `ObjectNotFound: (x:String) [], ...`."""
        return (
            f"{self.category}: ({self.target_name}:{self.target_type}) "
            f"[{self.activity}], {self.reason}"
        )

    def at(self, start: int, end: int, source: str) -> ErrorRecord:
        """Return a copy that points at `source[start:end]` if it has no position."""
        if self.start is not None:
            return self
        return replace(self, start=start, end=end, source=source)

    def with_source(self, source: str) -> ErrorRecord:
        """Return a copy whose offsets refer to `source`."""
        return replace(self, source=source)

    def __str__(self) -> str:
        return self.message


class ParseError(Exception):
    """The script does not parse, so none of it runs."""

    def __init__(self, message: str, error_id: str, start: int, end: int | None = None):
        super().__init__(message)
        self.record = ErrorRecord(
            message=message,
            error_id=error_id,
            category="ParserError",
            reason="ParentContainsErrorRecordException",
            start=start,
            end=start + 1 if end is None else end,
            parse_error=True,
            exception=DotNetException(
                "System.Management.Automation.ParseException", message
            ),
        )


class PSError(Exception):
    """A terminating error. `script_terminating` errors stop the whole script.

    Statement-terminating errors (a cmdlet's terminating error, a failed method
    call, a bad cast) stop one statement, and the script goes on unless
    `$ErrorActionPreference` is Stop. `throw` and escalated errors end the
    script unless try/catch or trap handles them.
    """

    def __init__(self, record: ErrorRecord, script_terminating: bool = False) -> None:
        super().__init__(record.message)
        self.record = record
        self.script_terminating = script_terminating


def unsupported(feature: str, start: int, end: int | None = None) -> ParseError:
    """Return the parse error for syntax that this PowerShell subset lacks."""
    return ParseError(
        f"The winrm_sim PowerShell subset does not support {feature}.",
        "NotSupportedByWinrmSim",
        start,
        end,
    )


def runtime_error(
    message: str, error_id: str = "RuntimeException", reason: str = "RuntimeException"
) -> PSError:
    """Return a statement-terminating RuntimeException, as for division by zero."""
    return PSError(ErrorRecord(message=message, error_id=error_id, reason=reason))


def format_error_view(record: ErrorRecord, width: int) -> list[str]:
    """Return the lines ConsoleHost prints for an error record, wrapped at `width`.

    The message is word-wrapped; the position and category lines are cut at
    the column and continue indented, as recorded from Windows PowerShell 5.1.
    """
    message = record.message
    if record.plain_view:
        return [
            piece for line in message.split("\n") for piece in _word_wrap(line, width)
        ]
    if record.prefix is not None:
        message = f"{record.prefix} : {message}"
    text = [line.rstrip("\r") for line in message.split("\n")]
    wrapped_text = [piece for line in text for piece in _word_wrap(line, width)]

    position = [
        piece for line in _position_lines(record) for piece in _wrap(line, width)
    ]
    lines = position + wrapped_text if record.parse_error else wrapped_text + position
    details = [
        f"    + CategoryInfo          : {record.category_info}",
        f"    + FullyQualifiedErrorId : {record.error_id}",
        *(f"    + {line}" for line in record.script_stack),
    ]
    lines += [piece for line in details for piece in _wrap(line, width)]
    return [*lines, " "]


def _word_wrap(line: str, width: int) -> list[str]:
    limit = width - 2
    pieces = []
    while width > 0 and len(line) > limit:
        cut = line.rfind(" ", 0, limit + 1)
        if cut <= 0:
            # A word longer than the line is cut like the other view lines.
            return pieces + _wrap(line, width)
        pieces.append(line[: cut + 1])
        line = line[cut + 1 :]
    pieces.append(line)
    return pieces


def _position_lines(record: ErrorRecord) -> list[str]:
    if record.start is None or not record.source:
        return []
    source = record.source
    start = min(record.start, len(source))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    line_end = len(source) if line_end == -1 else line_end
    line_text = source[line_start:line_end].rstrip("\r")

    end = min(record.end if record.end is not None else start + 1, line_end)
    column = start - line_start
    width = max(1, min(end, line_start + len(line_text)) - start)
    marker = " " * column + "~" * width
    line_number = source.count("\n", 0, start) + 1
    return [f"At line:{line_number} char:{column + 1}", f"+ {line_text}", f"+ {marker}"]


def _wrap(line: str, width: int) -> list[str]:
    # Wrapped pieces end with a space and continuation pieces are indented, as in
    # Windows PowerShell 5.1 error views.
    # NOTE: the wrap column (width - 2) comes from a single 80-column sample.
    limit = width - 2
    if width <= 0 or len(line) <= limit:
        return [line]

    pieces = [line[:limit] + " "]
    rest = line[limit:]
    room = limit - len(_WRAP_INDENT)
    while len(rest) > room:
        pieces.append(_WRAP_INDENT + rest[:room] + " ")
        rest = rest[room:]
    pieces.append(_WRAP_INDENT + rest)
    return pieces
