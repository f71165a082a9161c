"""Recovery of runs whose worker died or whose RQ job vanished.

Every worker runs ``reap`` periodically; a PostgreSQL advisory lock lets only
one of them act at a time. The database is the record: a target still queued
whose RQ job is gone is enqueued again (nothing had started), and a target
still running whose worker stopped sending heartbeats is ended as failed.
"""

import logging
import threading
import uuid
from datetime import timedelta

from flask import Flask, current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select, text

from app.clock import utcnow
from app.execution.events import record_event
from app.execution.finish import finish_run
from app.execution.queues import QUEUE_NAMES, enqueue_target
from app.extensions import db
from app.runs.models import ACTIVE_STATUSES, ExecutionContext, Run, RunStatus, RunStep

logger = logging.getLogger(__name__)

REAPER_LOCK = 727_002
LIVE_JOB_STATUSES = (
    JobStatus.QUEUED,
    JobStatus.STARTED,
    JobStatus.DEFERRED,
    JobStatus.SCHEDULED,
)


def reap() -> dict[str, int]:
    """Make one recovery pass; return how many targets each rule touched."""
    locked = db.session.scalar(
        text("SELECT pg_try_advisory_lock(:key)"), {"key": REAPER_LOCK}
    )
    if not locked:
        db.session.commit()
        return {}
    try:
        return {
            "requeued": _requeue_lost_jobs(),
            "failed": _fail_dead_workers(),
            "promoted": _promote_waiting(),
            "finished": _finish_stragglers(),
        }
    finally:
        db.session.execute(
            text("SELECT pg_advisory_unlock(:key)"), {"key": REAPER_LOCK}
        )
        db.session.commit()


def _active_contexts(status: RunStatus) -> list[ExecutionContext]:
    return list(
        db.session.scalars(
            select(ExecutionContext).where(ExecutionContext.status == status.value)
        )
    )


def _job_alive(job_id: str | None) -> bool:
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=current_app.extensions["redis"])
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in LIVE_JOB_STATUSES


def _requeue_lost_jobs() -> int:
    count = 0
    for context in _active_contexts(RunStatus.QUEUED):
        if _job_alive(context.rq_job_id):
            continue
        run = context.run
        context.rq_job_id = str(uuid.uuid4())
        db.session.commit()
        enqueue_target(
            run.id,
            context.target_id,
            run.priority,
            context.rq_job_id,
            run.job.run_timeout_sec,
        )
        record_event(
            run.id,
            "requeued",
            "the queued job was lost from Redis; enqueued again",
            target_id=context.target_id,
        )
        count += 1
    return count


def _fail_dead_workers() -> int:
    timeout = current_app.config["HEARTBEAT_TIMEOUT_SECONDS"]
    limit = utcnow() - timedelta(seconds=timeout)
    count = 0
    for context in _active_contexts(RunStatus.RUNNING):
        if context.heartbeat_at and context.heartbeat_at > limit:
            continue
        reason = (
            f"the worker {context.worker_name or ''} stopped sending heartbeats for "
            f"{timeout} s and is presumed dead; the running step's outcome is unknown"
        )
        _end_context(context, reason)
        count += 1
    return count


def _end_context(context: ExecutionContext, reason: str) -> None:
    context.status = RunStatus.FAILED.value
    context.error = reason
    context.error_category = "network"
    context.finished_at = utcnow()
    steps = db.session.scalars(
        select(RunStep).filter_by(run_id=context.run_id, target_id=context.target_id)
    )
    for step in steps:
        if step.status == RunStatus.RUNNING.value:
            step.status = RunStatus.OUTCOME_UNKNOWN.value
            step.error = reason
            step.finished_at = utcnow()
        elif step.status == RunStatus.PENDING.value:
            step.status = RunStatus.SKIPPED.value
    record_event(context.run_id, "worker_lost", reason, target_id=context.target_id)
    finish_run(context.run_id)


def _promote_waiting() -> int:
    """Move runs queued too long up one priority, so low priority never starves."""
    age = current_app.config["PRIORITY_AGING_SECONDS"]
    limit = utcnow() - timedelta(seconds=age)
    runs = db.session.scalars(
        select(Run).where(
            Run.status == RunStatus.QUEUED.value,
            Run.queued_at < limit,
            Run.priority != QUEUE_NAMES[0],
        )
    )
    count = 0
    for run in runs:
        run.priority = QUEUE_NAMES[QUEUE_NAMES.index(run.priority) - 1]
        run.queued_at = utcnow()
        record_event(
            run.id,
            "promoted",
            f"waited over {age} s; moved to the {run.priority} queue",
            commit=False,
        )
        db.session.commit()
        for context in run.contexts:
            if context.status == RunStatus.QUEUED.value:
                _move_job(context, run)
                count += 1
    return count


def _move_job(context: ExecutionContext, run: Run) -> None:
    from app.execution.queues import cancel_queued_job

    old = context.rq_job_id
    context.rq_job_id = str(uuid.uuid4())
    db.session.commit()
    if old:
        cancel_queued_job(old)
    enqueue_target(
        run.id,
        context.target_id,
        run.priority,
        context.rq_job_id,
        run.job.run_timeout_sec,
    )


def _finish_stragglers() -> int:
    runs = db.session.scalars(
        select(Run).where(
            Run.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value])
        )
    )
    count = 0
    for run in list(runs):
        if not any(c.status in ACTIVE_STATUSES for c in run.contexts):
            finish_run(run.id)
            count += 1
    return count


def start_reaper_thread(app: Flask) -> threading.Thread:
    """Run ``reap`` every REAPER_INTERVAL_SECONDS in a daemon thread."""
    interval = app.config["REAPER_INTERVAL_SECONDS"]
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            with app.app_context():
                try:
                    result = reap()
                    if any(result.values()):
                        logger.info("reaper %s", result)
                except Exception:
                    logger.exception("reaper pass failed")
                    db.session.rollback()
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name="reaper", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
