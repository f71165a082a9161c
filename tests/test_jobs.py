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
    data = {
        "csrf_token": csrf_token(client),
        "name": name,
        "description": "",
        "run_timeout_sec": "3600",
        "max_concurrent_runs": "",
    }
    for index, step in enumerate(steps):
        row = {
            "position": str(index + 1),
            "kind": "powershell",
            "timeout_sec": "60",
            "success_codes": "0",
            "stop_on_error": "y",
            "on_failure": "stop",
            **step,
        }
        data.update({f"steps-{index}-{key}": value for key, value in row.items()})
    for index, parameter in enumerate(parameters):
        row = {
            "position": str(index + 1),
            "type": "string",
            "pattern": "",
            "minimum": "",
            "maximum": "",
            **parameter,
        }
        data.update({f"parameters-{index}-{key}": value for key, value in row.items()})
    data.update(extra)
    return data


def post_job(client, url="/jobs/new", **kwargs):
    return client.post(url, data=job_form(client, **kwargs))


def input_tag(page: str, name: str) -> str:
    """Return the <input> or <select> element named ``name`` on ``page``."""
    match = re.search(
        rf'<(input|select)[^>]* name="{name}"[^>]*>.*?(</select>|$)', page, re.M
    )
    assert match, f"no field {name} on the page"
    return match.group(0)


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
        ([{"name": "PSObject"}], "is a member every PowerShell object has"),
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


def test_new_job_fields_saved(client, login):
    login("operator")
    data = job_form(
        client,
        steps=[
            {
                "name": "install",
                "script": "msiexec /i app.msi /qn",
                "success_codes": " 0,3010 ",
                "on_failure": "continue",
                "safe_to_retry": "y",
            },
            {"name": "clean", "script": "Remove-Item C:\\temp\\app", "always_run": "y"},
        ],
        parameters=[
            {
                "name": "site",
                "pattern": "[a-z]+",
                "minimum": "2",
                "maximum": "8",
                "default": "web",
            },
            {"name": "count", "type": "integer", "minimum": "-1", "maximum": "10"},
        ],
        run_timeout_sec="900",
        max_concurrent_runs="2",
        allow_parallel_on_target="y",
    )
    # A browser sends no field for an unchecked box.
    del data["steps-0-stop_on_error"]

    response = client.post("/jobs/new", data=data)

    assert response.status_code == 302
    job = db.session.scalar(select(Job))
    assert job.run_timeout_sec == 900
    assert job.max_concurrent_runs == 2
    assert job.allow_parallel_on_target is True
    install, clean = job.steps
    assert install.success_codes == "0,3010"
    assert install.stop_on_error is False
    assert install.on_failure == "continue"
    assert install.always_run is False
    assert install.safe_to_retry is True
    assert clean.success_codes == "0"
    assert clean.stop_on_error is True
    assert clean.on_failure == "stop"
    assert clean.always_run is True
    assert clean.safe_to_retry is False
    site, count = job.parameters
    assert (site.pattern, site.minimum, site.maximum) == ("[a-z]+", 2, 8)
    assert site.default == "web"
    assert (count.pattern, count.minimum, count.maximum) == (None, -1, 10)


def test_job_defaults_when_fields_empty(client, login):
    login("operator")

    response = post_job(client, parameters=[{"name": "site"}])

    assert response.status_code == 302
    job = db.session.scalar(select(Job))
    assert job.run_timeout_sec == 3600
    assert job.max_concurrent_runs is None
    assert job.allow_parallel_on_target is False
    assert job.steps[0].success_codes == "0"
    assert job.steps[0].stop_on_error is True
    parameter = job.parameters[0]
    assert (parameter.pattern, parameter.minimum, parameter.maximum) == (
        None,
        None,
        None,
    )


def test_new_form_shows_step_defaults(client, login):
    login("operator")

    page = client.get("/jobs/new").text

    assert 'value="3600"' in input_tag(page, "run_timeout_sec")
    assert 'value=""' in input_tag(page, "max_concurrent_runs")
    assert "checked" not in input_tag(page, "allow_parallel_on_target")
    assert 'value="0"' in input_tag(page, "steps-0-success_codes")
    assert "checked" in input_tag(page, "steps-0-stop_on_error")
    assert "checked" not in input_tag(page, "steps-0-always_run")
    assert "checked" not in input_tag(page, "steps-0-safe_to_retry")
    assert '<option selected value="stop">' in input_tag(page, "steps-0-on_failure")
    assert "clean-up step: runs even after a failure" in page
    assert "may run again if the connection breaks mid-command" in page
    assert "so an error record fails the step" in page


