"""The main job through the web forms: credential, target, job, run, output."""

from sqlalchemy import select

from app.credentials.models import Credential
from app.extensions import db
from app.jobs.models import Job
from app.targets.models import Target
from tests.support.fixtures import csrf_token, wait_for_run
from tests.test_jobs import job_form
from tests.test_targets import target_form


def test_forms_to_finished_run(client, login, make_winrm_host, worker):
    sim = make_winrm_host()
    user, password = sim.credentials
    login("admin")

    credential_page = client.post(
        "/credentials/new",
        data={
            "name": "sim-login",
            "username": user,
            "password": password,
            "csrf_token": csrf_token(client, "/credentials/new"),
        },
    )
    credential = db.session.scalar(select(Credential).filter_by(name="sim-login"))
    target_page = client.post(
        "/targets/new",
        data=target_form(
            client,
            name="sim01",
            host="127.0.0.1",
            port=str(sim.port),
            transport="http",
            auth="ntlm",
            credential_id=str(credential.id),
        ),
    )
    job_page = client.post(
        "/jobs/new",
        data=job_form(
            client,
            name="greet",
            steps=[
                {"name": "greet", "script": 'Write-Output "hello $who"'},
                {"name": "count", "script": '1..3 | ForEach-Object { "n=$_" }'},
            ],
            parameters=[{"name": "who", "type": "string", "required": "y"}],
        ),
    )
    job = db.session.scalar(select(Job).filter_by(name="greet"))
    target = db.session.scalar(select(Target).filter_by(name="sim01"))
    run_page = client.post(
        f"/jobs/{job.id}/run",
        data={
            "csrf_token": csrf_token(client, f"/jobs/{job.id}/run"),
            "targets": [str(target.id)],
            "priority": "default",
            "param_who": "Grüße ✓",
        },
    )
    run_id = int(run_page.headers["Location"].rsplit("/", 1)[1])
    run = wait_for_run(run_id)
    page = client.get(f"/runs/{run_id}")

    assert credential_page.status_code == 302
    assert target_page.status_code == 302
    assert job_page.status_code == 302
    assert run.status == "succeeded"
    steps = sorted(run.steps, key=lambda s: s.position)
    assert [s.exit_code for s in steps] == [0, 0]
    assert steps[0].stdout == "hello Grüße ✓\r\n"
    assert steps[1].stdout == "n=1\r\nn=2\r\nn=3\r\n"
    assert "hello Grüße ✓" in page.text
    assert password not in page.text
