"""One WinRM shell on a target: run commands and stream their output."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from winrm.exceptions import WinRMOperationTimeoutError
from winrm.protocol import Protocol

from app.execution.errors import Category, ExecutionError

logger = logging.getLogger(__name__)

OutputHandler = Callable[[str, bytes], None]


@dataclass
class CommandResult:
    exit_code: int | None
    timed_out: bool = False
    duration_ms: int = 0


def signed_exit_code(code: int) -> int:
    """Normalise a Windows exit code to signed 32 bits (4294967295 -> -1)."""
    code &= 0xFFFFFFFF
    return code - 0x100000000 if code >= 0x80000000 else code


class RemoteShell:
    """A shell opened once and reused for every command, deleted by ``close``."""

    def __init__(
        self, protocol: Protocol, codepage: int, env: dict[str, str] | None = None
    ) -> None:
        self.protocol = protocol
        self.codepage = codepage
        self.env = env or {}
        self.shell_id: str | None = None
        self.commands_executed = 0

    def open(self) -> str:
        self.shell_id = self.protocol.open_shell(
            codepage=self.codepage, env_vars=self.env or None
        )
        return self.shell_id

    def close(self) -> None:
        if self.shell_id is None:
            return
        shell_id, self.shell_id = self.shell_id, None
        try:
            self.protocol.close_shell(shell_id)
        except Exception:  # noqa: BLE001 - the run's outcome is already decided
            logger.warning("shell delete failed shell_id=%s", shell_id, exc_info=True)

    def run(
        self,
        command: str,
        args: list[str],
        on_output: OutputHandler,
        deadline: float,
    ) -> CommandResult:
        """Run a command, passing each output chunk to ``on_output`` as it arrives.

        ``deadline`` is a ``time.monotonic()`` value; when it passes the command
        is terminated and the result says ``timed_out`` with no exit code.
        """
        started = time.monotonic()
        command_id = self.protocol.run_command(self.shell_id, command, args)
        self.commands_executed += 1
        try:
            result = self._receive_until_done(command_id, on_output, deadline)
        finally:
            self._cleanup(command_id)
        result.duration_ms = int((time.monotonic() - started) * 1000)
        return result

    def _receive_until_done(
        self, command_id: str, on_output: OutputHandler, deadline: float
    ) -> CommandResult:
        while True:
            try:
                stdout, stderr, code, done = self.protocol.get_command_output_raw(
                    self.shell_id, command_id
                )
            except WinRMOperationTimeoutError:
                # The host held the Receive for its operation timeout: no output
                # yet, which is normal for a quiet command.
                stdout, stderr, code, done = b"", b"", -1, False

            if stdout:
                on_output("stdout", stdout)
            if stderr:
                on_output("stderr", stderr)
            if done:
                return CommandResult(exit_code=signed_exit_code(code))
            if time.monotonic() >= deadline:
                return CommandResult(exit_code=None, timed_out=True)

    def _cleanup(self, command_id: str) -> None:
        try:
            self.protocol.cleanup_command(self.shell_id, command_id)
        except Exception as exc:  # noqa: BLE001
            # A failed terminate leaves the command running on the host, so the
            # shell is not reused: deleting it ends the command's processes.
            logger.warning("terminate failed command_id=%s: %s", command_id, exc)
            raise ExecutionError(
                Category.PROTOCOL, f"terminating command {command_id} failed: {exc}"
            ) from exc
