"""Where each PowerShell stream goes: stderr as CLIXML, the pipeline, or nowhere.

A command's redirections (`2>&1`, `3> $null`, `*> file`) replace the sinks of
its streams while it runs. Stream numbers: 1 output, 2 error, 3 warning,
4 verbose, 5 debug, 6 information; progress cannot be redirected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from winrm_sim.powershell.errors import ErrorRecord

Sink = Callable[[object], None]
STREAM_NUMBERS = {
    "2": "error",
    "3": "warning",
    "4": "verbose",
    "5": "debug",
    "6": "information",
}


@dataclass
class InformationMessage:
    """An information record: Write-Information data or Write-Host text."""

    message_data: object
    source: str
    tags: list[str] = field(default_factory=list)
    host_message: bool = False
    no_newline: bool = False
    text: str = ""


@dataclass
class WarningMessage:
    """A warning, verbose or debug message, as it travels through a redirection."""

    stream: str
    message: str

    def ps_string(self) -> str:
        """Return the message text."""
        return self.message


@dataclass
class Routing:
    """The sink of every stream except output; None drops the records."""

    error: Sink | None
    warning: Sink | None
    verbose: Sink | None
    debug: Sink | None
    information: Sink | None

    def with_sink(self, stream: str, sink: Sink | None) -> Routing:
        """Return a copy with one stream (or `*`, all of them) sent to `sink`."""
        if stream == "*":
            return Routing(sink, sink, sink, sink, sink)
        return replace(self, **{STREAM_NUMBERS[stream]: sink})


def error_to_output(emit: Callable[[object], None]) -> Sink:
    """Return a sink that sends error records into a pipeline, as `2>&1` does."""

    def forward(record: object) -> None:
        if isinstance(record, ErrorRecord):
            emit(record)

    return forward
