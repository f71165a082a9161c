"""Starting runs: the rows are stored first, then each target is enqueued."""

import json
import logging
import uuid
from datetime import UTC, datetime

from redis.exceptions import RedisError

from app import audit
from app.auth.models import User
from app.credentials.crypto import encrypt
from app.execution.queues import enqueue_target
from app.extensions import db
from app.jobs.models import Job
from app.jobs.parameters import validate_values
from app.runs.models import ExecutionContext, Run, RunStatus, RunStep
from app.targets.models import Target

logger = logging.getLogger(__name__)


class RunRequestError(ValueError):
    """A run request is invalid; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_run(
    job: Job,
    targets: list[Target],
    raw_values: dict,
    priority: str,
    user: User,
) -> Run:
    """Validate a run request, store the run, then enqueue one RQ job per target.

    Raises RunRequestError with a message per invalid field.
    """
    values, errors = validate_values(job, raw_values)
    if not targets:
        errors["targets"] = "choose at least one target"
    if priority not in ("high", "default", "low"):
        errors["priority"] = "priority must be high, default or low"
    if not job.steps:
        errors["job"] = f"job {job.name} has no steps; add a step first"
    if errors:
        raise RunRequestError(errors)

    run = _store_run(job, targets, values, priority, user)
    _enqueue(run)
    return run


def _store_run(job, targets, values, priority, user) -> Run:
    secret_names = {p.name for p in job.parameters if p.type == "secret"}
    secrets = {k: v for k, v in values.items() if k in secret_names}
    run = Run(
        job=job,
        priority=priority,
        requested_by=user,
        parameters={k: v for k, v in values.items() if k not in secret_names},
        secret_parameters=encrypt(json.dumps(secrets)) if secrets else None,
        targets=list(targets),
        total_steps=len(job.steps) * len(targets),
    )
    for target in targets:
        run.contexts.append(ExecutionContext(target=target))
        for step in job.steps:
            run.steps.append(
                RunStep(
                    target=target,
                    job_step=step,
                    position=step.position,
                    name=step.name,
                )
            )
    db.session.add(run)
    db.session.flush()
    audit.record("run_started", run, job=job.name, targets=[t.name for t in targets])
    db.session.commit()
    return run


def _enqueue(run: Run) -> None:
    # Statuses and job ids are committed before enqueueing, so a worker that
    # picks a job up at once never has its "running" overwritten by "queued".
    for context in run.contexts:
        context.rq_job_id = str(uuid.uuid4())
        context.status = RunStatus.QUEUED.value
    run.status = RunStatus.QUEUED.value
    run.queued_at = utcnow()
    db.session.commit()

    try:
        for context in run.contexts:
            enqueue_target(run.id, context.target_id, run.priority, context.rq_job_id)
    except RedisError as exc:
        logger.exception("enqueue failed run_id=%s", run.id)
        _fail_unqueued(run, f"the job queue is unreachable: {exc}")
        raise
    logger.info("run queued run_id=%s targets=%d", run.id, len(run.contexts))


def _fail_unqueued(run: Run, reason: str) -> None:
    db.session.rollback()
    run.status = RunStatus.FAILED.value
    run.error = reason
    run.finished_at = utcnow()
    db.session.commit()
