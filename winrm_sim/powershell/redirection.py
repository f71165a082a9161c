"""Redirections of a command: `> file`, `>> file`, `2>&1`, `2> $null`, `*> file`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ErrorRecord, PSError, format_error_view
from winrm_sim.powershell.formatting import format_to_text
from winrm_sim.powershell.steps import Emit, Step
from winrm_sim.powershell.streams import Routing, Sink
from winrm_sim.powershell.values import to_string

# Out-File and `>` in Windows PowerShell 5.1 write UTF-16LE with a byte order mark.
_FILE_CODEC = "utf-16-le"
_FILE_BOM = b"\xff\xfe"


class FileSink:
    """Collects what a redirection sends to a file and writes it when the step ends."""

    def __init__(self, interpreter: Any, path: str, append: bool) -> None:
        self.interpreter = interpreter
        self.path = interpreter.resolve_path(path)
        self.append = append
        self.items: list[object] = []
        filesystem = interpreter.machine.filesystem
        parent = self.path.rsplit("\\", 1)[0]
        if not filesystem.is_directory(parent if len(parent) > 2 else parent + "\\"):
            raise PSError(
                ErrorRecord(
                    message=f"Could not find a part of the path '{self.path}'.",
                    error_id="System.IO.DirectoryNotFoundException",
                    category="OperationStopped",
                    reason="DirectoryNotFoundException",
                )
            )

    def write(self, item: object) -> None:
        """Remember one object or record."""
        self.items.append(item)

    def close(self) -> None:
        """Format the collected objects and write the file."""
        width = self.interpreter.host.error_view_width
        pieces = []
        for item in self.items:
            if isinstance(item, ErrorRecord):
                pieces.append("\r\n".join(format_error_view(item, width)) + "\r\n")
            elif hasattr(item, "message") and not hasattr(item, "ps_view"):
                pieces.append(to_string(item.message) + "\r\n")
            else:
                pieces.append(format_to_text([item], width))
        filesystem = self.interpreter.machine.filesystem
        exists = filesystem.exists(self.path)
        data = "".join(pieces).encode(_FILE_CODEC)
        if not (self.append and exists):
            data = _FILE_BOM + data
        filesystem.write_bytes(
            self.path,
            data,
            append=self.append and exists,
            owner=self.interpreter.account_name,
        )


def apply_redirections(
    interpreter: Any, step: Step, redirections: list[nodes.Redirection]
) -> Step:
    """Set up a step's redirections and return the step."""
    if not redirections:
        return step
    changes: list[tuple[str, Callable[[], Sink | None]]] = []
    for redirection in redirections:
        stream = redirection.stream
        if redirection.merge:
            if stream != "1":
                changes.append((stream, lambda: step.output))
            continue
        sink = _target_sink(interpreter, step, redirection)
        if stream in ("1", "*"):
            step.output_filter = _output_filter(sink)
        if stream != "1":
            changes.append((stream, lambda sink=sink: sink))

    def reroute(routing: Routing) -> Routing:
        for stream, make in changes:
            routing = routing.with_sink(stream, make())
        return routing

    if changes:
        step.reroute = reroute
    return step


def _target_sink(
    interpreter: Any, step: Step, redirection: nodes.Redirection
) -> Sink | None:
    target = redirection.target
    if isinstance(target, nodes.Variable) and target.name.casefold() == "null":
        return None
    path = to_string(interpreter.evaluate(target))
    sink = FileSink(interpreter, path, redirection.append)
    step.closers.append(sink.close)
    return sink.write


def _output_filter(sink: Sink | None) -> Callable[[Emit], Emit]:
    def wrap(output: Emit) -> Emit:
        return sink if sink is not None else (lambda item: None)

    return wrap
