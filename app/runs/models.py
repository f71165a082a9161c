"""Runs of a job on targets, their steps, streamed output and WinRM contexts."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTC_NOW, db
from app.jobs.models import Job, JobStep
from app.targets.models import Target


class RunStatus(enum.StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"
    SKIPPED = "skipped"
    # Step statuses only.
    SUCCEEDED_WITH_WARNINGS = "succeeded_with_warnings"
    OUTCOME_UNKNOWN = "outcome_unknown"


ACTIVE_STATUSES = (RunStatus.PENDING, RunStatus.QUEUED, RunStatus.RUNNING)
SUCCESS_STATUSES = (RunStatus.SUCCEEDED, RunStatus.SUCCEEDED_WITH_WARNINGS)
FINISHED_STATUSES = (
    RunStatus.SUCCEEDED,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
    RunStatus.TIMED_OUT,
)
PRIORITIES = ("high", "default", "low")
RUN_STATUSES = tuple(s.value for s in (*ACTIVE_STATUSES, *FINISHED_STATUSES))
MAX_PAGE = 1_000_000


def bounded_page(page: int) -> int:
    """Clamp a page number from a query string into 1..MAX_PAGE."""
    return min(max(page, 1), MAX_PAGE)


run_targets = Table(
    "run_targets",
    db.metadata,
    Column("run_id", ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("target_id", ForeignKey("targets.id"), primary_key=True),
)


class Run(db.Model):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    status: Mapped[str] = mapped_column(String(32), default=RunStatus.PENDING.value)
    priority: Mapped[str] = mapped_column(String(8), default="default")
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    # Values of secret parameters, as Fernet-encrypted JSON; never in `parameters`.
    secret_parameters: Mapped[bytes | None] = mapped_column(LargeBinary)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=UTC_NOW)
    queued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    execution_time_ms: Mapped[int | None] = mapped_column(BigInteger)
    total_steps: Mapped[int] = mapped_column(default=0)
    completed_steps: Mapped[int] = mapped_column(default=0)
    failed_steps: Mapped[int] = mapped_column(default=0)
    warning_steps: Mapped[int] = mapped_column(default=0)
    cancel_requested_at: Mapped[datetime | None]
    cancel_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The run this one re-runs or resumes, and which of the two it does.
    parent_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    origin: Mapped[str | None] = mapped_column(String(8))

    job: Mapped[Job] = relationship()
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    cancel_requested_by = relationship("User", foreign_keys=[cancel_requested_by_id])
    parent_run = relationship("Run", remote_side=[id])
    targets: Mapped[list[Target]] = relationship(
        secondary=run_targets, order_by=Target.name
    )
    steps: Mapped[list["RunStep"]] = relationship(
        back_populates="run",
        order_by="(RunStep.target_id, RunStep.position)",
        cascade="all, delete-orphan",
    )
    contexts: Mapped[list["ExecutionContext"]] = relationship(
        back_populates="run", cascade="all, delete-orphan"
    )
    events: Mapped[list["RunEvent"]] = relationship(
        order_by="RunEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class RunStep(db.Model):
    __tablename__ = "run_steps"
    __table_args__ = (UniqueConstraint("run_id", "target_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"))
    job_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_steps.id", ondelete="SET NULL")
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(32), default=RunStatus.PENDING.value)
    # Windows exit codes are 32-bit, unsigned in some replies, and BIGINT stores both.
    exit_code: Mapped[int | None] = mapped_column(BigInteger)
    stdout: Mapped[str] = mapped_column(Text, default="")
    stderr: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text)
    error_category: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    execution_time_ms: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    output_truncated: Mapped[bool] = mapped_column(default=False)
    output_lossy: Mapped[bool] = mapped_column(default=False)

    run: Mapped[Run] = relationship(back_populates="steps")
    target: Mapped[Target] = relationship()
    job_step: Mapped[JobStep | None] = relationship()
    chunks: Mapped[list["OutputChunk"]] = relationship(
        order_by="OutputChunk.seq", cascade="all, delete-orphan"
    )
    records: Mapped[list["StepRecord"]] = relationship(
        order_by="StepRecord.seq", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class OutputChunk(db.Model):
    """Text a step wrote to one stream, stored as it arrives from the host."""

    __tablename__ = "output_chunks"
    __table_args__ = (UniqueConstraint("run_step_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_step_id: Mapped[int] = mapped_column(
        ForeignKey("run_steps.id", ondelete="CASCADE")
    )
    seq: Mapped[int]
    stream: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    # The bytes as received, kept when they did not decode cleanly.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(server_default=UTC_NOW)


class StepRecord(db.Model):
    """An error, warning, verbose, debug, information or progress record."""

    __tablename__ = "step_records"
    __table_args__ = (UniqueConstraint("run_step_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_step_id: Mapped[int] = mapped_column(
        ForeignKey("run_steps.id", ondelete="CASCADE")
    )
    seq: Mapped[int]
    stream: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class RunEvent(db.Model):
    """Something that happened to a run: attempts, retries, cancel, recovery."""

    __tablename__ = "run_events"
    __table_args__ = (Index("ix_run_events_run_id", "run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id"))
    run_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("run_steps.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=UTC_NOW)


class ExecutionContext(db.Model):
    """The WinRM shell a run used on one target."""

    __tablename__ = "winrm_execution_contexts"
    __table_args__ = (UniqueConstraint("run_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"))
    status: Mapped[str] = mapped_column(String(32), default=RunStatus.PENDING.value)
    rq_job_id: Mapped[str | None] = mapped_column(String(64))
    shell_id: Mapped[str | None] = mapped_column(String(64))
    codepage: Mapped[int | None]
    connection_established_at: Mapped[datetime | None]
    connection_closed_at: Mapped[datetime | None]
    commands_executed: Mapped[int] = mapped_column(default=0)
    total_execution_time_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    error_category: Mapped[str | None] = mapped_column(String(32))
    worker_name: Mapped[str | None] = mapped_column(String(128))
    heartbeat_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    shells_opened: Mapped[int] = mapped_column(default=0)

    run: Mapped[Run] = relationship(back_populates="contexts")
    target: Mapped[Target] = relationship()
