"""Jobs: ordered steps and the parameters a run supplies."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

STEP_KINDS = ("powershell", "command")
PARAMETER_TYPES = ("string", "integer", "boolean", "choice", "text", "secret")


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.now(), onupdate=func.now()
    )

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

    job: Mapped[Job] = relationship(back_populates="parameters")