def test_show_page_lists_limits_and_policies(client, login, make_job):
    login("viewer")
    job = make_job(
        ["Write-Output 1", "Write-Output 2"],
        parameters=[
            {"name": "site", "type": "string", "pattern": "^w", "minimum": 2},
            {"name": "count", "type": "integer", "minimum": 1, "maximum": 9},
            {"name": "note", "type": "text", "maximum": 40},
        ],
    )
    job.run_timeout_sec = 900
    job.max_concurrent_runs = 3
    job.allow_parallel_on_target = True
    first, second = job.steps
    first.success_codes = "0,3010"
    first.stop_on_error = False
    first.on_failure = "continue"
    second.always_run = True
    second.safe_to_retry = True
    db.session.commit()

    page = client.get(f"/jobs/{job.id}").text

    assert "<dt>Run timeout</dt><dd>900 s per target</dd>" in page
    assert "<dt>Concurrent runs</dt><dd>at most 3 at once</dd>" in page
    assert "<dt>Parallel runs on a target</dt><dd>allowed</dd>" in page
    assert "success codes <code>0,3010</code>" in page
    assert "non-terminating errors do not stop the step" in page
    assert "on failure: continue with the next step" in page
    assert "<li>stop on error</li>" in page
    assert "on failure: skip the remaining steps" in page
    assert "<li>always runs</li>" in page
    assert "<li>safe to retry</li>" in page
    assert "<td><code>^w</code></td>" in page
    assert "<td>length at least 2</td>" in page
    assert "<td>1 to 9</td>" in page
    assert "<td>length at most 40</td>" in page


def test_show_page_without_job_limits(client, login, make_job):
    login("viewer")
    job = make_job(["Write-Output 1"])

    page = client.get(f"/jobs/{job.id}").text

    assert "<dt>Run timeout</dt><dd>3600 s per target</dd>" in page
    assert "<dt>Concurrent runs</dt><dd>no limit</dd>" in page
    assert "the target&#39;s concurrent runs limit applies" in page
    assert "<li>safe to retry</li>" not in page


def test_edit_form_shows_saved_options(client, login, make_job):
    login("operator")
    job = make_job(
        ["Write-Output 1"],
        parameters=[
            {"name": "site", "type": "string", "pattern": "^w", "minimum": 2},
        ],
    )
    job.max_concurrent_runs = 4
    step = job.steps[0]
    step.success_codes = "0..3"
    step.stop_on_error = False
    step.on_failure = "continue"
    step.safe_to_retry = True
    db.session.commit()

    page = client.get(f"/jobs/{job.id}/edit").text

    assert 'value="4"' in input_tag(page, "max_concurrent_runs")
    assert 'value="0..3"' in input_tag(page, "steps-0-success_codes")
    assert "checked" not in input_tag(page, "steps-0-stop_on_error")
    assert "checked" in input_tag(page, "steps-0-safe_to_retry")
    on_failure = input_tag(page, "steps-0-on_failure")
    assert '<option selected value="continue">' in on_failure
    assert 'value="^w"' in input_tag(page, "parameters-0-pattern")
    assert 'value="2"' in input_tag(page, "parameters-0-minimum")
    assert 'value=""' in input_tag(page, "parameters-0-maximum")


def test_edit_changes_and_clears_options(client, login, make_job):
    login("operator")
    job = make_job(
        ["Write-Output 1"],
        name="build",
        parameters=[
            {"name": "site", "type": "string", "pattern": "^w", "maximum": 9},
        ],
    )
    job.max_concurrent_runs = 4
    job.steps[0].always_run = True
    db.session.commit()
    step_id = job.steps[0].id

    data = job_form(
        client,
        name="build",
        steps=[
            {
                "step_id": str(step_id),
                "name": "one",
                "script": "1",
                "success_codes": "0,1",
            }
        ],
        parameters=[{"name": "site", "minimum": "1"}],
        run_timeout_sec="120",
    )
    response = client.post(f"/jobs/{job.id}/edit", data=data)

    assert response.status_code == 302
    db.session.expire_all()
    assert job.run_timeout_sec == 120
    assert job.max_concurrent_runs is None
    assert job.steps[0].id == step_id
    assert job.steps[0].success_codes == "0,1"
    assert job.steps[0].always_run is False
    site = job.parameters[0]
    assert (site.pattern, site.minimum, site.maximum) == (None, 1, None)


