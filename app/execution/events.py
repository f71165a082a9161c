"""Run events: attempts, retries, cancel and recovery, stored with the run."""

import logging

from app.extensions import db
from app.runs.models import RunEvent

logger = logging.getLogger(__name__)


def record_event(
    run_id: int,
    kind: str,
    message: str,
    target_id: int | None = None,
    run_step_id: int | None = None,
    commit: bool = True,
) -> None:
    db.session.add(
        RunEvent(
            run_id=run_id,
            target_id=target_id,
            run_step_id=run_step_id,
            kind=kind,
            message=message,
        )
    )
    if commit:
        db.session.commit()
    logger.info("run event run_id=%s kind=%s %s", run_id, kind, message)
