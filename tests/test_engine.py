"""Step policies, deadlines, cancel, secrets and recovery, through the real worker."""

import os
import time

import pytest
from redis import Redis
from sqlalchemy import select

from app.extensions import db
from app.runs.models import Run, RunEvent, StepRecord
from app.runs.services import start_run
from tests.support.fixtures import wait_for_run


@pytest.fixture
def operator(make_user):
    return make_user("olga", "operator")


def run_job(job, targets, operator, values=None, priority="default") -> int:
    return start_run(job, targets, values or {}, priority, operator).id


def sorted_steps(run: Run):
    return sorted(run.steps, key=lambda s: s.position)


def event_kinds(run_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(RunEvent.kind).filter_by(run_id=run_id).order_by(RunEvent.id)
        )
    )


def wait_until(condition, timeout: float = 20.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"{message} not reached within {timeout} s")


def test_cancel_stops_remote_command(
    client, operator, make_target, make_job, winrm_host, worker
):
    target = make_target(winrm_host)
    job = make_job(
        ["Write-Output 'started'; Start-Sleep -Seconds 600; Write-Output 'marker'"]
    )
    run_id = run_job(job, [target], operator)
    wait_until(
        lambda: "started" in (db.session.get(Run, run_id).steps[0].stdout or ""),
        message="first output",
    )

    from app.runs.services import cancel_run

    requested = time.monotonic()
    cancel_run(db.session.get(Run, run_id), operator)
    run = wait_for_run(run_id, timeout=10)
    elapsed = time.monotonic() - requested

    assert run.status == "cancelled"
    assert elapsed < 4, f"cancel took {elapsed:.1f} s"
    step = run.steps[0]
    assert step.status == "cancelled"
    assert step.exit_code is None
    assert "marker" not in step.stdout
    kinds = event_kinds(run_id)
    assert "cancel_requested" in kinds
    assert "cancel_confirmed" in kinds
    assert not winrm_host.state.shells


def test_cancel_queued_run_before_start(client, operator, make_target, make_job):
    target = make_target()
    job = make_job(["Write-Output 'never'"])
    run_id = run_job(job, [target], operator)

    from app.runs.services import cancel_run

    run = cancel_run(db.session.get(Run, run_id), operator)

    assert run.status == "cancelled"
    assert run.steps[0].status == "skipped"
    assert "cancel_confirmed" in event_kinds(run_id)


def test_step_timeout_keeps_partial_output(
    operator, make_target, make_job, winrm_host, worker
):
    target = make_target(winrm_host)
    job = make_job(
        ["Write-Output 'partial'; Start-Sleep -Seconds 86400", "Write-Output 'next'"],
        timeout_sec=2,
    )

    run = wait_for_run(run_job(job, [target], operator), timeout=20)

    first, second = sorted_steps(run)
    assert run.status == "timed_out"
    assert first.status == "timed_out"
    assert first.exit_code is None
    assert first.stdout == "partial\r\n"
    assert "2 s limit" in first.error
    assert first.error_category == "timeout"
    assert second.status == "skipped"
    assert not winrm_host.state.shells


def test_run_deadline_stops_later_step(
    operator, make_target, make_job, winrm_host, worker
):
    target = make_target(winrm_host)
    job = make_job(["Start-Sleep -Seconds 1", "Start-Sleep -Seconds 30"])
    job.run_timeout_sec = 3
    db.session.commit()

    run = wait_for_run(run_job(job, [target], operator), timeout=20)

    first, second = sorted_steps(run)
    assert first.status == "succeeded"
    assert second.status == "timed_out"
    assert "run limit of 3 s" in second.error


def test_success_codes_and_exit_code_forms(
    operator, make_target, make_job, winrm_host, worker
):
    target = make_target(winrm_host)
    job = make_job(["exit 3010", "exit -1", "exit 4"])
    codes = ["0,3010", "-1", "0..3"]
    for step, spec in zip(job.steps, codes, strict=True):
        step.success_codes = spec
        step.on_failure = "continue"
    db.session.commit()

    run = wait_for_run(run_job(job, [target], operator))

    steps = sorted_steps(run)
    assert [s.status for s in steps] == ["succeeded", "succeeded", "failed"]
    assert [s.exit_code for s in steps] == [3010, -1, 4]
    assert run.status == "failed"
    assert "not a success code (0..3)" in steps[2].error


