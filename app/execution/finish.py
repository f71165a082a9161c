"""Set a run's final status once every one of its targets has finished."""

import logging

from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.runs.models import FINISHED_STATUSES, SUCCESS_STATUSES, Run, RunStatus

logger = logging.getLogger(__name__)

FAILED_STEP_STATUSES = (
    RunStatus.FAILED,
    RunStatus.TIMED_OUT,
    RunStatus.OUTCOME_UNKNOWN,
)


def finish_run(run_id: int) -> None:
    """Finish the run if no target is still active; the row lock makes the
    last of several parallel targets the one that finishes it."""
    run = db.session.scalar(select(Run).filter_by(id=run_id).with_for_update())
    if run is None or run.status in FINISHED_STATUSES:
        db.session.commit()
        return
    statuses = [c.status for c in run.contexts]
    if any(s not in FINISHED_STATUSES for s in statuses):
        db.session.commit()
        return

    steps = run.steps
    run.completed_steps = sum(s.status in SUCCESS_STATUSES for s in steps)
    run.failed_steps = sum(s.status in FAILED_STEP_STATUSES for s in steps)
    run.warning_steps = sum(
        s.status == RunStatus.SUCCEEDED_WITH_WARNINGS.value for s in steps
    )
    run.status = overall_status(statuses)
    errors = [f"{c.target.name}: {c.error}" for c in run.contexts if c.error]
    run.error = "; ".join(errors) or None
    run.finished_at = utcnow()
    if run.started_at:
        elapsed = run.finished_at - run.started_at
        run.execution_time_ms = int(elapsed.total_seconds() * 1000)
    db.session.commit()
    logger.info("run finished run_id=%s status=%s", run.id, run.status)


def overall_status(statuses: list[str]) -> str:
    """Return the run status: cancelled, failed or timed out if any target is,
    checked in that order, else succeeded."""
    for status in (RunStatus.CANCELLED, RunStatus.FAILED, RunStatus.TIMED_OUT):
        if status.value in statuses:
            return status.value
    return RunStatus.SUCCEEDED.value
