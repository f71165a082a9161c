"""Every model, imported in one place for migrations and the worker."""

from app.audit.models import AuditEvent
from app.auth.models import ApiToken, Role, User
from app.credentials.models import Credential
from app.jobs.models import Job, JobParameter, JobStep
from app.runs.models import (
    ExecutionContext,
    OutputChunk,
    Run,
    RunEvent,
    RunStatus,
    RunStep,
    StepRecord,
    run_targets,
)
from app.targets.models import Target

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Credential",
    "ExecutionContext",
    "Job",
    "JobParameter",
    "JobStep",
    "OutputChunk",
    "Role",
    "Run",
    "RunEvent",
    "RunStatus",
    "RunStep",
    "StepRecord",
    "Target",
    "User",
    "run_targets",
]