def test_success_codes_error_on_its_row(client, login):
    login("operator")

    response = post_job(
        client,
        steps=[
            {"name": "good", "script": "1"},
            {"name": "bad", "script": "2", "success_codes": "0,ok"},
        ],
    )

    assert response.status_code == 422
    second_row = response.text.split("<legend>Step 2</legend>")[1]
    assert re.search(
        r'name="steps-1-success_codes"[^>]*>\s*<small class="hint">[^<]*</small>'
        r'\s*<small class="error">Invalid success codes: &#39;ok&#39; is not an '
        r"exit code",
        second_row,
    )
    first_row = response.text.split("<legend>Step 2</legend>")[0]
    assert "Invalid success codes" not in first_row


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"success_codes": "ok"}, "Invalid success codes: &#39;ok&#39; is not an"),
        ({"success_codes": ""}, "Invalid success codes: give at least one exit"),
        ({"success_codes": " , "}, "Invalid success codes: give at least one exit"),
        ({"success_codes": "5..1"}, "range &#39;5..1&#39; runs backwards"),
        ({"success_codes": "4294967296"}, "outside the 32-bit range of exit codes"),
        ({"success_codes": "0," * 101}, "Enter at most 200 characters."),
        ({"on_failure": "retry"}, "Not a valid choice"),
        ({"timeout_sec": "2147483648"}, "Enter a timeout of at most 2147483647"),
    ],
)
def test_invalid_step_options_rejected(client, login, step, message):
    login("operator")

    response = post_job(client, steps=[{"name": "x", "script": "1", **step}])

    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(Job)) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"run_timeout_sec": "0"}, "run timeout as a whole number of seconds from 1"),
        ({"run_timeout_sec": ""}, "This field is required."),
        ({"run_timeout_sec": "2147483648"}, "seconds from 1 to 2147483647"),
        ({"max_concurrent_runs": "0"}, "Enter a whole number of 1 or more"),
        ({"max_concurrent_runs": "-2"}, "Enter a whole number of 1 or more"),
        ({"max_concurrent_runs": "two"}, "Not a valid integer value."),
    ],
)
def test_invalid_job_limits_rejected(client, login, fields, message):
    login("operator")

    response = post_job(client, **fields)

    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(Job)) is None


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        (
            {"pattern": "([a-z]+"},
            "Invalid regular expression: missing ), unterminated subpattern at "
            "position 0.",
        ),
        ({"pattern": "[z-a]"}, "Invalid regular expression: bad character range"),
        ({"pattern": "a" * 501}, "Enter a pattern of at most 500 characters."),
        (
            {"minimum": "5", "maximum": "3"},
            "The minimum (5) is above the maximum (3): lower the minimum or raise "
            "the maximum.",
        ),
        (
            {"type": "integer", "minimum": "10", "maximum": "-10"},
            "The minimum (10) is above the maximum (-10)",
        ),
        (
            {"type": "integer", "minimum": "1", "maximum": "5", "default": "7"},
            "Invalid default: p must be at most 5.",
        ),
        (
            {"type": "integer", "minimum": "3", "default": "2"},
            "Invalid default: p must be at least 3.",
        ),
        (
            {"minimum": "4", "default": "abc"},
            "Invalid default: p must be at least 4 characters.",
        ),
        (
            {"type": "text", "maximum": "2", "default": "abc"},
            "Invalid default: p must be at most 2 characters.",
        ),
        (
            {"pattern": "[a-z]+", "default": "abc1"},
            "Invalid default: p does not match the pattern [a-z]+.",
        ),
        (
            {"type": "boolean", "pattern": "true"},
            "not to type boolean: clear the pattern",
        ),
        (
            {"type": "integer", "pattern": "[0-9]+"},
            "not to type integer: clear the pattern",
        ),
        (
            {"type": "choice", "choices": "a\nb", "pattern": "a"},
            "not to type choice: clear the pattern",
        ),
        ({"type": "boolean", "minimum": "0"}, "not to type boolean: clear the minimum"),
        (
            {"type": "choice", "choices": "a\nb", "maximum": "1"},
            "not to type choice: clear the maximum",
        ),
        (
            {"maximum": "-1"},
            "The maximum of a string parameter is a length: enter 0 or more.",
        ),
        (
            {"type": "secret", "minimum": "-1"},
            "The minimum of a secret parameter is a length",
        ),
        ({"minimum": "two"}, "Not a valid integer value."),
        (
            {"type": "integer", "maximum": str(2**63)},
            "Enter a maximum between -9223372036854775807 and 9223372036854775807.",
        ),
    ],
)
def test_invalid_parameter_limits_rejected(client, login, parameter, message):
    login("operator")

    response = post_job(client, parameters=[{"name": "p", **parameter}])

    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(Job)) is None


def test_row_with_only_limits_needs_name(client, login):
    login("operator")

    response = post_job(client, parameters=[{"name": "", "minimum": "1"}])

    assert response.status_code == 422
    assert "Enter a parameter name." in response.text


def test_default_within_limits_accepted(client, login):
    login("operator")

    response = post_job(
        client,
        parameters=[
            {"name": "code", "pattern": "[A-Z]{3}", "minimum": "3", "default": "ABC"},
            {"name": "n", "type": "integer", "minimum": "0", "default": " 0 "},
        ],
    )

    assert response.status_code == 302
    code, count = db.session.scalar(select(Job)).parameters
    assert code.default == "ABC"
    assert count.default == "0"


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
