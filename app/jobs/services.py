"""Saving and deleting jobs with their steps and parameters, with audit events."""

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth.models import User
from app.extensions import db
from app.jobs.models import Job, JobParameter, JobStep
from app.runs.models import ACTIVE_STATUSES, Run

logger = logging.getLogger(__name__)


class JobError(ValueError):
    """A rejected job change, with the reason and the fix in its message."""


def create_job(
    fields: dict, steps: list[dict], parameters: list[dict], user: User
) -> Job:
    """Store a new job from its column values and lists of step and parameter values.

    ``fields`` contains the Job columns (name, description and run limits);
    steps and parameters are saved in list order.
    """
    job = Job(created_by_id=user.id, **fields)
    _set_steps(job, steps)
    _set_parameters(job, parameters)
    db.session.add(job)
    _flush_unique(fields["name"])
    audit.record("job_created", job, **_audit_detail(job))
    db.session.commit()
    logger.info("job created job_id=%s", job.id)
    return job


def update_job(
    job: Job, fields: dict, steps: list[dict], parameters: list[dict]
) -> None:
    """Replace the definition of ``job``, or raise JobError while a run of it is active.

    Steps are matched by id and parameters by name, and matches are updated in
    place, so finished runs keep the link to the step they ran.
    """
    _reject_if_running(job)

    for column, value in fields.items():
        setattr(job, column, value)
    _set_steps(job, steps)
    _set_parameters(job, parameters)
    _flush_unique(fields["name"])
    audit.record("job_updated", job, **_audit_detail(job))
    db.session.commit()


def delete_job(job: Job) -> None:
    """Delete ``job``, or raise JobError when runs in the history used it."""
    runs = db.session.scalar(select(func.count()).where(Run.job_id == job.id))
    if runs:
        logger.info("job delete rejected job_id=%s runs=%d", job.id, runs)
        raise JobError(
            f"Job {job.name} has {runs} run(s) in its history and is kept so that "
            "their history stays complete."
        )

    audit.record("job_deleted", job, name=job.name)
    db.session.delete(job)
    db.session.commit()
    logger.info("job deleted job_id=%s", job.id)


def _reject_if_running(job: Job) -> None:
    # The worker reads each step's script when it starts the step, so an edit
    # during a run would change or remove steps that the run has yet to start.
    query = select(func.count()).where(
        Run.job_id == job.id, Run.status.in_([s.value for s in ACTIVE_STATUSES])
    )
    active = db.session.scalar(query)
    if active:
        logger.info("job update rejected job_id=%s active_runs=%d", job.id, active)
        raise JobError(
            f"Job {job.name} has {active} active run(s): wait for them to finish "
            "before changing it."
        )


def _set_steps(job: Job, steps: list[dict]) -> None:
    existing = {step.id: step for step in job.steps}
    ordered = []
    for position, values in enumerate(steps, start=1):
        step = existing.pop(values["id"], None) or JobStep()
        for column, value in values.items():
            if column != "id":
                setattr(step, column, value)
        step.position = position
        ordered.append(step)
    job.steps = ordered


def _set_parameters(job: Job, parameters: list[dict]) -> None:
    # Matched by name, so that an edited parameter keeps its row and id.
    existing = {parameter.name: parameter for parameter in job.parameters}
    ordered = []
    for position, values in enumerate(parameters, start=1):
        parameter = existing.pop(values["name"], None) or JobParameter()
        for column, value in values.items():
            setattr(parameter, column, value)
        parameter.position = position
        ordered.append(parameter)
    job.parameters = ordered


def _flush_unique(name: str) -> None:
    # The form checks the name first, so this only catches a concurrent save
    # of the same name, which the unique constraint rejects.
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        logger.info("job name conflict name=%r", name)
        raise JobError(
            f"A job named {name} already exists: choose another name."
        ) from exc


def _audit_detail(job: Job) -> dict:
    return {
        "name": job.name,
        "run_timeout_sec": job.run_timeout_sec,
        "max_concurrent_runs": job.max_concurrent_runs,
        "allow_parallel_on_target": job.allow_parallel_on_target,
        "steps": [step.name for step in job.steps],
        "parameters": [parameter.name for parameter in job.parameters],
    }