def test_continue_and_always_steps(operator, make_target, make_job, winrm_host, worker):
    target = make_target(winrm_host)
    job = make_job(
        [
            "exit 1",
            "Write-Output 'two'",
            "exit 2",
            "Write-Output 'four'",
            "Write-Output 'cleanup'",
        ]
    )
    steps = sorted(job.steps, key=lambda s: s.position)
    steps[0].on_failure = "continue"
    steps[4].always_run = True
    db.session.commit()

    run = wait_for_run(run_job(job, [target], operator))

    statuses = [s.status for s in sorted_steps(run)]
    assert statuses == ["failed", "succeeded", "failed", "skipped", "succeeded"]
    assert sorted_steps(run)[4].stdout == "cleanup\r\n"
    assert run.failed_steps == 2


def test_warning_gives_succeeded_with_warnings(
    operator, make_target, make_job, winrm_host, worker
):
    target = make_target(winrm_host)
    job = make_job(["Write-Warning 'disk almost full'; Write-Output 'ok'"])

    run = wait_for_run(run_job(job, [target], operator))

    step = run.steps[0]
    assert step.status == "succeeded_with_warnings"
    assert run.status == "succeeded"
    assert run.warning_steps == 1
    assert step.stdout == "ok\r\n"
    records = db.session.scalars(select(StepRecord).filter_by(run_step_id=step.id))
    assert [(r.stream, r.text) for r in records] == [("warning", "disk almost full")]


def test_secrets_masked_and_kept_out_of_redis(
    operator, make_target, make_job, winrm_host, worker
):
    secret = "s3cr3t-Value!"
    target = make_target(winrm_host)
    job = make_job(
        ['Write-Output "token=$token"; Write-Warning "warn $token"'],
        parameters=[{"name": "token", "type": "secret", "required": True}],
    )

    run_id = run_job(job, [target], operator, {"token": secret})
    redis_dump = _redis_contents(db.session.get(Run, run_id))
    run = wait_for_run(run_id)

    step = run.steps[0]
    assert step.stdout == "token=********\r\n"
    assert secret not in step.stderr
    assert all(secret not in c.text for c in step.chunks)
    assert run.parameters == {}
    assert secret.encode() not in run.secret_parameters
    assert secret.encode() not in redis_dump
    assert secret not in worker.log_text()
    assert winrm_host.credentials[1] not in worker.log_text()


def _redis_contents(run: Run) -> bytes:
    from flask import current_app

    redis: Redis = current_app.extensions["redis"]
    dump = b""
    for key in redis.keys("*"):
        kind = redis.type(key)
        if kind == b"hash":
            dump += b"".join(k + v for k, v in redis.hgetall(key).items())
        elif kind == b"list":
            dump += b"".join(redis.lrange(key, 0, -1))
        elif kind == b"string":
            dump += redis.get(key) or b""
    assert str(run.id).encode() in dump or dump == b""
    return dump


def test_hostile_parameter_values_stay_data(
    operator, make_target, make_job, winrm_host, worker
):
    hostile = "a'b\"c`d $(Write-Output pwned) ; exit 7 # äöü ✓ " + "x" * 2000
    target = make_target(winrm_host)
    job = make_job(
        ["Write-Output $value"],
        parameters=[{"name": "value", "type": "string"}],
    )

    run = wait_for_run(run_job(job, [target], operator, {"value": hostile}))

    step = run.steps[0]
    assert step.status == "succeeded"
    assert step.stdout == hostile + "\r\n"


