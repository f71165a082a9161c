"""The interface between a script and the process that runs it."""

from __future__ import annotations

import threading
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass


@dataclass
class ScriptHost:
    """Streams, stop event and machine facts for one powershell.exe run.

    `write_stdout` and `write_stderr` take text and encode it in the console
    code page. `read_stdin_line` returns the next stdin line without its line
    break, or None at end of input or when the process is stopping.
    """

    write_stdout: Callable[[str], None]
    write_stderr: Callable[[str], None]
    read_stdin_line: Callable[[], str | None]
    stop_event: threading.Event
    env: MutableMapping[str, str]
    hostname: str
    username: str
    error_view_width: int = 120


class ScriptStopped(Exception):
    """The process was asked to stop (Signal terminate or ctrl_c)."""


class ExitScript(Exception):
    """Raised by `exit N` to end the script with exit code N."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
