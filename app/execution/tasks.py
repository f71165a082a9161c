"""RQ entry points; each takes ids and loads everything from the database."""

import logging
import time
import uuid

from rq import get_current_job

from app.execution.queues import enqueue_target
from app.execution.runner import TargetRunner
from app.extensions import db
from app.runs.models import ExecutionContext, RunStatus

logger = logging.getLogger(__name__)

# Pause before a target held back by a concurrency limit goes back to the end
# of its queue, so an idle worker does not spin on it.
DEFER_SECONDS = 1.0


def execute_run_target(run_id: int, target_id: int) -> str:
    """Run every step of run ``run_id`` on target ``target_id``; return its status."""
    # The worker forks a work horse per job: connections inherited from the
    # parent must not be shared, so the horse opens its own.
    db.engine.dispose(close=False)
    try:
        job = get_current_job()
        status = TargetRunner(run_id, target_id, job.id if job else None).execute()
        if status == "deferred":
            time.sleep(DEFER_SECONDS)
            requeue(run_id, target_id)
        return status
    finally:
        db.session.remove()


def requeue(run_id: int, target_id: int) -> None:
    """Put a queued target back at the end of its run's priority queue."""
    context = (
        db.session.query(ExecutionContext)
        .filter_by(run_id=run_id, target_id=target_id)
        .one()
    )
    if context.status != RunStatus.QUEUED.value:
        return
    context.rq_job_id = str(uuid.uuid4())
    db.session.commit()
    run = context.run
    enqueue_target(
        run_id, target_id, run.priority, context.rq_job_id, run.job.run_timeout_sec
    )