def test_shell_reused_then_rotated(
    app, operator, make_target, make_job, winrm_host, worker
):
    target = make_target(winrm_host)
    job = make_job([f"Write-Output {n}" for n in range(5)])

    run = wait_for_run(run_job(job, [target], operator))

    context = run.contexts[0]
    assert run.status == "succeeded"
    assert context.shells_opened == 1
    assert context.commands_executed == 5
    assert winrm_host.state.counters["shells_created"] == 1
    assert not winrm_host.state.shells


def test_resume_skips_succeeded_steps(
    client, operator, make_target, make_job, winrm_host, worker
):
    from app.runs.services import resume

    target = make_target(winrm_host)
    job = make_job(["Write-Output 'one'", "exit 5", "Write-Output 'three'"])
    first = wait_for_run(run_job(job, [target], operator))

    second = wait_for_run(resume(first, operator).id)

    statuses = [s.status for s in sorted_steps(second)]
    assert statuses == ["skipped", "failed", "skipped"]
    assert sorted_steps(second)[0].error == f"succeeded in run {first.id}"
    assert second.parent_run_id == first.id
    assert second.origin == "resume"


def test_one_run_at_a_time_per_target(
    operator, make_target, make_job, winrm_host, worker, worker_pool
):
    worker_pool("second")
    target = make_target(winrm_host)
    job = make_job(["Start-Sleep -Seconds 2; Write-Output 'done'"])

    first_id = run_job(job, [target], operator)
    second_id = run_job(job, [target], operator)
    first = wait_for_run(first_id, timeout=30)
    second = wait_for_run(second_id, timeout=30)

    assert first.status == second.status == "succeeded"
    assert second.steps[0].started_at >= first.steps[0].finished_at
    assert "waiting" in event_kinds(second_id)


def test_killed_worker_run_ends_within_a_minute(
    operator, make_target, make_job, winrm_host, worker, worker_pool
):
    worker_pool("rescuer")
    target = make_target(winrm_host)
    job = make_job(["Write-Output 'begun'; Start-Sleep -Seconds 600"])
    run_id = run_job(job, [target], operator)
    wait_until(
        lambda: (
            db.session.get(Run, run_id).contexts[0].worker_name is not None
            and "begun" in (db.session.get(Run, run_id).steps[0].stdout or "")
        ),
        message="step running",
    )

    name = db.session.get(Run, run_id).contexts[0].worker_name
    victim = next(
        w
        for w in worker_pool.workers.values()
        if name.endswith(f":{w.pid}") or _is_horse_of(name, w.pid)
    )
    killed_at = time.monotonic()
    victim.kill()
    run = wait_for_run(run_id, timeout=60)

    assert time.monotonic() - killed_at < 60
    assert run.status == "failed"
    assert run.steps[0].status == "outcome_unknown"
    assert "heartbeats" in run.contexts[0].error
    assert "worker_lost" in event_kinds(run_id)


