"""Job pages: access, rows of steps and parameters, and their checks."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.jobs.models import Job
from app.runs.models import Run


def csrf_token(client, url: str = "/jobs/") -> str:
    page = client.get(url)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def job_form(client, name="deploy", steps=None, parameters=(), **extra) -> dict:
    """Return form data for a job, with one row per step and parameter dict."""
    if steps is None:
        steps = [{"name": "hello", "script": "Write-Output 'hello'"}]
    data = {"csrf_token": csrf_token(client), "name": name, "description": ""}
    for index, step in enumerate(steps):
        row = {
            "position": str(index + 1),
            "kind": "powershell",
            "timeout_sec": "60",
            **step,
        }
        data.update({f"steps-{index}-{key}": value for key, value in row.items()})
    for index, parameter in enumerate(parameters):
        row = {"position": str(index + 1), "type": "string", **parameter}
        data.update({f"parameters-{index}-{key}": value for key, value in row.items()})
    data.update(extra)
    return data


def post_job(client, url="/jobs/new", **kwargs):
    return client.post(url, data=job_form(client, **kwargs))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_list_and_show_render(client, login, make_job, role):
    login(role)
    job = make_job(["Write-Output 'hi'"], name="greet")

    listing = client.get("/jobs/")
    page = client.get(f"/jobs/{job.id}")

    assert listing.status_code == 200
    assert "greet" in listing.text
    assert page.status_code == 200
    assert '<pre class="output script">Write-Output &#39;hi&#39;</pre>' in page.text


def test_show_offers_run_to_operator(client, login, make_job):
    login("operator")
    job = make_job(["Write-Output 1"])

    page = client.get(f"/jobs/{job.id}")

    assert f'href="/jobs/{job.id}/run"' in page.text
    assert f'href="/jobs/{job.id}/edit"' in page.text


def test_show_hides_run_from_viewer(client, login, make_job):
    login("viewer")
    job = make_job(["Write-Output 1"])

    page = client.get(f"/jobs/{job.id}")

    assert f'href="/jobs/{job.id}/run"' not in page.text
    assert f'href="/jobs/{job.id}/edit"' not in page.text


def test_operator_form_pages_render(client, login, make_job):
    login("operator")
    job = make_job(["Write-Output 1"])

    assert client.get("/jobs/new").status_code == 200
    edit = client.get(f"/jobs/{job.id}/edit")
    assert edit.status_code == 200
    assert "Write-Output 1" in edit.text


def test_viewer_cannot_change_jobs(client, login, make_job):
    login("viewer")
    job = make_job(["Write-Output 1"])
    edit_url = f"/jobs/{job.id}/edit"

    assert client.get("/jobs/new").status_code == 403
    assert client.get(edit_url).status_code == 403
    assert post_job(client).status_code == 403
    assert post_job(client, edit_url, name="renamed").status_code == 403
    token = csrf_token(client)
    delete = client.post(f"/jobs/{job.id}/delete", data={"csrf_token": token})
    assert delete.status_code == 403
    db.session.expire_all()
    assert db.session.scalars(select(Job.name)).all() == ["job"]


def test_operator_creates_job(client, login):
    user = login("operator")

    response = post_job(
        client,
        steps=[
            {"name": "stop", "script": "Stop-Service $service", "timeout_sec": "30"},
            {"name": "start", "kind": "command", "script": "sc start %SVC%"},
        ],
        parameters=[
            {"name": "service", "label": "Service", "required": "y"},
            {
                "name": "mode",
                "type": "choice",
                "choices": "fast\r\n\r\n slow \r\n",
                "default": "slow",
            },
            {"name": "retries", "type": "integer", "default": " 3 "},
            {"name": "force", "type": "boolean", "default": "yes"},
        ],
    )

    assert response.status_code == 302
    job = db.session.scalar(select(Job).filter_by(name="deploy"))
    assert response.headers["Location"] == f"/jobs/{job.id}"
    assert [(s.position, s.name, s.kind) for s in job.steps] == [
        (1, "stop", "powershell"),
        (2, "start", "command"),
    ]
    assert job.steps[0].timeout_sec == 30
    assert job.created_by_id == user.id
    service, mode, retries, force = job.parameters
    assert (service.name, service.label, service.required) == (
        "service",
        "Service",
        True,
    )
    assert service.default is None
    assert mode.choices == ["fast", "slow"]
    assert mode.default == "slow"
    assert retries.default == "3"
    assert force.default == "true"
    assert retries.choices == []
    assert audit_actions()[-1] == "job_created"


def test_rows_follow_position_numbers(client, login):
    login("operator")

    post_job(
        client,
        steps=[
            {"name": "second", "script": "2", "position": "5"},
            {"name": "first", "script": "1", "position": "2"},
            {"name": "third", "script": "3", "position": ""},
        ],
        parameters=[{"name": "b", "position": "2"}, {"name": "a", "position": "1"}],
    )

    job = db.session.scalar(select(Job))
    assert [(s.position, s.name) for s in job.steps] == [
        (1, "first"),
        (2, "second"),
        (3, "third"),
    ]
    assert [p.name for p in job.parameters] == ["a", "b"]


def test_removed_and_empty_rows_dropped(client, login):
    login("operator")

    post_job(
        client,
        steps=[
            {"name": "keep", "script": "1"},
            {"name": "drop", "script": "2", "remove": "y"},
            {"name": "", "script": "  "},
        ],
        parameters=[{"name": "gone", "remove": "y"}, {"name": ""}],
    )

    job = db.session.scalar(select(Job))
    assert [s.name for s in job.steps] == ["keep"]
    assert job.parameters == []


def test_add_step_button_adds_row(client, login):
    login("operator")
    data = job_form(client, add_step="Add step")

    response = client.post("/jobs/new", data=data)

    assert response.status_code == 200
    assert 'name="steps-1-name"' in response.text
    assert 'name="steps-1-position" type="number" value="2"' in response.text
    assert "Write-Output &#39;hello&#39;" in response.text
    assert db.session.scalar(select(Job)) is None


def test_add_parameter_button_adds_row(client, login):
    login("operator")
    data = job_form(client, parameters=[{"name": "a"}], add_parameter="Add parameter")

    response = client.post("/jobs/new", data=data)

    assert response.status_code == 200
    assert 'name="parameters-1-name"' in response.text
    assert db.session.scalar(select(Job)) is None


def test_edit_updates_steps_in_place(client, login, make_job):
    login("operator")
    job = make_job(["Write-Output 1", "Write-Output 2"], name="build")
    first_id, second_id = (s.id for s in job.steps)

    data = job_form(
        client,
        name="build",
        steps=[
            {"step_id": str(second_id), "name": "two", "script": "2", "position": "1"},
            {"step_id": str(first_id), "name": "one", "script": "1", "remove": "y"},
            {"name": "three", "script": "3", "position": "2"},
        ],
        parameters=[{"name": "target_dir", "default": "C:\\build"}],
    )
    response = client.post(f"/jobs/{job.id}/edit", data=data)

    assert response.status_code == 302
    db.session.expire_all()
    assert [(s.id, s.position, s.name) for s in job.steps][0] == (second_id, 1, "two")
    assert [s.name for s in job.steps] == ["two", "three"]
    assert [p.default for p in job.parameters] == ["C:\\build"]
    assert audit_actions()[-1] == "job_updated"


def test_edit_refused_while_run_active(client, login, make_job):
    login("operator")
    job = make_job(["Write-Output 1"], name="build")
    db.session.add(Run(job=job, status="running"))
    db.session.commit()

    response = post_job(client, f"/jobs/{job.id}/edit", name="build")

    assert response.status_code == 422
    assert "has 1 active run(s)" in response.text
    db.session.expire_all()
    assert job.steps[0].script == "Write-Output 1"


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ([{"name": "Path"}, {"name": "path"}], "Parameter path is defined twice"),
        ([{"name": "1st"}], "&#39;1st&#39; is not a valid parameter name"),
        ([{"name": "with-dash"}], "is not a valid parameter name"),
        ([{"name": "host"}], "host is a PowerShell automatic variable"),
        ([{"name": "OpscValues"}], "reserved for the variables that run a step"),
        (
            [{"name": "mode", "type": "choice", "choices": "a\nb", "default": "c"}],
            "Invalid default: mode must be one of: a, b.",
        ),
        ([{"name": "mode", "type": "choice"}], "needs at least one choice"),
        (
            [{"name": "mode", "type": "choice", "choices": "a\na"}],
            "Each choice must appear only once.",
        ),
        ([{"name": "count", "type": "integer", "default": "x"}], "whole number"),
        (
            [{"name": "token", "type": "secret", "default": "x"}],
            "cannot have a default",
        ),
        ([{"label": "No name"}], "Enter a parameter name."),
    ],
)
def test_invalid_parameters_rejected(client, login, parameters, message):
    login("operator")

    response = post_job(client, parameters=parameters)

    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(Job)) is None


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "A job needs at least one step"),
        (
            [{"name": "", "script": "", "timeout_sec": ""}],
            "A job needs at least one step",
        ),
        (
            [{"name": "x", "script": "1", "remove": "y"}],
            "A job needs at least one step",
        ),
        ([{"name": "", "script": "Write-Output 1"}], "Enter a step name."),
        ([{"name": "x", "script": " "}], "Enter a script."),
        ([{"name": "x", "script": "1", "timeout_sec": "0"}], "seconds above 0"),
        ([{"name": "x", "script": "1", "kind": "bash"}], "Not a valid choice"),
    ],
)
def test_invalid_steps_rejected(client, login, steps, message):
    login("operator")

    response = post_job(client, steps=steps)

    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(Job)) is None


def test_duplicate_job_name_rejected(client, login, make_job):
    login("operator")
    make_job(["Write-Output 1"], name="deploy")

    response = post_job(client, name="deploy")

    assert response.status_code == 422
    assert "A job named deploy already exists" in response.text


def test_delete_job_without_runs(client, login, make_job):
    login("operator")
    job = make_job(["Write-Output 1"])
    job_id = job.id

    response = client.post(
        f"/jobs/{job_id}/delete", data={"csrf_token": csrf_token(client)}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job_id) is None
    assert audit_actions()[-1] == "job_deleted"


def test_delete_job_with_runs_refused(client, login, make_job):
    login("operator")
    job = make_job(["Write-Output 1"])
    db.session.add(Run(job=job, status="succeeded"))
    db.session.commit()

    response = client.post(
        f"/jobs/{job.id}/delete",
        data={"csrf_token": csrf_token(client)},
        follow_redirects=True,
    )

    assert "has 1 run(s) in its history" in response.text
    assert db.session.get(Job, job.id) is not None


def test_missing_csrf_rejected(client, login):
    login("operator")
    data = job_form(client)
    del data["csrf_token"]

    response = client.post("/jobs/new", data=data)

    assert response.status_code == 400
    assert db.session.scalar(select(Job)) is None
