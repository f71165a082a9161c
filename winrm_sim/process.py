"""Thread-backed stand-ins for Windows processes started by a shell Command."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from winrm_sim.codepages import encode_text
from winrm_sim.environment import Environment
from winrm_sim.settings import LatencyProfile

logger = logging.getLogger(__name__)

# Unread output a process may queue before its writes block (bytes).
MAX_PENDING_BYTES = 4 * 1024 * 1024
# Output kept per stream for tests after Receive took it (bytes).
HISTORY_LIMIT = 4 * 1024 * 1024
# STATUS_CONTROL_C_EXIT, the exit code of a console process stopped by Ctrl+C.
STOPPED_EXIT_CODE = -1073741510


@dataclass
class OutputChunk:
    """One write of a process to stdout or stderr, in the shell code page."""

    stream: str
    data: bytes


class StdinPipe:
    """Bytes sent to a process with Send. `close` handles the End="true" flag."""

    def __init__(self, stop_event: threading.Event) -> None:
        self._condition = threading.Condition()
        self._buffer = bytearray()
        self._stop_event = stop_event
        self.closed = False

    def feed(self, data: bytes) -> None:
        """Append bytes received from the client."""
        with self._condition:
            self._buffer.extend(data)
            self._condition.notify_all()

    def close(self) -> None:
        """Mark the end of input. Readers get EOF once the buffer is empty."""
        with self._condition:
            self.closed = True
            self._condition.notify_all()

    def wake(self) -> None:
        """Wake blocked readers so they can see that the process is stopping."""
        with self._condition:
            self._condition.notify_all()

    def readline(self) -> bytes | None:
        """Return the next line including its newline, or None at EOF or stop."""
        with self._condition:
            while b"\n" not in self._buffer:
                if self.closed or self._stop_event.is_set():
                    break
                self._condition.wait()
            if self._stop_event.is_set():
                return None

            end = self._buffer.find(b"\n") + 1 or len(self._buffer)
            if end == 0:
                return None
            line = bytes(self._buffer[:end])
            del self._buffer[:end]
            return line


class TextWriter:
    """Writes text to one output stream of a process in the shell code page."""

    def __init__(self, process: SimProcess, stream: str, codec: str) -> None:
        self._process = process
        self._stream = stream
        self._codec = codec

    def write(self, text: str) -> None:
        """Encode text and write it as one chunk. Empty text writes nothing."""
        if text:
            self._process.write(self._stream, encode_text(text, self._codec))


@dataclass
class ProcessContext:
    """Streams, environment and host facts given to a simulated program."""

    stdout: TextWriter
    stderr: TextWriter
    stdin: StdinPipe
    stop_event: threading.Event
    env: Environment
    hostname: str
    username: str
    working_directory: str
    codec: str
    latency: LatencyProfile = field(default_factory=LatencyProfile)
    error_view_width: int = 120

    def sleep(self, seconds: float) -> bool:
        """Sleep unless the process is stopped first. Return True when it was."""
        if seconds <= 0:
            return self.stop_event.is_set()
        return self.stop_event.wait(seconds)


Program = Callable[[ProcessContext], int]


class SimProcess:
    """A program running on its own thread with buffered stdout and stderr.

    Receive takes output chunks in the order they were written. `history` keeps
    the first HISTORY_LIMIT bytes written per stream so tests can inspect output
    after Receive took it. A writer blocks while more than MAX_PENDING_BYTES wait
    for Receive, as a process blocks on a full pipe.
    """

    def __init__(self, command_line: str) -> None:
        self.command_line = command_line
        self.condition = threading.Condition()
        self.pending: deque[OutputChunk] = deque()
        self.history: dict[str, bytearray] = {
            "stdout": bytearray(),
            "stderr": bytearray(),
        }
        self.stop_event = threading.Event()
        self.stdin = StdinPipe(self.stop_event)
        self.exit_code: int | None = None
        self.stop_reason: str | None = None
        self._thread: threading.Thread | None = None

    @property
    def finished(self) -> bool:
        """Return True once the program returned and its exit code is set."""
        return self.exit_code is not None

    def start(self, program: Program, context: ProcessContext) -> None:
        """Run the program on a daemon thread."""
        self._thread = threading.Thread(
            target=self._run,
            args=(program, context),
            name=f"winrm-sim-process-{self.command_line[:20]}",
            daemon=True,
        )
        self._thread.start()

    def write(self, stream: str, data: bytes) -> None:
        """Queue one output chunk and wake waiting Receives.

        Block while the unread output is over MAX_PENDING_BYTES, until Receive
        takes some or the process is stopped (then the data is dropped).
        """
        if not data:
            return
        with self.condition:
            while self._backlog_full():
                if self.stop_event.is_set():
                    return
                # Receive takes chunks without notifying, so poll for room.
                self.condition.wait(0.02)
            self.pending.append(OutputChunk(stream, data))
            kept = self.history.setdefault(stream, bytearray())
            if len(kept) < HISTORY_LIMIT:
                kept.extend(data[: HISTORY_LIMIT - len(kept)])
            self.condition.notify_all()

    def _backlog_full(self) -> bool:
        if len(self.pending) < 8:
            return False
        if len(self.pending) > 20000:
            return True
        return sum(len(chunk.data) for chunk in self.pending) > MAX_PENDING_BYTES

    def wait_for_output(self, timeout: float) -> bool:
        """Wait for pending output or the program end. Return False on timeout."""
        with self.condition:
            return self.condition.wait_for(
                lambda: bool(self.pending) or self.finished, timeout=timeout
            )

    def stop(self, reason: str) -> None:
        """Ask the program to stop, as Ctrl+C or TerminateProcess would."""
        if self.stop_event.is_set():
            return
        self.stop_reason = reason
        self.stop_event.set()
        self.stdin.wake()
        logger.info(
            "process stopping command=%r reason=%s", self.command_line[:40], reason
        )

    def join(self, timeout: float | None = None) -> None:
        """Wait for the program thread to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, program: Program, context: ProcessContext) -> None:
        try:
            code = program(context)
        except Exception:
            logger.exception(
                "simulated program failed command=%r", self.command_line[:40]
            )
            context.stderr.write("winrm_sim: the simulated program failed.\r\n")
            code = 1

        if self.stop_event.is_set():
            code = STOPPED_EXIT_CODE
        with self.condition:
            self.exit_code = code
            self.condition.notify_all()
