"""RQ entry points; each takes ids and loads everything from the database."""

import logging

from app.execution.runner import TargetRunner
from app.extensions import db

logger = logging.getLogger(__name__)


def execute_run_target(run_id: int, target_id: int) -> str:
    """Run every step of run ``run_id`` on target ``target_id``; return its status."""
    # The worker forks a work horse per job: connections inherited from the
    # parent must not be shared, so the horse opens its own.
    db.engine.dispose(close=False)
    try:
        return TargetRunner(run_id, target_id).execute()
    finally:
        db.session.remove()
