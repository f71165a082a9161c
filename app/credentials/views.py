from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from app.auth.decorators import admin_required, viewer_required
from app.credentials.blueprint import bp
from app.credentials.forms import CredentialForm, EditCredentialForm
from app.credentials.models import Credential
from app.credentials.services import (
    CredentialError,
    create_credential,
    delete_credential,
    targets_using,
    update_credential,
    usage_counts,
)
from app.extensions import db


@bp.route("/")
@viewer_required
def index() -> ResponseReturnValue:
    credentials = db.session.scalars(select(Credential).order_by(Credential.name))
    return render_template(
        "credentials/index.html", credentials=list(credentials), usage=usage_counts()
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> ResponseReturnValue:
    form = CredentialForm()
    if not form.validate_on_submit():
        return _render_form(form)

    try:
        credential = create_credential(
            form.name.data, form.username.data, form.password.data
        )
    except CredentialError as exc:
        form.name.errors.append(str(exc))
        return _render_form(form)

    flash(f"Credential {credential.name} created.", "success")
    return redirect(url_for("credentials.index"))


@bp.route("/<int:credential_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(credential_id: int) -> ResponseReturnValue:
    credential = db.get_or_404(Credential, credential_id)
    form = EditCredentialForm(credential=credential)
    if not form.validate_on_submit():
        return _render_form(form, credential)

    try:
        update_credential(
            credential, form.name.data, form.username.data, form.password.data
        )
    except CredentialError as exc:
        form.name.errors.append(str(exc))
        return _render_form(form, credential)

    flash(f"Credential {credential.name} saved.", "success")
    return redirect(url_for("credentials.index"))


@bp.post("/<int:credential_id>/delete")
@admin_required
def delete(credential_id: int) -> ResponseReturnValue:
    credential = db.get_or_404(Credential, credential_id)

    try:
        delete_credential(credential)
    except CredentialError as exc:
        flash(str(exc), "error")
        return redirect(url_for("credentials.edit", credential_id=credential_id))

    flash(f"Credential {credential.name} deleted.", "success")
    return redirect(url_for("credentials.index"))


def _render_form(
    form: CredentialForm, credential: Credential | None = None
) -> tuple[str, int]:
    status = 422 if form.is_submitted() else 200
    used_by = targets_using(credential) if credential else []
    page = render_template(
        "credentials/form.html", form=form, credential=credential, used_by=used_by
    )
    return page, status
