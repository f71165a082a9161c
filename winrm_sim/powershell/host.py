"""The interface between a script and the process that runs it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from winrm_sim.machine import Machine

# Starts a native program: (name, arguments, stdout, stderr, stdin text) -> exit code.
NativeRunner = Callable[..., int]


@dataclass
class ScriptHost:
    """Streams, stop event and machine facts for one powershell.exe run.

    `write_stdout` and `write_stderr` take text and encode it in the console
    code page. `write_stdout_bytes` passes bytes through unchanged, as the
    output of a native program does. `read_stdin_line` returns the next stdin
    line without its line break, or None at end of input or when the process
    is stopping. `read_stdin_bytes` returns everything up to end of input.
    """

    write_stdout: Callable[[str], None]
    write_stderr: Callable[[str], None]
    read_stdin_line: Callable[[], str | None]
    stop_event: threading.Event
    env: MutableMapping[str, str]
    hostname: str
    username: str
    error_view_width: int = 120
    codec: str = "cp437"
    codepage: int = 437
    working_directory: str = ""
    machine: Machine | None = None
    process_id: int = 4242
    write_stdout_bytes: Callable[[bytes], None] | None = None
    write_stderr_bytes: Callable[[bytes], None] | None = None
    read_stdin_bytes: Callable[[], bytes] | None = None
    run_native: NativeRunner | None = None
    # With -EncodedCommand, error and other records go to stderr as CLIXML;
    # with -Command or -File they are plain text.
    errors_as_clixml: bool = True


class ScriptStopped(Exception):
    """The process was asked to stop (Signal terminate or ctrl_c)."""


class ExitScript(Exception):
    """Raised by `exit N` and [Environment]::Exit(N): the process ends with N."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class BufferedOutput:
    """Collects stdout text and writes it in larger chunks.

    Text is written when the buffer passes `limit` characters, when it is
    older than `max_age` seconds at the next write or check, and on `flush`.
    The interpreter flushes before it sleeps, reads stdin or runs a program,
    so a client sees every line that was written before the script waits.
    """

    def __init__(
        self, write: Callable[[str], None], limit: int = 16384, max_age: float = 0.05
    ) -> None:
        self._write = write
        self._parts: list[str] = []
        self._size = 0
        self._since = 0.0
        self._limit = limit
        self._max_age = max_age

    def write(self, text: str) -> None:
        """Append text and write the buffer out when it is large or old enough."""
        if not text:
            return
        if not self._parts:
            self._since = time.monotonic()
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._limit:
            self.flush()
        elif len(self._parts) % 64 == 0:
            self.flush_if_old()

    def flush_if_old(self) -> None:
        """Write the buffer when its oldest text waited longer than `max_age`."""
        if self._parts and time.monotonic() - self._since >= self._max_age:
            self.flush()

    def flush(self) -> None:
        """Write out all buffered text."""
        if self._parts:
            text = "".join(self._parts)
            self._parts.clear()
            self._size = 0
            self._write(text)
