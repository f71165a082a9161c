from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from app import audit
from app.auth.blueprint import bp
from app.auth.forms import LoginForm
from app.auth.models import ApiToken, User
from app.clock import utcnow
from app.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    digest = ApiToken.digest(header.removeprefix("Bearer ").strip())
    token = db.session.scalar(select(ApiToken).filter_by(token_hash=digest))
    if token is None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token.user


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)

    user = db.session.scalar(select(User).filter_by(username=form.username.data))
    if user is None or not user.check_password(form.password.data):
        audit.record("login_failed", username=form.username.data)
        db.session.commit()
        flash("Invalid user name or password.", "error")
        return render_template("auth/login.html", form=form), 401

    login_user(user)
    audit.record("login", user)
    db.session.commit()
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record("logout")
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL in ?next= would be an open redirect.
    if target and target.startswith("/") and not urlsplit(target).netloc:
        if not target.startswith("//"):
            return target
    return url_for("runs.index")
