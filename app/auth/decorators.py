"""Access checks shared by every page and API endpoint."""

from collections.abc import Callable
from functools import wraps

from flask import abort, jsonify, request
from flask_login import current_user

from app.auth.models import Role


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def role_required(role: Role) -> Callable:
    """Allow the view only to logged-in users whose role is at least ``role``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if _wants_json():
                    return jsonify(error="authentication required"), 401
                from app.extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.has_role(role):
                if _wants_json():
                    message = f"this action needs the {role.value} role"
                    return jsonify(error=message), 403
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


viewer_required = role_required(Role.VIEWER)
operator_required = role_required(Role.OPERATOR)
admin_required = role_required(Role.ADMIN)
