"""Admission of a run's target: global, per-job and per-target concurrency."""

from flask import current_app
from sqlalchemy import func, select, text

from app.extensions import db
from app.runs.models import ExecutionContext, Run, RunStatus

# One advisory lock serialises admissions, so two workers never both take
# the last slot; it is held only for the few queries below.
ADMISSION_LOCK = 727_001
# Returned when another job already took the context (a duplicate RQ job).
TAKEN = "taken"


def admit(context: ExecutionContext, worker_name: str) -> str | None:
    """Mark the context running if the limits allow; else return why not.

    Commits either way, which releases the admission lock.
    """
    db.session.execute(
        text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMISSION_LOCK}
    )
    reason = _blocking_reason(context)
    if reason is None:
        from app.clock import utcnow

        context.status = RunStatus.RUNNING.value
        context.worker_name = worker_name
        context.started_at = context.heartbeat_at = utcnow()
    db.session.commit()
    return reason


def _running(*criteria) -> int:
    query = select(func.count(ExecutionContext.id)).where(
        ExecutionContext.status == RunStatus.RUNNING.value, *criteria
    )
    return db.session.scalar(query)


def _blocking_reason(context: ExecutionContext) -> str | None:
    run, target, job = context.run, context.target, context.run.job
    if not job.allow_parallel_on_target:
        busy = _running(
            ExecutionContext.target_id == target.id,
            ExecutionContext.run_id != run.id,
        )
        if busy >= target.max_concurrent_runs:
            return f"target {target.name} is busy with {busy} other run(s)"

    if job.max_concurrent_runs:
        running_runs = db.session.scalar(
            select(func.count(func.distinct(ExecutionContext.run_id)))
            .join(Run, Run.id == ExecutionContext.run_id)
            .where(
                ExecutionContext.status == RunStatus.RUNNING.value,
                Run.job_id == job.id,
                Run.id != run.id,
            )
        )
        if running_runs >= job.max_concurrent_runs:
            return f"job {job.name} already has {running_runs} run(s) executing"

    limit = current_app.config["MAX_CONCURRENT_TARGETS"]
    if limit and _running() >= limit:
        return f"the global limit of {limit} concurrent targets is reached"
    return None
