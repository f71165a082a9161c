"""Runs through the real RQ worker process, pywinrm and winrm_sim."""

import time

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.runs.models import OutputChunk, Run, RunStep
from tests.support.fixtures import csrf_token, wait_for_run


def start_run_from_form(client, job, target, **params) -> int:
    url = f"/jobs/{job.id}/run"
    data = {
        "csrf_token": csrf_token(client, url),
        "targets": [str(target.id)],
        "priority": "default",
    }
    data.update({f"param_{k}": v for k, v in params.items()})
    response = client.post(url, data=data)
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_run_form_executes_on_worker(
    client, login, make_target, make_job, winrm_host, worker
):
    login("operator")
    target = make_target(winrm_host)
    job = make_job(
        ['Write-Output "hello $name"', "Write-Output 'second'; exit 0"],
        parameters=[{"name": "name", "type": "string", "required": True}],
    )

    run_id = start_run_from_form(client, job, target, name="O'Brien; $(whoami)")
    run = wait_for_run(run_id)

    assert run.status == "succeeded"
    assert run.completed_steps == 2
    assert run.failed_steps == 0
    assert run.execution_time_ms is not None
    first, second = sorted(run.steps, key=lambda s: s.position)
    assert first.stdout == "hello O'Brien; $(whoami)\r\n"
    assert first.exit_code == 0
    assert second.stdout == "second\r\n"
    context = run.contexts[0]
    assert context.shell_id
    assert context.commands_executed == 2
    assert context.connection_closed_at is not None


def test_failed_step_stops_remaining_steps(
    client, login, make_target, make_job, winrm_host, worker
):
    login("operator")
    target = make_target(winrm_host)
    job = make_job(
        ["Write-Output 'one'", "Write-Error 'broken'", "Write-Output 'three'"]
    )

    run = wait_for_run(start_run_from_form(client, job, target))

    statuses = [s.status for s in sorted(run.steps, key=lambda s: s.position)]
    assert statuses == ["succeeded", "failed", "skipped"]
    assert run.status == "failed"
    broken = sorted(run.steps, key=lambda s: s.position)[1]
    assert broken.exit_code == 1
    assert "broken" in broken.stderr
    assert "CLIXML" not in broken.stderr


def test_first_line_stored_before_step_ends(
    client, login, make_target, make_job, winrm_host, worker
):
    login("operator")
    target = make_target(winrm_host)
    job = make_job(
        ["Write-Output 'first'; Start-Sleep -Seconds 3; Write-Output 'last'"]
    )

    run_id = start_run_from_form(client, job, target)
    seen_while_running = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and seen_while_running is None:
        db.session.expire_all()
        step = db.session.scalar(select(RunStep).filter_by(run_id=run_id))
        chunks = db.session.scalars(
            select(OutputChunk).filter_by(run_step_id=step.id)
        ).all()
        if step.status == "running" and any("first" in c.text for c in chunks):
            seen_while_running = "".join(c.text for c in chunks)
        elif step.status not in ("pending", "running"):
            break
        time.sleep(0.1)

    assert seen_while_running is not None, "first line never seen while running"
    assert "last" not in seen_while_running
    run = wait_for_run(run_id)
    assert run.steps[0].stdout == "first\r\nlast\r\n"


def test_wrong_password_fails_with_auth_error(
    client, login, make_target, make_job, winrm_host, worker
):
    login("operator")
    target = make_target(winrm_host, password="not-the-password")
    job = make_job(["Write-Output 'never'"])

    run = wait_for_run(start_run_from_form(client, job, target))

    assert run.status == "failed"
    assert run.contexts[0].error_category == "authentication"
    assert "rejected the user name or password" in run.error
    assert run.steps[0].status == "failed"
    assert run.steps[0].error_category == "authentication"
    assert "not-the-password" not in run.error


def test_viewer_cannot_start_run_from_page(client, login, make_target, make_job):
    login("viewer")
    target = make_target()
    job = make_job(["Write-Output 'x'"])

    page = client.get(f"/jobs/{job.id}/run")
    posted = client.post(
        f"/jobs/{job.id}/run",
        data={"targets": [str(target.id)], "csrf_token": csrf_token(client, "/runs")},
    )

    assert page.status_code == 403
    assert posted.status_code == 403
    assert db.session.scalar(select(Run)) is None


def test_run_page_polls_only_while_active(
    client, login, make_target, make_job, winrm_host, worker
):
    login("operator")
    target = make_target(winrm_host)
    job = make_job(["Start-Sleep -Seconds 2; Write-Output 'done'"])
    run_id = start_run_from_form(client, job, target)

    active = client.get(f"/runs/{run_id}/live", headers={"HX-Request": "true"})
    wait_for_run(run_id)
    finished = client.get(f"/runs/{run_id}/live", headers={"HX-Request": "true"})

    assert 'hx-trigger="every 1s"' in active.text
    assert "<html" not in active.text
    assert 'hx-trigger="every 1s"' not in finished.text
    assert "done" in finished.text


def test_run_start_is_audited(client, login, make_target, make_job):
    user = login("operator")
    target = make_target()
    job = make_job(["Write-Output 'x'"])

    run_id = start_run_from_form(client, job, target)

    event = db.session.scalar(select(AuditEvent).filter_by(action="run_started"))
    assert event.object_id == run_id
    assert event.user_id == user.id
    assert event.remote_addr == "127.0.0.1"


def test_history_lists_newest_first(client, login, make_target, make_job):
    login("operator")
    target = make_target()
    job = make_job(["Write-Output 'x'"])
    first = start_run_from_form(client, job, target)
    second = start_run_from_form(client, job, target)

    page = client.get("/runs")

    assert page.status_code == 200
    assert page.text.index(f"#{second}") < page.text.index(f"#{first}")


def test_invalid_parameter_rejected_on_form(client, login, make_target, make_job):
    login("operator")
    target = make_target()
    job = make_job(
        ["Write-Output $count"],
        parameters=[{"name": "count", "type": "integer", "required": True}],
    )
    url = f"/jobs/{job.id}/run"

    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "targets": [str(target.id)],
            "priority": "default",
            "param_count": "",
        },
    )

    assert response.status_code == 422
    assert "count is required" in response.text
    assert db.session.scalar(select(Run)) is None


def test_history_huge_page_number(client, login):
    login("viewer")

    response = client.get("/runs?page=99999999999999999999")

    assert response.status_code == 200


def test_bidi_controls_shown_visibly(app_context):
    from app.web.templating import show_bidi_controls

    assert show_bidi_controls("pw=\u202esecret") == "pw=<U+202E>secret"
    assert show_bidi_controls(None) == ""
