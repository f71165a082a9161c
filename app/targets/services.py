"""Saving and deleting targets and testing their connections, with audit events."""

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.execution import probe
from app.execution.errors import ExecutionError
from app.extensions import db
from app.runs.models import run_targets
from app.targets.models import Target

logger = logging.getLogger(__name__)

AUDITED_FIELDS = (
    "name",
    "host",
    "port",
    "transport",
    "auth",
    "credential_id",
    "max_concurrent_runs",
)


class TargetError(ValueError):
    """A rejected target change, with the reason and the fix in its message."""


@dataclass(frozen=True)
class ConnectionResult:
    """The outcome of a connection test, as shown to the user."""

    ok: bool
    message: str
    category: str | None = None


def create_target(fields: dict) -> Target:
    """Store a new target with the given column values."""
    target = Target(**fields)
    db.session.add(target)
    _flush_unique(fields["name"])
    audit.record("target_created", target, **_audit_detail(target))
    db.session.commit()
    logger.info("target created target_id=%s", target.id)
    return target


def update_target(target: Target, fields: dict) -> None:
    """Change ``target`` to the given column values."""
    for name, value in fields.items():
        setattr(target, name, value)
    _flush_unique(fields["name"])
    audit.record("target_updated", target, **_audit_detail(target))
    db.session.commit()


def delete_target(target: Target) -> None:
    """Delete ``target``, or raise TargetError when runs in the history used it."""
    count_runs = select(func.count()).where(run_targets.c.target_id == target.id)
    runs = db.session.scalar(count_runs)
    if runs:
        logger.info("target delete rejected target_id=%s runs=%d", target.id, runs)
        raise TargetError(
            f"Target {target.name} was used by {runs} run(s) and is kept so that "
            "their history stays complete."
        )

    audit.record("target_deleted", target, name=target.name)
    db.session.delete(target)
    db.session.commit()
    logger.info("target deleted target_id=%s", target.id)


def check_connection(target: Target) -> ConnectionResult:
    """Log on to ``target``, run a probe command and audit the outcome."""
    try:
        result = ConnectionResult(True, probe.test_connection(target))
    except ExecutionError as exc:
        message = f"Connection to {target.name} failed: {exc.message}"
        result = ConnectionResult(False, message, exc.category.value)
        logger.info(
            "connection test failed target_id=%s category=%s",
            target.id,
            exc.category.value,
        )

    audit.record(
        "target_connection_tested",
        target,
        ok=result.ok,
        category=result.category,
        message=result.message,
    )
    db.session.commit()
    return result


def _flush_unique(name: str) -> None:
    # The form checks the name first, so this only catches a concurrent save
    # of the same name, which the unique constraint rejects.
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        logger.info("target name conflict name=%r", name)
        raise TargetError(
            f"A target named {name} already exists: choose another name."
        ) from exc


def _audit_detail(target: Target) -> dict:
    detail = {name: getattr(target, name) for name in AUDITED_FIELDS}
    detail["ca_bundle"] = bool(target.ca_bundle)
    return detail
