from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from app.auth.decorators import operator_required, viewer_required
from app.extensions import db
from app.jobs.models import Job
from app.runs.blueprint import bp
from app.runs.forms import build_run_form, parameter_fields, raw_parameter_values
from app.runs.models import Run, RunStep, bounded_page
from app.runs.output import iter_output
from app.runs.services import (
    RunRequestError,
    RunStateError,
    cancel_run,
    rerun,
    resume,
    start_run,
)
from app.targets.models import Target


@bp.route("/")
@viewer_required
def home():
    return redirect(url_for("runs.index"))


@bp.route("/runs")
@viewer_required
def index():
    page = db.paginate(
        select(Run).order_by(Run.created_at.desc(), Run.id.desc()),
        page=bounded_page(request.args.get("page", 1, type=int)),
        per_page=current_app.config["RUNS_PER_PAGE"],
        error_out=False,
    )
    return render_template("runs/index.html", page=page)


@bp.route("/runs/<int:run_id>")
@viewer_required
def show(run_id: int):
    run = db.get_or_404(Run, run_id)
    return render_template("runs/show.html", run=run)


@bp.route("/runs/<int:run_id>/live")
@viewer_required
def live(run_id: int):
    run = db.get_or_404(Run, run_id)
    return render_template("runs/_run.html", run=run)


@bp.route("/jobs/<int:job_id>/run", methods=["GET", "POST"])
@operator_required
def new(job_id: int):
    job = db.get_or_404(Job, job_id)
    targets = list(db.session.scalars(select(Target).order_by(Target.name)))
    form = build_run_form(
        job, targets, request.form if request.method == "POST" else None
    )
    if not form.validate_on_submit():
        return _render_form(job, form)

    chosen = [t for t in targets if t.id in (form.targets.data or [])]
    try:
        run = start_run(
            job,
            chosen,
            raw_parameter_values(form, job),
            form.priority.data,
            current_user,
        )
    except RunRequestError as exc:
        _attach_errors(form, exc.errors)
        return _render_form(job, form), 422

    return redirect(url_for("runs.show", run_id=run.id))


def _render_form(job, form):
    return render_template(
        "runs/new.html", job=job, form=form, parameters=parameter_fields(form, job)
    )


def _attach_errors(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = form._fields.get(name) or form._fields.get("param_" + name)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]


@bp.post("/runs/<int:run_id>/cancel")
@operator_required
def cancel(run_id: int):
    run = db.get_or_404(Run, run_id)
    try:
        cancel_run(run, current_user)
    except RunStateError as exc:
        flash(str(exc), "error")
    if request.headers.get("HX-Request"):
        return render_template("runs/_run.html", run=run)
    return redirect(url_for("runs.show", run_id=run.id))


@bp.post("/runs/<int:run_id>/rerun")
@operator_required
def rerun_view(run_id: int):
    return _follow_up(run_id, rerun)


@bp.post("/runs/<int:run_id>/resume")
@operator_required
def resume_view(run_id: int):
    return _follow_up(run_id, resume)


def _follow_up(run_id: int, action):
    run = db.get_or_404(Run, run_id)
    try:
        new = action(run, current_user)
    except RunStateError as exc:
        flash(str(exc), "error")
        return redirect(url_for("runs.show", run_id=run.id))
    return redirect(url_for("runs.show", run_id=new.id))


@bp.get("/runs/<int:run_id>/steps/<int:step_id>/output.txt")
@viewer_required
def download_output(run_id: int, step_id: int):
    step = db.first_or_404(select(RunStep).filter_by(id=step_id, run_id=run_id))
    filename = f"run-{run_id}-{step.target.name}-step-{step.position}.txt"
    return Response(
        stream_with_context(iter_output(step.id)),
        mimetype="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
