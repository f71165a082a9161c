"""Transport, authentication, quota and fault cases, through the real worker."""

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.runs.models import RunEvent
from app.runs.services import start_run
from tests.support.fixtures import wait_for_run
from winrm_sim.faults import unknown_shell
from winrm_sim.settings import SimSettings
from winrm_sim.testing import make_protocol


@pytest.fixture
def operator(make_user):
    return make_user("tomas", "operator")


@pytest.fixture
def run_on(operator, make_target, make_job, worker):
    """Run scripts on a target for ``sim``; return the finished run."""

    def run(sim, *scripts, target_fields=None, step_fields=None, timeout=60):
        target = make_target(sim, **(target_fields or {}))
        job = make_job(list(scripts))
        for step in job.steps:
            for name, value in (step_fields or {}).items():
                setattr(step, name, value)
        db.session.commit()
        run = start_run(job, [target], {}, "default", operator)
        return wait_for_run(run.id, timeout=timeout)

    return run


def event_messages(run_id: int, kind: str) -> list[str]:
    return list(
        db.session.scalars(select(RunEvent.message).filter_by(run_id=run_id, kind=kind))
    )


def test_ntlm_with_message_encryption(run_on, make_winrm_host):
    sim = make_winrm_host()

    run = run_on(sim, "Write-Output 'sealed'", target_fields={"auth": "ntlm"})

    assert run.status == "succeeded"
    assert run.steps[0].stdout == "sealed\r\n"
    assert sim.state.counters["shells_created"] == 1


def test_basic_over_http_rejected_by_host(run_on, make_winrm_host):
    sim = make_winrm_host()

    run = run_on(sim, "Write-Output 'never'")

    assert run.status == "failed"
    assert run.contexts[0].error_category == "authentication"


def test_https_with_target_ca_bundle(run_on, make_winrm_host, sim_certificates):
    certs = sim_certificates
    sim = make_winrm_host(certfile=certs.host.cert, keyfile=certs.host.key)
    ca_pem = Path(certs.ca.cert).read_text()

    run = run_on(
        sim,
        "Write-Output 'over tls'",
        target_fields={"transport": "https", "ca_bundle": ca_pem, "host": "localhost"},
    )

    assert run.status == "succeeded"
    assert run.steps[0].stdout == "over tls\r\n"


def test_self_signed_certificate_is_tls_error(
    run_on, make_winrm_host, sim_certificates
):
    certs = sim_certificates
    sim = make_winrm_host(
        certfile=certs.self_signed.cert, keyfile=certs.self_signed.key
    )

    run = run_on(sim, "Write-Output 'never'", target_fields={"transport": "https"})

    assert run.status == "failed"
    assert run.contexts[0].error_category == "tls"
    assert "CA bundle" in run.contexts[0].error


def test_shell_quota_is_host_busy_and_retried(run_on, make_winrm_host):
    sim = make_winrm_host(
        allow_unencrypted=True, settings=SimSettings(max_shells_per_user=1)
    )
    hog = make_protocol(sim)
    hog_shell = hog.open_shell()

    def release_after_first_rejection() -> None:
        # The hog's shell is Create number 1; the worker's first try is 2.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if sim.state.counters.get("Create", 0) >= 2:
                hog.close_shell(hog_shell)
                return
            time.sleep(0.01)

    releaser = threading.Thread(target=release_after_first_rejection)
    releaser.start()
    run = run_on(sim, "Write-Output 'got a shell'")
    releaser.join()

    assert run.status == "succeeded"
    attempts = event_messages(run.id, "shell_attempt")
    assert attempts
    assert "host_busy" in attempts[0]


def test_envelope_limit_is_configuration_error(run_on, make_winrm_host):
    sim = make_winrm_host(
        allow_unencrypted=True, settings=SimSettings(max_envelope_size_kb=40)
    )
    script = "# " + "y" * 60000 + "\nWrite-Output 'never'"

    run = run_on(sim, script)

    step = run.steps[0]
    assert step.status == "failed"
    assert step.error_category == "configuration"
    assert "MaxEnvelopeSizekb" in step.error


def test_refused_connection_retried(run_on, winrm_host):
    winrm_host.refuse_connections(duration_s=0.3)

    run = run_on(winrm_host, "Write-Output 'back'")

    assert run.status == "succeeded"
    assert event_messages(run.id, "shell_attempt")


def test_empty_500_on_create_retried(run_on, make_winrm_host):
    sim = make_winrm_host()
    sim.faults.stage("Create", status=500, body=b"", times=2)

    run = run_on(sim, "Write-Output 'third time'", target_fields={"auth": "ntlm"})

    assert run.status == "succeeded"
    assert len(event_messages(run.id, "shell_attempt")) == 2


def test_reset_mid_command_is_outcome_unknown(run_on, winrm_host):
    winrm_host.faults.stage("Receive", kind="reset", times=1)

    run = run_on(winrm_host, "Write-Output 'maybe'", "Write-Output 'later'")

    steps = sorted(run.steps, key=lambda s: s.position)
    assert steps[0].status == "outcome_unknown"
    assert "may or may not have finished" in steps[0].error
    assert steps[1].status == "skipped"
    assert run.status == "failed"


def test_reset_retried_when_step_safe(run_on, winrm_host):
    winrm_host.faults.stage("Receive", kind="reset", times=1)

    run = run_on(
        winrm_host, "Write-Output 'again'", step_fields={"safe_to_retry": True}
    )

    step = run.steps[0]
    assert step.status == "succeeded"
    assert step.stdout.endswith("again\r\n")
    assert step.attempts == 1
    assert event_messages(run.id, "step_retry")


def test_expired_shell_gets_new_shell(run_on, winrm_host):
    fault = unknown_shell("00000000-0000-0000-0000-000000000000")
    winrm_host.faults.stage(
        "Command", status=500, body=fault.to_envelope(None, "WIN01"), times=1
    )

    run = run_on(winrm_host, "Write-Output 'fresh shell'")

    assert run.status == "succeeded"
    assert run.steps[0].stdout == "fresh shell\r\n"
    assert run.contexts[0].shells_opened == 2
    assert event_messages(run.id, "command_not_started")
