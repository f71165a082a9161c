"""Engine behaviour that needs control over the host: run in the test process.

These tests call the worker's TargetRunner directly, still through pywinrm
to winrm_sim, so a test can change the host between and during steps.
"""

import pytest

from app.execution.runner import TargetRunner
from app.extensions import db
from app.runs.models import RunStatus
from app.runs.services import create_run


@pytest.fixture
def operator(make_user):
    return make_user("ingrid", "operator")


def execute_now(job, target, operator, values=None):
    run = create_run(job, [target], values or {}, "default", operator)
    run.contexts[0].status = RunStatus.QUEUED.value
    db.session.commit()
    TargetRunner(run.id, target.id).execute()
    db.session.expire_all()
    return run


def test_shell_rotated_after_limit(app, operator, make_target, make_job, winrm_host):
    target = make_target(winrm_host)
    job = make_job([f"Write-Output {n}" for n in range(5)])
    app.config["SHELL_ROTATE_AFTER"] = 2
    try:
        run = execute_now(job, target, operator)
    finally:
        app.config["SHELL_ROTATE_AFTER"] = 100

    context = run.contexts[0]
    assert run.status == "succeeded", run.error
    assert context.shells_opened == 3
    assert context.commands_executed == 5
    assert winrm_host.state.counters["shells_created"] == 3
    assert not winrm_host.state.shells
    assert "shell_rotated" in [e.kind for e in run.events]
