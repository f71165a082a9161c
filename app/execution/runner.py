"""Execution of one run on one target: one shell, the steps in order."""

import json
import logging
import time

from sqlalchemy import select

from app.credentials.crypto import decrypt
from app.execution.client import classify, protocol_for
from app.execution.errors import Category, ExecutionError
from app.execution.recorder import StepRecorder
from app.execution.scripts import command_for_step
from app.execution.shell import RemoteShell
from app.extensions import db
from app.jobs.parameters import env_name
from app.runs.models import ExecutionContext, Run, RunStatus, RunStep
from app.runs.services import utcnow

logger = logging.getLogger(__name__)

FINISHED = (
    RunStatus.SUCCEEDED,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
    RunStatus.TIMED_OUT,
)


class TargetRunner:
    """Run the steps of one run on one target and record every outcome."""

    def __init__(self, run_id: int, target_id: int) -> None:
        self.run_id = run_id
        self.target_id = target_id

    def execute(self) -> str:
        context = db.session.scalar(
            select(ExecutionContext).filter_by(
                run_id=self.run_id, target_id=self.target_id
            )
        )
        if context is None:
            logger.warning("no such run target run_id=%s", self.run_id)
            return "missing"
        if context.status in FINISHED:
            return context.status

        self._mark_started(context)
        try:
            self._run_steps(context)
        except Exception as exc:
            error = classify(exc, context.target)
            logger.warning(
                "target failed run_id=%s target=%s category=%s",
                self.run_id,
                context.target.name,
                error.category,
            )
            self._record_target_error(context, error)
        finally:
            context.connection_closed_at = context.connection_closed_at or utcnow()
            db.session.commit()
        finish_run(self.run_id)
        return context.status

    def _mark_started(self, context: ExecutionContext) -> None:
        context.status = RunStatus.RUNNING.value
        run = context.run
        if run.status != RunStatus.RUNNING.value:
            run.status = RunStatus.RUNNING.value
            run.started_at = run.started_at or utcnow()
        db.session.commit()
        logger.info("target started run_id=%s target=%s", run.id, context.target.name)

    def _run_steps(self, context: ExecutionContext) -> None:
        run = context.run
        target = context.target
        values = _parameter_values(run)
        masked = _secrets(run, target, values)
        steps = _steps_for(run.id, target.id)

        with protocol_for(target) as protocol:
            shell = RemoteShell(
                protocol,
                target.codepage,
                env={env_name(k): v for k, v in values.items()},
            )
            try:
                context.shell_id = shell.open()
                context.codepage = target.codepage
                context.connection_established_at = utcnow()
                db.session.commit()
                context.status = self._run_each(shell, steps, values, masked)
            finally:
                shell.close()
                context.connection_closed_at = utcnow()
                context.commands_executed = shell.commands_executed

    def _run_each(self, shell, steps, values, masked) -> str:
        status = RunStatus.SUCCEEDED.value
        for step in steps:
            if status != RunStatus.SUCCEEDED.value:
                _skip(step)
                continue
            status = self._run_step(shell, step, sorted(values), masked)
        return status

    def _run_step(self, shell, step: RunStep, names, masked) -> str:
        job_step = step.job_step
        command, args = command_for_step(job_step.kind, job_step.script, names)
        recorder = StepRecorder(step, shell.codepage, masked)
        recorder.start()
        result = shell.run(
            command,
            args,
            recorder.write,
            deadline=time.monotonic() + job_step.timeout_sec,
        )
        step.exit_code = result.exit_code
        if result.timed_out:
            step.status = RunStatus.TIMED_OUT.value
            step.error = (
                f"{Category.TIMEOUT.value}: step exceeded its {job_step.timeout_sec} s "
                "limit and was terminated"
            )
        elif result.exit_code == 0:
            step.status = RunStatus.SUCCEEDED.value
        else:
            step.status = RunStatus.FAILED.value
            step.error = f"{Category.SCRIPT.value}: exit code {result.exit_code}"
        recorder.finish(result.duration_ms)
        _add_time(step)
        return step.status

    def _record_target_error(
        self, context: ExecutionContext, error: ExecutionError
    ) -> None:
        db.session.rollback()
        context.status = RunStatus.FAILED.value
        context.error = str(error)
        for step in _steps_for(self.run_id, self.target_id):
            if step.status == RunStatus.RUNNING.value:
                step.status = RunStatus.FAILED.value
                step.error = str(error)
                step.finished_at = utcnow()
            elif step.status == RunStatus.PENDING.value:
                _skip(step)


def _steps_for(run_id: int, target_id: int) -> list[RunStep]:
    return list(
        db.session.scalars(
            select(RunStep)
            .filter_by(run_id=run_id, target_id=target_id)
            .order_by(RunStep.position)
        )
    )


def _skip(step: RunStep) -> None:
    step.status = RunStatus.SKIPPED.value
    db.session.commit()


def _add_time(step: RunStep) -> None:
    context = db.session.scalar(
        select(ExecutionContext).filter_by(run_id=step.run_id, target_id=step.target_id)
    )
    context.total_execution_time_ms += step.execution_time_ms or 0
    db.session.commit()


def _parameter_values(run: Run) -> dict[str, str]:
    values = dict(run.parameters or {})
    if run.secret_parameters:
        values.update(json.loads(decrypt(run.secret_parameters)))
    return values


def _secrets(run, target, values: dict[str, str]) -> list[str]:
    secret_names = {p.name for p in run.job.parameters if p.type == "secret"}
    secrets = [values[name] for name in secret_names if values.get(name)]
    if target.credential is not None:
        secrets.append(target.credential.get_password())
    return [s for s in secrets if s]


def finish_run(run_id: int) -> None:
    """Set the run's status once every target has finished."""
    run = db.session.scalar(select(Run).filter_by(id=run_id).with_for_update())
    statuses = [c.status for c in run.contexts]
    if any(s not in FINISHED for s in statuses):
        db.session.commit()
        return

    steps = run.steps
    run.completed_steps = sum(s.status == RunStatus.SUCCEEDED.value for s in steps)
    run.failed_steps = sum(
        s.status in (RunStatus.FAILED.value, RunStatus.TIMED_OUT.value) for s in steps
    )
    run.status = _overall_status(statuses)
    errors = [c.error for c in run.contexts if c.error]
    run.error = "; ".join(errors) or None
    run.finished_at = utcnow()
    if run.started_at:
        run.execution_time_ms = int(
            (run.finished_at - run.started_at).total_seconds() * 1000
        )
    db.session.commit()
    logger.info("run finished run_id=%s status=%s", run.id, run.status)


def _overall_status(statuses: list[str]) -> str:
    for status in (RunStatus.FAILED, RunStatus.TIMED_OUT, RunStatus.CANCELLED):
        if status.value in statuses:
            return status.value
    return RunStatus.SUCCEEDED.value
