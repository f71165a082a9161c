"""Starting runs: the rows are stored first, then each target is enqueued."""

import json
import logging
import uuid

from redis.exceptions import RedisError

from app import audit
from app.auth.models import User
from app.clock import utcnow
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
    run = create_run(job, targets, raw_values, priority, user)
    _enqueue(run)
    return run


def create_run(
    job: Job,
    targets: list[Target],
    raw_values: dict,
    priority: str,
    user: User,
) -> Run:
    """Validate a run request and store the run with its steps, not enqueued."""
    values, errors = validate_values(job, raw_values)
    if not targets:
        errors["targets"] = "choose at least one target"
    if priority not in ("high", "default", "low"):
        errors["priority"] = "priority must be high, default or low"
    if not job.steps:
        errors["job"] = f"job {job.name} has no steps; add a step first"
    if errors:
        raise RunRequestError(errors)
    return _store_run(job, targets, values, priority, user)


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
            enqueue_target(
                run.id,
                context.target_id,
                run.priority,
                context.rq_job_id,
                run.job.run_timeout_sec,
            )
    except RedisError as exc:
        # The run stays queued in the database; the reaper enqueues it again
        # once Redis responds again, so the request is not lost.
        from app.execution.events import record_event

        logger.warning("enqueue failed run_id=%s: %s", run.id, exc)
        record_event(
            run.id,
            "queue_unreachable",
            "Redis did not answer; the run is sent to the workers when it does",
        )
        return
    logger.info("run queued run_id=%s targets=%d", run.id, len(run.contexts))


class RunStateError(ValueError):
    """The run is not in a state that allows the requested action."""


def cancel_run(run: Run, user: User) -> Run:
    """Request the cancel of an active run.

    Targets still waiting in the queue end at once. A worker running a target
    detects the request within a second or two, stops the remote command and
    records "cancel_confirmed".
    """
    from app.execution.events import record_event
    from app.execution.finish import finish_run

    if not run.is_active:
        raise RunStateError(f"run {run.id} already ended as {run.status}")
    if run.cancel_requested_at is None:
        run.cancel_requested_at = utcnow()
        run.cancel_requested_by = user
        record_event(
            run.id,
            "cancel_requested",
            f"cancel requested by {user.username}",
            commit=False,
        )
        audit.record("run_cancel_requested", run)
    for context in run.contexts:
        if context.status in (RunStatus.PENDING.value, RunStatus.QUEUED.value):
            _cancel_queued(context)
    db.session.commit()
    finish_run(run.id)
    return run


def _cancel_queued(context: ExecutionContext) -> None:
    from app.execution.events import record_event
    from app.execution.queues import cancel_queued_job

    context.status = RunStatus.CANCELLED.value
    context.error = "cancelled before it started"
    context.error_category = "cancelled"
    for step in context.run.steps:
        if step.target_id == context.target_id and step.is_active:
            step.status = RunStatus.SKIPPED.value
    if context.rq_job_id:
        cancel_queued_job(context.rq_job_id)
    record_event(
        context.run_id,
        "cancel_confirmed",
        "removed from the queue before it started",
        target_id=context.target_id,
        commit=False,
    )


def rerun(run: Run, user: User) -> Run:
    """Start a new run of the same job, targets, parameters and priority."""
    return _follow_up(run, user, origin="rerun")


def resume(run: Run, user: User) -> Run:
    """Start a new run that skips the steps which succeeded in ``run``."""
    if run.is_active:
        raise RunStateError(f"run {run.id} is still {run.status}; wait or cancel it")
    if run.status == RunStatus.SUCCEEDED.value:
        raise RunStateError(f"run {run.id} succeeded; there is nothing to resume")
    return _follow_up(run, user, origin="resume")


def _follow_up(run: Run, user: User, origin: str) -> Run:
    job = run.job
    changed = {s.id for s in job.steps} != {
        s.job_step_id for s in run.steps if s.job_step_id
    }
    if origin == "resume" and changed:
        raise RunStateError(
            f"job {job.name} changed since run {run.id}; start a new run instead"
        )

    new = Run(
        job=job,
        priority=run.priority,
        requested_by=user,
        parameters=dict(run.parameters or {}),
        secret_parameters=run.secret_parameters,
        targets=list(run.targets),
        total_steps=len(job.steps) * len(run.targets),
        parent_run_id=run.id,
        origin=origin,
    )
    done = _succeeded_steps(run) if origin == "resume" else set()
    for target in new.targets:
        new.contexts.append(ExecutionContext(target=target))
        for step in job.steps:
            new.steps.append(_follow_up_step(run, target, step, done))

    db.session.add(new)
    db.session.flush()
    audit.record(f"run_{origin}", new, parent_run_id=run.id)
    db.session.commit()
    _enqueue(new)
    return new


def _succeeded_steps(run: Run) -> set[tuple[int, int]]:
    succeeded = (RunStatus.SUCCEEDED.value, RunStatus.SUCCEEDED_WITH_WARNINGS.value)
    return {(s.target_id, s.job_step_id) for s in run.steps if s.status in succeeded}


def _follow_up_step(run: Run, target: Target, step, done: set) -> RunStep:
    # Clean-up steps run again, because they follow every attempt.
    skipped = (target.id, step.id) in done and not step.always_run
    return RunStep(
        target=target,
        job_step=step,
        position=step.position,
        name=step.name,
        status=RunStatus.SKIPPED.value if skipped else RunStatus.PENDING.value,
        error=f"succeeded in run {run.id}" if skipped else None,
    )
