from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.decorators import operator_required, viewer_required
from app.extensions import db
from app.jobs import rows
from app.jobs.blueprint import bp
from app.jobs.forms import JobForm
from app.jobs.models import Job
from app.jobs.services import JobError, create_job, delete_job, update_job


@bp.route("/")
@viewer_required
def index() -> ResponseReturnValue:
    query = select(Job).options(selectinload(Job.steps), selectinload(Job.parameters))
    jobs = db.session.scalars(query.order_by(Job.name))
    return render_template("jobs/index.html", jobs=list(jobs))


@bp.route("/<int:job_id>")
@viewer_required
def show(job_id: int) -> ResponseReturnValue:
    job = db.get_or_404(Job, job_id)
    return render_template("jobs/show.html", job=job)


@bp.route("/new", methods=["GET", "POST"])
@operator_required
def new() -> ResponseReturnValue:
    form = JobForm()
    if form.add_requested_row() or not form.validate_on_submit():
        return _render_form(form)

    try:
        job = create_job(*_definition(form), user=current_user)
    except JobError as exc:
        form.name.errors.append(str(exc))
        return _render_form(form)

    flash(f"Job {job.name} created.", "success")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<int:job_id>/edit", methods=["GET", "POST"])
@operator_required
def edit(job_id: int) -> ResponseReturnValue:
    job = db.get_or_404(Job, job_id)
    form = JobForm(job=job)
    if form.add_requested_row() or not form.validate_on_submit():
        return _render_form(form, job)

    try:
        update_job(job, *_definition(form))
    except JobError as exc:
        form.form_errors.append(str(exc))
        return _render_form(form, job)

    flash(f"Job {job.name} saved.", "success")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/<int:job_id>/delete")
@operator_required
def delete(job_id: int) -> ResponseReturnValue:
    job = db.get_or_404(Job, job_id)

    try:
        delete_job(job)
    except JobError as exc:
        flash(str(exc), "error")
        return redirect(url_for("jobs.show", job_id=job_id))

    flash(f"Job {job.name} deleted.", "success")
    return redirect(url_for("jobs.index"))


def _definition(form: JobForm) -> tuple[dict, list[dict], list[dict]]:
    steps = [rows.step_values(row) for row in form.steps_to_save()]
    parameters = [rows.parameter_values(row) for row in form.parameters_to_save()]
    return form.job_fields(), steps, parameters


def _render_form(form: JobForm, job: Job | None = None) -> tuple[str, int]:
    status = 422 if form.is_submitted() and not form.row_added else 200
    return render_template("jobs/form.html", form=form, job=job), status
