"""Jobs: ordered steps and the parameters a run supplies."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import UTC_NOW, db

STEP_KINDS = ("powershell", "command")
PARAMETER_TYPES = ("string", "integer", "boolean", "choice", "text", "secret")


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=UTC_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=UTC_NOW, onupdate=utcnow
    )

    # Deadline of a whole run on one target, kept by the worker.
    run_timeout_sec: Mapped[int] = mapped_column(default=3600)
    # At most this many runs of the job execute at once (None: no limit).
    max_concurrent_runs: Mapped[int | None]
    # Let runs of this job share a target with other runs.
    allow_parallel_on_target: Mapped[bool] = mapped_column(default=False)

    created_by = relationship("User")
    steps: Mapped[list["JobStep"]] = relationship(
        back_populates="job",
        order_by="JobStep.position",
        cascade="all, delete-orphan",
    )
    parameters: Mapped[list["JobParameter"]] = relationship(
        back_populates="job",
        order_by="JobParameter.position",
        cascade="all, delete-orphan",
    )


class JobStep(db.Model):
    __tablename__ = "job_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="powershell")
    script: Mapped[str] = mapped_column(Text)
    timeout_sec: Mapped[int] = mapped_column(default=300)
    # Exit codes that count as success, e.g. "0", "0,3010" or "0-3,-1".
    success_codes: Mapped[str] = mapped_column(String(200), default="0")
    # Run PowerShell with $ErrorActionPreference = 'Stop', so that an error
    # record fails the step even when the script exits 0.
    stop_on_error: Mapped[bool] = mapped_column(default=True)
    # "stop" skips the target's remaining steps on failure, "continue" goes on.
    on_failure: Mapped[str] = mapped_column(String(8), default="stop")
    # Run even after an earlier step failed (clean-up steps).
    always_run: Mapped[bool] = mapped_column(default=False)
    # The step may run again when its outcome is unknown after a lost connection.
    safe_to_retry: Mapped[bool] = mapped_column(default=False)

    job: Mapped[Job] = relationship(back_populates="steps")


class JobParameter(db.Model):
    __tablename__ = "job_parameters"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16), default="string")
    label: Mapped[str] = mapped_column(String(120), default="")
    required: Mapped[bool] = mapped_column(default=False)
    default: Mapped[str | None] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    pattern: Mapped[str | None] = mapped_column(String(500))
    minimum: Mapped[int | None] = mapped_column(BigInteger)
    maximum: Mapped[int | None] = mapped_column(BigInteger)

    job: Mapped[Job] = relationship(back_populates="parameters")
