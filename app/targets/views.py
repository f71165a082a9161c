from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.decorators import admin_required, operator_required, viewer_required
from app.extensions import db
from app.targets.blueprint import bp
from app.targets.checks import security_warning
from app.targets.forms import TargetForm
from app.targets.models import Target
from app.targets.services import (
    TargetError,
    check_connection,
    create_target,
    delete_target,
    update_target,
)

RETURN_PAGES = ("show", "edit")


@bp.route("/")
@viewer_required
def index() -> ResponseReturnValue:
    query = select(Target).options(selectinload(Target.credential))
    query = query.order_by(Target.group, Target.name)
    targets = list(db.session.scalars(query))
    return render_template(
        "targets/index.html", targets=targets, security_warning=security_warning
    )


@bp.route("/<int:target_id>")
@viewer_required
def show(target_id: int) -> ResponseReturnValue:
    target = db.get_or_404(Target, target_id)
    warning = security_warning(target.transport, target.auth)
    return render_template("targets/show.html", target=target, warning=warning)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> ResponseReturnValue:
    form = TargetForm()
    if not form.validate_on_submit():
        return _render_form(form)

    try:
        target = create_target(form.target_fields())
    except TargetError as exc:
        form.name.errors.append(str(exc))
        return _render_form(form)

    flash(f"Target {target.name} created.", "success")
    return redirect(url_for("targets.show", target_id=target.id))


@bp.route("/<int:target_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(target_id: int) -> ResponseReturnValue:
    target = db.get_or_404(Target, target_id)
    form = TargetForm(target=target)
    if not form.validate_on_submit():
        return _render_form(form, target)

    try:
        update_target(target, form.target_fields())
    except TargetError as exc:
        form.name.errors.append(str(exc))
        return _render_form(form, target)

    flash(f"Target {target.name} saved.", "success")
    return redirect(url_for("targets.show", target_id=target.id))


@bp.post("/<int:target_id>/delete")
@admin_required
def delete(target_id: int) -> ResponseReturnValue:
    target = db.get_or_404(Target, target_id)

    try:
        delete_target(target)
    except TargetError as exc:
        flash(str(exc), "error")
        return redirect(url_for("targets.edit", target_id=target_id))

    flash(f"Target {target.name} deleted.", "success")
    return redirect(url_for("targets.index"))


@bp.post("/<int:target_id>/test")
@operator_required
def test_connection(target_id: int) -> ResponseReturnValue:
    target = db.get_or_404(Target, target_id)

    result = check_connection(target)

    if request.headers.get("HX-Request") == "true":
        return render_template(
            "targets/_connection_result.html", target=target, result=result
        )
    flash(result.message, "success" if result.ok else "error")
    page = request.form.get("return_to")
    endpoint = f"targets.{page if page in RETURN_PAGES else 'show'}"
    return redirect(url_for(endpoint, target_id=target.id))


def _render_form(form: TargetForm, target: Target | None = None) -> tuple[str, int]:
    status = 422 if form.is_submitted() else 200
    page = render_template("targets/form.html", form=form, target=target)
    return page, status
