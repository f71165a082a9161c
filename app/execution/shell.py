"""One WinRM shell on a target: run commands, stream output, stop them."""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import xmltodict
from winrm.exceptions import WinRMOperationTimeoutError, WSManFaultError
from winrm.protocol import Protocol

from app.execution.errors import Category, ExecutionError

logger = logging.getLogger(__name__)

OutputHandler = Callable[[str, bytes], None]
# Returns None to go on, or the reason to stop: "cancelled" or "timed_out".
StopCheck = Callable[[], str | None]

SHELL_URI = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
FAULT_NOT_FOUND = 2150858843
# Windows caps one request at MaxEnvelopeSizekb (500 KB by default, 150 KB on
# old hosts); 64 KiB of stdin is about 88 KB once base64-encoded in a Send.
STDIN_CHUNK_BYTES = 65536
# Seconds to wait for a command to end after ctrl_c before terminating it.
CTRL_C_GRACE_SECONDS = 2.0


@dataclass
class CommandResult:
    exit_code: int | None
    stopped: str | None = None
    duration_ms: int = 0


class CommandNotStarted(ExecutionError):
    """The host rejected the Command, so nothing ran and it may be sent again."""


def signed_exit_code(code: int) -> int:
    """Normalise a Windows exit code to signed 32 bits (4294967295 -> -1)."""
    code &= 0xFFFFFFFF
    return code - 0x100000000 if code >= 0x80000000 else code


class RemoteShell:
    """A shell opened once and reused for every command, deleted by ``close``.

    A shell whose last command was stopped, or whose connection failed in the
    middle of a command, is marked ``broken`` and must not be reused.
    """

    def __init__(
        self,
        protocol: Protocol,
        codepage: int,
        env: dict[str, str] | None = None,
        poll_seconds: int = 1,
    ) -> None:
        self.protocol = protocol
        self.codepage = codepage
        self.env = env or {}
        self.poll_seconds = poll_seconds
        self.shell_id: str | None = None
        self.commands_executed = 0
        self.broken = False

    def open(self) -> str:
        self.shell_id = self.protocol.open_shell(
            codepage=self.codepage, env_vars=self.env or None
        )
        self.broken = False
        return self.shell_id

    def close(self) -> None:
        if self.shell_id is None:
            return
        shell_id, self.shell_id = self.shell_id, None
        try:
            self.protocol.close_shell(shell_id)
        except Exception as exc:  # noqa: BLE001 - the outcome is already decided
            logger.warning("shell delete failed shell_id=%s: %s", shell_id, exc)

    def run(
        self,
        command: str,
        args: list[str],
        on_output: OutputHandler,
        should_stop: StopCheck,
        stdin: bytes | None = None,
    ) -> CommandResult:
        """Run a command, passing each output chunk to ``on_output`` as it arrives.

        ``should_stop`` is called after every Receive. When it returns a reason,
        the command gets ctrl_c, then terminate, and the result carries that
        reason and no exit code. Raises CommandNotStarted when the host rejected
        the Command itself, so the caller knows it never ran.
        """
        started = time.monotonic()
        command_id = self._start(command, args)
        self.commands_executed += 1
        try:
            if stdin is not None:
                self._send_stdin(command_id, stdin)
            result = self._receive_until_done(command_id, on_output, should_stop)
        except BaseException:
            self.broken = True
            raise
        if result.stopped:
            self._stop(command_id, on_output)
            self.broken = True
        else:
            self._terminate(command_id)
        result.duration_ms = int((time.monotonic() - started) * 1000)
        return result

    def _start(self, command: str, args: list[str]) -> str:
        try:
            return self.protocol.run_command(self.shell_id, command, args)
        except WSManFaultError as exc:
            # A fault in the response means the host did not start the command.
            if exc.wsman_fault_code == FAULT_NOT_FOUND:
                raise CommandNotStarted(
                    Category.PROTOCOL,
                    "the shell expired on the host before the command started",
                    retryable=True,
                ) from exc
            raise

    def _send_stdin(self, command_id: str, data: bytes) -> None:
        # Every stdin ends with End="true": a reader of stdin waits forever
        # for end of input otherwise.
        chunks = [
            data[i : i + STDIN_CHUNK_BYTES]
            for i in range(0, len(data), STDIN_CHUNK_BYTES)
        ] or [b""]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            self.protocol.send_command_input(self.shell_id, command_id, chunk, last)

    def _receive(self, command_id: str) -> tuple[bytes, bytes, int, bool]:
        # A short OperationTimeout makes the host respond at least every
        # poll_seconds, so a cancel or a deadline is detected within that time.
        saved = self.protocol.operation_timeout_sec
        self.protocol.operation_timeout_sec = min(saved, self.poll_seconds)
        try:
            return self.protocol.get_command_output_raw(self.shell_id, command_id)
        except WinRMOperationTimeoutError:
            return b"", b"", -1, False
        finally:
            self.protocol.operation_timeout_sec = saved

    def _receive_until_done(
        self, command_id: str, on_output: OutputHandler, should_stop: StopCheck
    ) -> CommandResult:
        while True:
            stdout, stderr, code, done = self._receive(command_id)
            if stdout:
                on_output("stdout", stdout)
            if stderr:
                on_output("stderr", stderr)
            if done:
                return CommandResult(exit_code=signed_exit_code(code))
            reason = should_stop()
            if reason:
                return CommandResult(exit_code=None, stopped=reason)

    def _stop(self, command_id: str, on_output: OutputHandler) -> None:
        """Send ctrl_c, wait briefly for output and exit, then terminate."""
        try:
            self.signal(command_id, "ctrl_c")
            deadline = time.monotonic() + CTRL_C_GRACE_SECONDS
            while time.monotonic() < deadline:
                stdout, stderr, _code, done = self._receive(command_id)
                if stdout:
                    on_output("stdout", stdout)
                if stderr:
                    on_output("stderr", stderr)
                if done:
                    break
        except Exception as exc:  # noqa: BLE001 - terminate and delete follow
            logger.info("ctrl_c not acknowledged command_id=%s: %s", command_id, exc)
        self._terminate(command_id, required=False)

    def _terminate(self, command_id: str, required: bool = True) -> None:
        try:
            self.protocol.cleanup_command(self.shell_id, command_id)
        except Exception as exc:
            # A command that may still run keeps the shell from being reused;
            # deleting the shell ends its processes.
            self.broken = True
            logger.warning("terminate failed command_id=%s: %s", command_id, exc)
            if required:
                raise

    def signal(self, command_id: str, code: str) -> None:
        """Send a Signal such as ``ctrl_c``, ``ctrl_break`` or ``terminate``."""
        message = self.protocol.build_wsman_header(
            action=f"{SHELL_URI}/Signal",
            resource_uri=f"{SHELL_URI}/cmd",
            shell_id=self.shell_id,
            message_id=uuid.uuid4(),
        )
        message["env:Envelope"]["env:Body"] = {
            "rsp:Signal": {
                "@CommandId": command_id,
                "rsp:Code": f"{SHELL_URI}/signal/{code}",
            }
        }
        self.protocol.send_message(xmltodict.unparse(message))
