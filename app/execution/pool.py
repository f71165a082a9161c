"""The shell a target's steps share: opened with retries, rotated, replaced."""

import logging
from collections.abc import Callable

from winrm.protocol import Protocol

from app.clock import utcnow
from app.execution.client import classify
from app.execution.errors import ExecutionError
from app.execution.events import record_event
from app.execution.retry import RetryPolicy, with_retries
from app.execution.shell import RemoteShell
from app.extensions import db
from app.runs.models import ExecutionContext

logger = logging.getLogger(__name__)


class ShellUnavailable(ExecutionError):
    """No shell could be opened on the target, so no further step can run."""


class ShellPool:
    """Hand out one reusable shell per target and run, and always delete it.

    Opening a shell is retried with backoff for failures that prove nothing
    ran (connection refused, TLS, login, shell quota). A broken shell, or one
    that reached ``rotate_after`` commands, is deleted and replaced.
    """

    def __init__(
        self,
        protocol: Protocol,
        context: ExecutionContext,
        env: dict[str, str],
        policy: RetryPolicy,
        poll_seconds: int,
        rotate_after: int,
    ) -> None:
        self.protocol = protocol
        self.context = context
        self.env = env
        self.policy = policy
        self.poll_seconds = poll_seconds
        self.rotate_after = rotate_after
        self.shell: RemoteShell | None = None

    def get(self, should_stop: Callable[[], str | None] = lambda: None) -> RemoteShell:
        shell = self.shell
        if shell is not None and not shell.broken:
            if shell.commands_executed < self.rotate_after:
                return shell
            self._event(
                "shell_rotated", f"shell replaced after {self.rotate_after} commands"
            )
        self.discard()
        self.shell = self._open(should_stop)
        return self.shell

    def discard(self) -> None:
        """Delete the current shell, if any; the next ``get`` opens a new one."""
        if self.shell is not None:
            self.context.commands_executed += self.shell.commands_executed
            self.shell.close()
            self.shell = None
            self.context.connection_closed_at = utcnow()
            db.session.commit()

    def close(self) -> None:
        self.discard()

    def _open(self, should_stop) -> RemoteShell:
        target = self.context.target
        shell = RemoteShell(self.protocol, target.codepage, self.env, self.poll_seconds)

        def on_attempt(attempt: int, error, delay: float) -> None:
            message = f"attempt {attempt} to open a shell failed: {error}"
            if delay:
                message += f"; retrying in {delay:.1f} s"
            self._event("shell_attempt", message)
            logger.warning(
                "shell open failed run_id=%s target=%s attempt=%d category=%s",
                self.context.run_id,
                target.name,
                attempt,
                error.category,
            )

        try:
            with_retries(
                shell.open,
                lambda exc: classify(exc, target),
                self.policy,
                on_attempt,
                should_stop,
            )
        except ExecutionError as error:
            raise ShellUnavailable(error.category, error.message) from error
        self.context.shell_id = shell.shell_id
        self.context.codepage = target.codepage
        self.context.shells_opened += 1
        self.context.connection_established_at = utcnow()
        db.session.commit()
        return shell

    def _event(self, kind: str, message: str) -> None:
        record_event(
            self.context.run_id, kind, message, target_id=self.context.target_id
        )
