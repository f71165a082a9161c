"""RQ queues; job payloads carry ids only, never secrets."""

import logging

from flask import current_app
from rq import Queue

logger = logging.getLogger(__name__)

QUEUE_NAMES = ("high", "default", "low")
RESULT_TTL_SECONDS = 3600
FAILURE_TTL_SECONDS = 7 * 24 * 3600
TASK = "app.execution.tasks.execute_run_target"


def get_queue(name: str) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; use one of {QUEUE_NAMES}")
    return Queue(name, connection=current_app.extensions["redis"])


def enqueue_target(
    run_id: int, target_id: int, priority: str, job_id: str, run_timeout_sec: int
) -> str:
    """Enqueue the execution of one run on one target; return the RQ job id.

    The RQ job timeout sits above the run's own deadline, which the worker
    keeps, so RQ only kills a work horse that stopped keeping it.
    """
    margin = current_app.config["RQ_TIMEOUT_MARGIN_SECONDS"]
    job = get_queue(priority).enqueue(
        TASK,
        run_id,
        target_id,
        job_id=job_id,
        job_timeout=run_timeout_sec + margin,
        result_ttl=RESULT_TTL_SECONDS,
        failure_ttl=FAILURE_TTL_SECONDS,
        description=f"run {run_id} target {target_id}",
    )
    return job.id


def cancel_queued_job(job_id: str) -> None:
    """Remove a job from its queue if it is still there; ignore it otherwise.

    A job left behind (Redis unreachable) does no harm: the worker that takes
    it finds its target already ended and returns.
    """
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        Job.fetch(job_id, connection=current_app.extensions["redis"]).cancel()
    except NoSuchJobError:
        return
    except RedisError as exc:
        logger.warning("queued job not removed job_id=%s: %s", job_id, exc)