def _is_horse_of(worker_name: str, pid: int) -> bool:
    horse_pid = int(worker_name.rsplit(":", 1)[1])
    try:
        with open(f"/proc/{horse_pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1]) == pid
    except FileNotFoundError:
        return False


def test_redis_restart_loses_no_queued_run(
    settings_env, operator, make_target, make_job, winrm_host, tmp_path
):
    from app import create_app
    from app.config import load_settings
    from tests.support.fixtures import WorkerProcess, free_port
    from tests.support.redis_server import RedisServer

    target = make_target(winrm_host)
    job = make_job(["Write-Output 'survived'"])
    server = RedisServer(free_port(), tmp_path).start()
    env = {**settings_env, "REDIS_URL": server.url}
    other = create_app(load_settings(env))
    with other.app_context():
        other_job = db.session.get(type(job), job.id)
        other_target = db.session.get(type(target), target.id)
        other_user = db.session.get(type(operator), operator.id)
        run_id = start_run(other_job, [other_target], {}, "default", other_user).id
        db.session.remove()

    server.restart()
    rescuer = WorkerProcess({**os.environ, **env}, tmp_path / "worker.log", "rescuer")
    try:
        rescuer.ensure_running()
        run = wait_for_run(run_id, timeout=30)
    finally:
        rescuer.stop()
        server.stop()

    assert run.status == "succeeded"
    assert run.steps[0].stdout == "survived\r\n"
    assert "requeued" in event_kinds(run_id)


def test_high_priority_runs_before_low(
    operator, make_target, make_job, winrm_host, worker, worker_pool
):
    for name, process in worker_pool.workers.items():
        if name != "main":
            process.stop()
    busy, low_target, high_target = (
        make_target(winrm_host, name=n) for n in ("busy", "low", "high")
    )
    blocker = make_job(["Start-Sleep -Seconds 2"], name="blocker")
    quick = make_job(["Write-Output 'x'"], name="quick")

    run_job(blocker, [busy], operator)
    wait_until(
        lambda: (
            db.session.scalar(select(Run).filter_by(job_id=blocker.id)).status
            == "running"
        ),
        message="blocker running",
    )
    low = run_job(quick, [low_target], operator, priority="low")
    high = run_job(quick, [high_target], operator, priority="high")
    low_run, high_run = wait_for_run(low), wait_for_run(high)

    assert high_run.steps[0].started_at < low_run.steps[0].started_at


def test_reaper_promotes_long_waiting_low_run(app, operator, make_target, make_job):
    from datetime import timedelta

    from rq import Queue

    from app.clock import utcnow
    from app.execution.reaper import reap

    target = make_target()
    job = make_job(["Write-Output 'x'"])
    run = db.session.get(Run, run_job(job, [target], operator, priority="low"))
    run.queued_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    result = reap()

    db.session.expire_all()
    run = db.session.get(Run, run.id)
    redis = app.extensions["redis"]
    assert result["promoted"] == 1
    assert run.priority == "default"
    assert Queue("default", connection=redis).job_ids == [run.contexts[0].rq_job_id]
    assert Queue("low", connection=redis).job_ids == []
    assert "promoted" in event_kinds(run.id)


def test_run_submitted_while_redis_down_runs_later(
    settings_env, operator, make_target, make_job, winrm_host, tmp_path
):
    from app import create_app
    from app.config import load_settings
    from tests.support.fixtures import WorkerProcess, free_port
    from tests.support.redis_server import RedisServer

    target = make_target(winrm_host)
    job = make_job(["Write-Output 'late but done'"])
    port = free_port()
    env = {**settings_env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    other = create_app(load_settings(env))
    with other.app_context():
        run = start_run(
            db.session.get(type(job), job.id),
            [db.session.get(type(target), target.id)],
            {},
            "default",
            db.session.get(type(operator), operator.id),
        )
        run_id, status = run.id, run.status
        db.session.remove()

    assert status == "queued"
    assert "queue_unreachable" in event_kinds(run_id)
    server = RedisServer(port, tmp_path).start()
    rescuer = WorkerProcess({**os.environ, **env}, tmp_path / "worker.log", "late")
    try:
        rescuer.ensure_running()
        run = wait_for_run(run_id, timeout=30)
    finally:
        rescuer.stop()
        server.stop()

    assert run.status == "succeeded"
    assert run.steps[0].stdout == "late but done\r\n"


def test_one_run_at_a_time_per_job(
    operator, make_target, make_job, winrm_host, worker, worker_pool
):
    worker_pool("second")
    first_target = make_target(winrm_host, name="one")
    second_target = make_target(winrm_host, name="two")
    job = make_job(["Start-Sleep -Seconds 2; Write-Output 'done'"])
    job.max_concurrent_runs = 1
    db.session.commit()

    first_id = run_job(job, [first_target], operator)
    second_id = run_job(job, [second_target], operator)
    first = wait_for_run(first_id, timeout=30)
    second = wait_for_run(second_id, timeout=30)

    assert first.status == second.status == "succeeded"
    assert second.steps[0].started_at >= first.steps[0].finished_at
    waiting = db.session.scalars(
        select(RunEvent.message).filter_by(run_id=second_id, kind="waiting")
    ).all()
    assert any("already has 1 run(s) executing" in m for m in waiting)
