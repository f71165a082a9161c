"""RQ queues; job payloads carry ids only, never secrets."""

from flask import current_app
from rq import Queue

QUEUE_NAMES = ("high", "default", "low")
RESULT_TTL_SECONDS = 3600
FAILURE_TTL_SECONDS = 7 * 24 * 3600


def get_queue(name: str) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; use one of {QUEUE_NAMES}")
    return Queue(name, connection=current_app.extensions["redis"])


def enqueue_target(run_id: int, target_id: int, priority: str, job_id: str) -> str:
    """Enqueue the execution of one run on one target; return the RQ job id."""
    job = get_queue(priority).enqueue(
        "app.execution.tasks.execute_run_target",
        run_id,
        target_id,
        job_timeout=current_app.config["RUN_JOB_TIMEOUT_SECONDS"],
        result_ttl=RESULT_TTL_SECONDS,
        failure_ttl=FAILURE_TTL_SECONDS,
        description=f"run {run_id} target {target_id}",
        job_id=job_id,
    )
    return job.id
