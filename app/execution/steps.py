"""Run a target's steps in order with their policies, deadlines and cancel."""

import logging
import time

from sqlalchemy import select, update

from app.clock import utcnow
from app.execution.client import classify
from app.execution.errors import Category, ExecutionError
from app.execution.events import record_event
from app.execution.policy import step_status
from app.execution.pool import ShellPool, ShellUnavailable
from app.execution.recorder import StepRecorder
from app.execution.scripts import build_step_command
from app.execution.shell import CommandNotStarted, CommandResult
from app.extensions import db
from app.runs.models import SUCCESS_STATUSES, ExecutionContext, Run, RunStatus, RunStep

logger = logging.getLogger(__name__)

# Times a Command is sent again after the host proved it never started it.
NOT_STARTED_RETRIES = 3
GUIDANCE = {
    RunStatus.OUTCOME_UNKNOWN: (
        "the connection was lost while the command ran, so it may or may not "
        "have finished on the host; check the host, then resume the run or mark "
        "the step safe to retry"
    ),
}


class StepExecutor:
    """Execute RunSteps on a ShellPool, recording status, output and events."""

    def __init__(
        self,
        pool: ShellPool,
        context: ExecutionContext,
        values: dict,
        secrets: list[str],
        run_deadline: float,
        config,
    ) -> None:
        self.pool = pool
        self.context = context
        self.values = values
        self.secrets = secrets
        self.run_deadline = run_deadline
        self.config = config
        self.cancelled = False
        self._next_check = 0.0
        self._next_heartbeat = 0.0

    def run_all(self, steps: list[RunStep]) -> str:
        """Run every step; return the target's status."""
        outcome = RunStatus.SUCCEEDED.value
        stopped = False
        for step in steps:
            if (
                step.status in SUCCESS_STATUSES
                or step.status == RunStatus.SKIPPED.value
            ):
                continue  # resumed runs carry steps that already succeeded
            if self.cancelled or (stopped and not step.job_step.always_run):
                step.status = RunStatus.SKIPPED.value
                db.session.commit()
                continue

            status = self.run_one(step)
            if status not in SUCCESS_STATUSES:
                outcome = _worse(outcome, status)
                if step.job_step.on_failure != "continue":
                    stopped = True
        if self.cancelled:
            return RunStatus.CANCELLED.value
        return outcome

    def run_one(self, step: RunStep) -> str:
        job_step = step.job_step
        recorder = StepRecorder(
            step,
            self.context.target.codepage,
            self.secrets,
            self.config["STEP_OUTPUT_LIMIT"],
        )
        recorder.start()
        step_deadline = min(time.monotonic() + job_step.timeout_sec, self.run_deadline)
        try:
            result = self._execute(step, recorder, step_deadline)
        except ShellUnavailable:
            recorder.finish(None)
            raise
        except ExecutionError as error:
            recorder.finish(None)
            return self._fail(step, error)

        records = recorder.finish(result.duration_ms)
        return self._conclude(step, result, records)

    def _execute(self, step, recorder, deadline) -> CommandResult:
        job_step = step.job_step
        command = build_step_command(job_step, self.values)
        should_stop = self._stop_check(deadline)
        attempt = 0
        while True:
            attempt += 1
            shell = self.pool.get(should_stop)
            try:
                return shell.run(
                    command.command,
                    command.args,
                    recorder.write,
                    should_stop,
                    stdin=command.stdin,
                )
            except CommandNotStarted as exc:
                self.pool.discard()
                self._event(
                    step, "command_not_started", f"{exc.message}; sending again"
                )
                if attempt > NOT_STARTED_RETRIES:
                    raise
            except Exception as exc:
                self.pool.discard()
                error = classify(exc, self.context.target)
                if error.category == Category.CONFIGURATION:
                    # Rejected as configured (e.g. HTTP 413): sending it again
                    # would fail the same way, and nothing of it ran.
                    raise error from exc
                if not job_step.safe_to_retry or attempt > NOT_STARTED_RETRIES:
                    raise _unknown_outcome(error) from exc
                self._event(
                    step,
                    "step_retry",
                    f"attempt {attempt} lost the connection ({error.message}); the "
                    "step is marked safe to retry, so it runs again",
                )

    def _stop_check(self, deadline: float):
        def should_stop() -> str | None:
            now = time.monotonic()
            if now >= deadline:
                return RunStatus.TIMED_OUT.value
            if now >= self._next_check:
                self._next_check = now + self.config["RECEIVE_POLL_SECONDS"]
                if self._cancel_requested():
                    self.cancelled = True
                    return RunStatus.CANCELLED.value
            if now >= self._next_heartbeat:
                self._next_heartbeat = now + self.config["HEARTBEAT_SECONDS"]
                self._heartbeat()
            return None

        return should_stop

    def _cancel_requested(self) -> bool:
        requested = db.session.scalar(
            select(Run.cancel_requested_at).where(Run.id == self.context.run_id)
        )
        db.session.commit()
        return requested is not None

    def _heartbeat(self) -> None:
        db.session.execute(
            update(ExecutionContext)
            .where(ExecutionContext.id == self.context.id)
            .values(heartbeat_at=utcnow())
        )
        db.session.commit()

    def _conclude(self, step: RunStep, result: CommandResult, records) -> str:
        step.exit_code = result.exit_code
        job_step = step.job_step
        if result.stopped == RunStatus.CANCELLED.value:
            step.status = RunStatus.CANCELLED.value
            step.error, step.error_category = "cancelled by request", "cancelled"
            self._event(step, "cancel_confirmed", "command stopped on the host")
        elif result.stopped == RunStatus.TIMED_OUT.value:
            limit = self._limit_text(job_step)
            step.status = RunStatus.TIMED_OUT.value
            step.error = f"step exceeded {limit} and was stopped (ctrl_c, terminate)"
            step.error_category = Category.TIMEOUT.value
        else:
            warnings = sum(r.stream in ("warning", "error") for r in records)
            step.status = step_status(
                result.exit_code, job_step.success_codes, warnings
            )
            if step.status == RunStatus.FAILED.value and _out_of_memory(records):
                step.error = "the host stopped the command at its memory limit"
                step.error_category = Category.RESOURCE_LIMIT.value
            elif step.status == RunStatus.FAILED.value:
                step.error = (
                    f"exit code {result.exit_code} is not a success code "
                    f"({job_step.success_codes})"
                )
                step.error_category = Category.SCRIPT.value
        db.session.commit()
        return step.status

    def _limit_text(self, job_step) -> str:
        if time.monotonic() >= self.run_deadline - 0.5:
            return f"the run limit of {self.context.run.job.run_timeout_sec} s"
        return f"its {job_step.timeout_sec} s limit"

    def _fail(self, step: RunStep, error: ExecutionError) -> str:
        unknown = getattr(error, "outcome_unknown", False)
        step.status = (
            RunStatus.OUTCOME_UNKNOWN.value if unknown else RunStatus.FAILED.value
        )
        step.error = error.message
        step.error_category = error.category.value
        step.finished_at = step.finished_at or utcnow()
        db.session.commit()
        self._event(step, "step_failed", f"{error.category.value}: {error.message}")
        return step.status

    def _event(self, step: RunStep, kind: str, message: str) -> None:
        record_event(
            self.context.run_id,
            kind,
            f"step {step.position}: {message}",
            target_id=self.context.target_id,
            run_step_id=step.id,
        )


def _out_of_memory(records) -> bool:
    return any(
        r.stream == "error" and "OutOfMemoryException" in r.text for r in records
    )


def _unknown_outcome(error: ExecutionError) -> ExecutionError:
    unknown = ExecutionError(
        error.category,
        f"{error.message}; {GUIDANCE[RunStatus.OUTCOME_UNKNOWN]}",
    )
    unknown.outcome_unknown = True
    return unknown


def _worse(current: str, status: str) -> str:
    order = [
        RunStatus.SUCCEEDED.value,
        RunStatus.TIMED_OUT.value,
        RunStatus.FAILED.value,
        RunStatus.CANCELLED.value,
    ]
    mapped = RunStatus.FAILED.value if status == RunStatus.OUTCOME_UNKNOWN else status
    return max(current, mapped, key=lambda s: order.index(s) if s in order else 1)
