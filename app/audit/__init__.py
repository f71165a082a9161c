"""Recording of audit events."""

from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEvent
from app.extensions import db


def record(action: str, obj=None, **detail) -> AuditEvent:
    """Add an audit event to the session; the caller's commit stores it."""
    event = AuditEvent(action=action, detail=detail)
    if obj is not None:
        event.object_type = obj.__tablename__
        event.object_id = obj.id
    if has_request_context():
        event.remote_addr = request.remote_addr
        if current_user.is_authenticated:
            event.user_id = current_user.id
    db.session.add(event)
    return event
