"""JSON API: start runs and read them, with the same role checks as the pages."""

from flask import Response, jsonify, request, stream_with_context, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from wtforms import ValidationError

from app.api.blueprint import bp
from app.api.serializers import event_json, run_json, step_json
from app.auth.decorators import operator_required, viewer_required
from app.extensions import csrf, db
from app.jobs.models import Job
from app.runs.models import RUN_STATUSES, Run, RunStep, bounded_page
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

MAX_PER_PAGE = 100

csrf.exempt(bp)


@bp.before_request
def check_csrf_for_cookie_sessions():
    # Bearer-token clients send no cookies, so CSRF cannot reach them; a browser
    # session using the API must send the X-CSRFToken header like HTMX does.
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return None
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except (ValidationError, CSRFError) as exc:
        return jsonify(error=f"CSRF check failed: {exc}"), 400
    return None


@bp.errorhandler(404)
def not_found(exc):
    return jsonify(error="not found"), 404


@bp.post("/jobs/<int:job_id>/run")
@operator_required
def run_job(job_id: int):
    job = db.get_or_404(Job, job_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="send a JSON object with targets and parameters"), 400

    targets, errors = _resolve_targets(body.get("targets"))
    parameters = body.get("parameters") or {}
    if not isinstance(parameters, dict):
        errors["parameters"] = "parameters must be an object of name: value"
        parameters = {}
    if errors:
        return jsonify(error="invalid run request", fields=errors), 422

    try:
        run = start_run(
            job, targets, parameters, body.get("priority", "default"), current_user
        )
    except RunRequestError as exc:
        return jsonify(error="invalid run request", fields=exc.errors), 422

    url = url_for("runs.show", run_id=run.id, _external=True)
    api_url = url_for("api.get_run", run_id=run.id, _external=True)
    return jsonify(id=run.id, url=url, api_url=api_url, status=run.status), 201


def _resolve_targets(raw) -> tuple[list[Target], dict[str, str]]:
    if not isinstance(raw, list) or not raw:
        return [], {"targets": "targets must be a non-empty list of ids or names"}
    targets: list[Target] = []
    for index, ref in enumerate(raw):
        if type(ref) is int:
            target = db.session.get(Target, ref)
        elif isinstance(ref, str):
            target = db.session.scalar(select(Target).filter_by(name=ref))
        else:
            kind = type(ref).__name__
            message = f"targets[{index}] must be a target id or name, got {kind}"
            return [], {"targets": message}
        if target is None:
            return [], {"targets": f"targets[{index}]: no target {ref!r}"}
        if target in targets:
            return [], {"targets": f"target {target.name} is listed twice"}
        targets.append(target)
    return targets, {}


@bp.get("/runs")
@viewer_required
def list_runs():
    page = bounded_page(request.args.get("page", 1, type=int))
    per_page = request.args.get("per_page", 25, type=int)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    query = select(Run).order_by(Run.created_at.desc(), Run.id.desc())
    if status := request.args.get("status"):
        if status not in RUN_STATUSES:
            allowed = ", ".join(RUN_STATUSES)
            return jsonify(
                error=f"unknown status {status!r}; use one of {allowed}"
            ), 400
        query = query.filter_by(status=status)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify(
        runs=[run_json(r) for r in result.items],
        page=result.page,
        pages=result.pages,
        total=result.total,
    )


@bp.get("/runs/<int:run_id>")
@viewer_required
def get_run(run_id: int):
    return jsonify(run_json(db.get_or_404(Run, run_id), with_contexts=True))


@bp.get("/runs/<int:run_id>/steps")
@viewer_required
def get_run_steps(run_id: int):
    db.get_or_404(Run, run_id)
    steps = db.session.scalars(
        select(RunStep)
        .filter_by(run_id=run_id)
        .order_by(RunStep.target_id, RunStep.position)
    )
    return jsonify(steps=[step_json(s) for s in steps])


@bp.delete("/runs/<int:run_id>")
@operator_required
def cancel_run_api(run_id: int):
    run = db.get_or_404(Run, run_id)
    try:
        cancel_run(run, current_user)
    except RunStateError as exc:
        return jsonify(error=str(exc)), 409
    return jsonify(run_json(run, with_contexts=True)), 202


@bp.post("/runs/<int:run_id>/rerun")
@operator_required
def rerun_api(run_id: int):
    return _follow_up(run_id, rerun)


@bp.post("/runs/<int:run_id>/resume")
@operator_required
def resume_api(run_id: int):
    return _follow_up(run_id, resume)


def _follow_up(run_id: int, action):
    run = db.get_or_404(Run, run_id)
    try:
        new = action(run, current_user)
    except RunStateError as exc:
        return jsonify(error=str(exc)), 409
    url = url_for("runs.show", run_id=new.id, _external=True)
    return jsonify(id=new.id, url=url, status=new.status, parent_run_id=run.id), 201


@bp.get("/runs/<int:run_id>/events")
@viewer_required
def get_run_events(run_id: int):
    run = db.get_or_404(Run, run_id)
    return jsonify(events=[event_json(e) for e in run.events])


@bp.get("/runs/<int:run_id>/steps/<int:step_id>/output")
@viewer_required
def get_step_output(run_id: int, step_id: int):
    step = db.first_or_404(select(RunStep).filter_by(id=step_id, run_id=run_id))
    stream = request.args.get("stream")
    if stream not in (None, "stdout", "stderr"):
        return jsonify(error="stream must be stdout or stderr"), 400
    return Response(
        stream_with_context(iter_output(step.id, stream)),
        mimetype="text/plain; charset=utf-8",
    )
