"""Creating, changing and deleting credentials, with an audit event for each."""

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.credentials.models import Credential
from app.extensions import db
from app.targets.models import Target

logger = logging.getLogger(__name__)


class CredentialError(ValueError):
    """A rejected credential change, with the reason and the fix in its message."""


def name_taken(name: str, credential: Credential | None = None) -> bool:
    """Tell whether another credential already uses ``name``."""
    query = select(Credential.id).where(Credential.name == name)
    if credential is not None:
        query = query.where(Credential.id != credential.id)
    return db.session.scalar(query) is not None


def create_credential(name: str, username: str, password: str) -> Credential:
    """Store a new credential with its password encrypted."""
    credential = Credential(name=name, username=username)
    credential.set_password(password)
    db.session.add(credential)
    _flush_unique(name)
    audit.record("credential_created", credential, name=name, username=username)
    db.session.commit()
    logger.info("credential created credential_id=%s", credential.id)
    return credential


def update_credential(
    credential: Credential, name: str, username: str, password: str | None
) -> None:
    """Change a credential. An empty or missing ``password`` keeps the stored one."""
    credential.name = name
    credential.username = username
    if password:
        credential.set_password(password)
    _flush_unique(name)
    audit.record(
        "credential_updated",
        credential,
        name=name,
        username=username,
        password_changed=bool(password),
    )
    db.session.commit()


def _flush_unique(name: str) -> None:
    # The form checks the name first, so this only catches a concurrent save
    # of the same name, which the unique constraint rejects.
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        logger.info("credential name conflict name=%r", name)
        raise CredentialError(
            f"A credential named {name} already exists: choose another name."
        ) from exc


def targets_using(credential: Credential, auth: str | None = None) -> list[str]:
    """Return the names of the targets that log on with ``credential``.

    With ``auth``, only targets that use that authentication method count.
    """
    query = select(Target.name).where(Target.credential_id == credential.id)
    if auth is not None:
        query = query.where(Target.auth == auth)
    return list(db.session.scalars(query.order_by(Target.name)))


def usage_counts() -> dict[int, int]:
    """Return the number of targets per credential id."""
    query = select(Target.credential_id, func.count()).group_by(Target.credential_id)
    return {row[0]: row[1] for row in db.session.execute(query) if row[0]}


def delete_credential(credential: Credential) -> None:
    """Delete ``credential``, or raise CredentialError while a target uses it."""
    users = targets_using(credential)
    if users:
        logger.info(
            "credential delete rejected credential_id=%s targets=%d",
            credential.id,
            len(users),
        )
        raise CredentialError(
            f"Credential {credential.name} is used by {', '.join(users)}: "
            "choose another credential on those targets first."
        )

    audit.record("credential_deleted", credential, name=credential.name)
    db.session.delete(credential)
    db.session.commit()
    logger.info("credential deleted credential_id=%s", credential.id)
