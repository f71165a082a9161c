"""Execution of one run on one target: admission, a shell, the steps in order."""

import logging
import os
import socket
import time

from flask import current_app
from sqlalchemy import select

from app.clock import utcnow
from app.execution.client import classify, protocol_for
from app.execution.errors import ExecutionError
from app.execution.events import record_event
from app.execution.finish import finish_run
from app.execution.limits import TAKEN, admit
from app.execution.parameters import parameter_env, script_values, secret_values
from app.execution.pool import ShellPool
from app.execution.retry import RetryPolicy
from app.execution.steps import StepExecutor
from app.extensions import db
from app.runs.models import FINISHED_STATUSES, ExecutionContext, RunStatus, RunStep

logger = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class TargetRunner:
    """Run the steps of one run on one target and record every outcome."""

    def __init__(self, run_id: int, target_id: int, job_id: str | None = None) -> None:
        self.run_id = run_id
        self.target_id = target_id
        self.job_id = job_id
        self.config = current_app.config

    def execute(self) -> str:
        """Run the target's steps; return the context's final status.

        Returns "deferred" when a concurrency limit keeps the target waiting;
        the caller then enqueues it again.
        """
        context = self._load()
        if context is None:
            logger.warning("no such run target run_id=%s", self.run_id)
            return "missing"
        if context.status in FINISHED_STATUSES:
            return context.status
        if self.job_id and context.rq_job_id != self.job_id:
            # A job replaced by the reaper or by a requeue: the newer one runs.
            return "stale"
        if context.run.cancel_requested_at:
            self._end_unstarted(context, RunStatus.CANCELLED, "cancelled before start")
            return context.status

        reason = admit(context, worker_name())
        if reason == TAKEN:
            return "duplicate"
        if reason:
            return self._defer(context, reason)

        self._execute_admitted(context)
        finish_run(self.run_id)
        return context.status

    def _load(self) -> ExecutionContext | None:
        return db.session.scalar(
            select(ExecutionContext).filter_by(
                run_id=self.run_id, target_id=self.target_id
            )
        )

    def _execute_admitted(self, context: ExecutionContext) -> None:
        run = context.run
        if run.status != RunStatus.RUNNING.value:
            run.status = RunStatus.RUNNING.value
            run.started_at = run.started_at or utcnow()
        db.session.commit()
        logger.info("target started run_id=%s target=%s", run.id, context.target.name)
        try:
            context.status = self._run_steps(context)
        except Exception as exc:
            db.session.rollback()
            error = classify(exc, context.target)
            logger.warning(
                "target failed run_id=%s target=%s category=%s",
                self.run_id,
                context.target.name,
                error.category,
            )
            self._record_target_error(context, error)
        finally:
            context.finished_at = context.connection_closed_at = utcnow()
            db.session.commit()

    def _run_steps(self, context: ExecutionContext) -> str:
        run, target = context.run, context.target
        deadline = time.monotonic() + run.job.run_timeout_sec
        with protocol_for(target) as protocol:
            pool = ShellPool(
                protocol,
                context,
                env=parameter_env(run),
                policy=RetryPolicy(
                    self.config["RETRY_ATTEMPTS"],
                    self.config["RETRY_BASE_SECONDS"],
                    self.config["RETRY_MAX_SECONDS"],
                ),
                poll_seconds=self.config["RECEIVE_POLL_SECONDS"],
                rotate_after=self.config["SHELL_ROTATE_AFTER"],
            )
            executor = StepExecutor(
                pool,
                context,
                values=script_values(run),
                secrets=secret_values(run, target),
                run_deadline=deadline,
                config=self.config,
            )
            try:
                return executor.run_all(_steps_for(run.id, target.id))
            finally:
                pool.close()

    def _defer(self, context: ExecutionContext, reason: str) -> str:
        if context.error != reason:
            context.error = reason
            record_event(
                self.run_id, "waiting", f"waiting: {reason}", target_id=self.target_id
            )
        db.session.commit()
        return "deferred"

    def _end_unstarted(
        self, context: ExecutionContext, status: RunStatus, reason: str
    ) -> None:
        context.status = status.value
        context.error = reason
        for step in _steps_for(self.run_id, self.target_id):
            step.status = RunStatus.SKIPPED.value
        db.session.commit()
        finish_run(self.run_id)

    def _record_target_error(
        self, context: ExecutionContext, error: ExecutionError
    ) -> None:
        db.session.rollback()
        context.status = RunStatus.FAILED.value
        context.error = error.message
        context.error_category = error.category.value
        for step in _steps_for(self.run_id, self.target_id):
            if step.status == RunStatus.RUNNING.value:
                step.status = RunStatus.FAILED.value
                step.error = error.message
                step.error_category = error.category.value
                step.finished_at = utcnow()
            elif step.status == RunStatus.PENDING.value:
                step.status = RunStatus.SKIPPED.value
        record_event(
            self.run_id,
            "target_failed",
            f"{error.category.value}: {error.message}",
            target_id=self.target_id,
            commit=False,
        )


def _steps_for(run_id: int, target_id: int) -> list[RunStep]:
    return list(
        db.session.scalars(
            select(RunStep)
            .filter_by(run_id=run_id, target_id=target_id)
            .order_by(RunStep.position)
        )
    )
