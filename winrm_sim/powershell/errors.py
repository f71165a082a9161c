"""PowerShell error records and the console error view they print as."""

from __future__ import annotations

from dataclasses import dataclass

# Continuation lines of a wrapped error view line start with this indent.
_WRAP_INDENT = "   "


@dataclass(frozen=True)
class ErrorRecord:
    """An error as PowerShell's ConsoleHost shows it.

    `prefix` is the command text shown before ` : message`. `start` and `end`
    are offsets of the failing text in the script, for the `At line:` lines.
    """

    message: str
    category: str
    error_id: str
    prefix: str | None = None
    start: int | None = None
    end: int | None = None
    parse_error: bool = False


class ParseError(Exception):
    """The script does not parse, so none of it runs."""

    def __init__(self, message: str, error_id: str, start: int, end: int | None = None):
        super().__init__(message)
        self.record = ErrorRecord(
            message=message,
            category="ParserError: (:) [], ParentContainsErrorRecordException",
            error_id=error_id,
            start=start,
            end=start + 1 if end is None else end,
            parse_error=True,
        )


class ScriptError(Exception):
    """A statement-terminating error: the statement stops, the script goes on."""

    def __init__(self, record: ErrorRecord) -> None:
        super().__init__(record.message)
        self.record = record


def unsupported(feature: str, start: int, end: int | None = None) -> ParseError:
    """Return the parse error for syntax that this PowerShell subset lacks."""
    return ParseError(
        f"The winrm_sim PowerShell subset does not support {feature}.",
        "NotSupportedByWinrmSim",
        start,
        end,
    )


def runtime_error(message: str, start: int, end: int) -> ScriptError:
    """Return a RuntimeException error, as for division by zero."""
    return ScriptError(
        ErrorRecord(
            message=message,
            category="NotSpecified: (:) [], RuntimeException",
            error_id="RuntimeException",
            start=start,
            end=end,
        )
    )


def format_error_view(record: ErrorRecord, source: str, width: int) -> list[str]:
    """Return the lines ConsoleHost prints for an error record, wrapped at `width`."""
    if record.prefix is not None:
        lines = [f"{record.prefix} : {record.message}"]
    else:
        lines = [record.message]

    position = _position_lines(record, source)
    if record.parse_error:
        lines = position + lines
    else:
        lines += position

    lines += [
        f"    + CategoryInfo          : {record.category}",
        f"    + FullyQualifiedErrorId : {record.error_id}",
    ]
    wrapped = [piece for line in lines for piece in _wrap(line, width)]
    return [*wrapped, " "]


def _position_lines(record: ErrorRecord, source: str) -> list[str]:
    if record.start is None:
        return []
    start = min(record.start, len(source))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    line_end = len(source) if line_end == -1 else line_end
    line_text = source[line_start:line_end].rstrip("\r")

    end = min(record.end if record.end is not None else start + 1, line_end)
    column = start - line_start
    marker = " " * column + "~" * max(1, min(end, line_start + len(line_text)) - start)
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
