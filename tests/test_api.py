"""The JSON API with bearer tokens, role checks and real runs."""

import pytest
from sqlalchemy import select

from app.auth.models import ApiToken
from app.extensions import db
from app.runs.models import Run
from tests.support.fixtures import wait_for_run


@pytest.fixture
def bearer(make_user):
    def issue(role: str) -> dict[str, str]:
        user = make_user(f"api-{role}", role)
        token, plaintext = ApiToken.issue(user, "test")
        db.session.add(token)
        db.session.commit()
        return {"Authorization": f"Bearer {plaintext}"}

    return issue


def test_api_run_executes_and_reports(
    client, bearer, make_target, make_job, winrm_host, worker
):
    headers = bearer("operator")
    target = make_target(winrm_host)
    job = make_job(
        ['Write-Output "size=$size"; exit 3'],
        parameters=[{"name": "size", "type": "integer", "default": "7"}],
    )

    created = client.post(
        f"/api/v1/jobs/{job.id}/run",
        json={"targets": [target.name], "parameters": {"size": 12}},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    run_id = created.json["id"]
    assert created.json["url"].endswith(f"/runs/{run_id}")
    wait_for_run(run_id)

    run = client.get(f"/api/v1/runs/{run_id}", headers=headers).json
    steps = client.get(f"/api/v1/runs/{run_id}/steps", headers=headers).json
    assert run["status"] == "failed"
    assert run["parameters"] == {"size": "12"}
    assert run["contexts"][0]["commands_executed"] == 1
    assert steps["steps"][0]["stdout"] == "size=12\r\n"
    assert steps["steps"][0]["exit_code"] == 3
    assert steps["steps"][0]["exit_code_hex"] == "0x00000003"


def test_api_viewer_cannot_start_run(client, bearer, make_target, make_job):
    headers = bearer("viewer")
    target = make_target()
    job = make_job(["Write-Output 'x'"])

    response = client.post(
        f"/api/v1/jobs/{job.id}/run", json={"targets": [target.id]}, headers=headers
    )

    assert response.status_code == 403
    assert "operator" in response.json["error"]
    assert db.session.scalar(select(Run)) is None


def test_api_viewer_can_list_runs(client, bearer):
    response = client.get("/api/v1/runs", headers=bearer("viewer"))

    assert response.status_code == 200
    assert response.json["runs"] == []


def test_api_without_token_is_401(client):
    response = client.get("/api/v1/runs")

    assert response.status_code == 401
    assert response.json["error"] == "authentication required"


def test_api_wrong_token_is_401(client, app_context):
    response = client.get(
        "/api/v1/runs", headers={"Authorization": "Bearer opsc_forged"}
    )

    assert response.status_code == 401


def test_api_rejects_invalid_request(client, bearer, make_target, make_job):
    headers = bearer("operator")
    make_target()
    job = make_job(
        ["Write-Output $n"],
        parameters=[{"name": "n", "type": "integer", "required": True}],
    )

    response = client.post(
        f"/api/v1/jobs/{job.id}/run",
        json={"targets": ["no-such-host"], "parameters": {"n": "ten", "x": 1}},
        headers=headers,
    )

    assert response.status_code == 422
    assert "no-such-host" in response.json["fields"]["targets"]


def test_api_parameter_errors_listed(client, bearer, make_target, make_job):
    headers = bearer("operator")
    target = make_target()
    job = make_job(
        ["Write-Output $n"],
        parameters=[{"name": "n", "type": "integer", "required": True}],
    )

    response = client.post(
        f"/api/v1/jobs/{job.id}/run",
        json={"targets": [target.id], "parameters": {"n": "ten", "x": 1}},
        headers=headers,
    )

    assert response.status_code == 422
    assert "whole number" in response.json["fields"]["n"]
    assert "unknown parameter" in response.json["fields"]["x"]


def test_api_session_needs_csrf_header(client, login, make_target, make_job):
    login("operator")
    target = make_target()
    job = make_job(["Write-Output 'x'"])

    response = client.post(f"/api/v1/jobs/{job.id}/run", json={"targets": [target.id]})

    assert response.status_code == 400
    assert "CSRF" in response.json["error"]


def test_api_unknown_run_is_404(client, bearer):
    response = client.get("/api/v1/runs/999", headers=bearer("viewer"))

    assert response.status_code == 404
    assert response.json["error"] == "not found"


def test_api_cancel_rerun_and_output(
    client, bearer, make_target, make_job, winrm_host, worker
):
    headers = bearer("operator")
    target = make_target(winrm_host)
    job = make_job(["Write-Output 'begin'; Start-Sleep -Seconds 600"])
    created = client.post(
        f"/api/v1/jobs/{job.id}/run", json={"targets": [target.id]}, headers=headers
    )
    run_id = created.json["id"]
    _wait_for_output(client, headers, run_id, "begin")

    cancelled = client.delete(f"/api/v1/runs/{run_id}", headers=headers)
    run = wait_for_run(run_id, timeout=10)
    again = client.delete(f"/api/v1/runs/{run_id}", headers=headers)
    rerun = client.post(f"/api/v1/runs/{run_id}/rerun", headers=headers)
    steps = client.get(f"/api/v1/runs/{run_id}/steps", headers=headers).json
    step_id = steps["steps"][0]["id"]
    output = client.get(
        f"/api/v1/runs/{run_id}/steps/{step_id}/output", headers=headers
    )
    events = client.get(f"/api/v1/runs/{run_id}/events", headers=headers).json

    assert cancelled.status_code == 202
    assert run.status == "cancelled"
    assert again.status_code == 409
    assert "already ended as cancelled" in again.json["error"]
    assert rerun.status_code == 201
    assert rerun.json["parent_run_id"] == run_id
    assert steps["steps"][0]["error_category"] == "cancelled"
    assert "cancelled the run" in steps["steps"][0]["guidance"]
    assert output.text == "begin\r\n"
    kinds = [e["kind"] for e in events["events"]]
    assert "cancel_requested" in kinds
    assert "cancel_confirmed" in kinds
    client.delete(f"/api/v1/runs/{rerun.json['id']}", headers=headers)


def _wait_for_output(client, headers, run_id: int, text: str) -> None:
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        steps = client.get(f"/api/v1/runs/{run_id}/steps", headers=headers).json
        if text in (steps["steps"][0]["stdout"] or ""):
            return
        time.sleep(0.1)
    pytest.fail(f"{text!r} never appeared in run {run_id}")


def test_api_viewer_cannot_cancel(client, bearer, make_target, make_job):
    headers = bearer("viewer")
    target = make_target()
    job = make_job(["Write-Output 'x'"])
    from app.runs.services import create_run

    run = create_run(job, [target], {}, "default", ApiToken.query.first().user)

    response = client.delete(f"/api/v1/runs/{run.id}", headers=headers)

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ([{"a": 1}], "targets[0] must be a target id or name, got dict"),
        ([True], "targets[0] must be a target id or name, got bool"),
        ([None], "got NoneType"),
        (["win01", "win01"], "target win01 is listed twice"),
        ([999], "targets[0]: no target 999"),
    ],
)
def test_api_rejects_bad_target_references(
    client, bearer, make_target, make_job, targets, message
):
    headers = bearer("operator")
    make_target()
    job = make_job(["Write-Output 'x'"])

    response = client.post(
        f"/api/v1/jobs/{job.id}/run", json={"targets": targets}, headers=headers
    )

    assert response.status_code == 422
    assert message in response.json["fields"]["targets"]


def test_api_runs_page_bounds(client, bearer):
    headers = bearer("viewer")

    huge = client.get("/api/v1/runs?page=99999999999999999999", headers=headers)
    bogus = client.get("/api/v1/runs?status=bogus", headers=headers)

    assert huge.status_code == 200
    assert huge.json["runs"] == []
    assert bogus.status_code == 400
    assert "unknown status 'bogus'" in bogus.json["error"]
