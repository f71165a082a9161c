"""The three ways the benchmark runs the same ten PowerShell scripts on one host.

- product: a run through start_run, the RQ queue and a `python worker.py` process.
- run_ps: `winrm.Session.run_ps` once per script, which opens a shell each time.
- floor: one pywinrm shell for every script, with the command line (and stdin,
  for a long script) that the product builds for a step.

Each function checks every script's output and raises BenchmarkError when it
is wrong, because timing a failed run would measure the failure.
"""

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import winrm
from flask import current_app
from rq.job import Job
from sqlalchemy import select, text
from winrm.protocol import Protocol

# Loads every model first: importing app.runs or app.execution on its own fails
# with a circular import between the feature packages.
import app.models  # noqa: F401
from app.execution.scripts import build_step_command
from app.extensions import db
from app.jobs.models import JobStep
from app.runs.models import ACTIVE_STATUSES, Run, RunStatus
from app.runs.services import start_run

STEP_COUNT = 10
PRODUCT_TIMEOUT_SECONDS = 120.0
POLL_INTERVAL_SECONDS = 0.01
CODEPAGE = 65001
FIRST_COMMAND = "first Command at host"
SEEN_FINISHED = "run seen finished"


def step_script(number: int) -> str:
    """Return the script of step ``number``: a line of text and a sum."""
    return f'$n = {number}\nWrite-Output "step $n"\nWrite-Output ($n * $n + 1)'


def expected_output(number: int) -> str:
    return f"step {number}\r\n{number * number + 1}\r\n"


SCRIPTS = [step_script(number) for number in range(1, STEP_COUNT + 1)]
EXPECTED = [expected_output(number) for number in range(1, STEP_COUNT + 1)]


class BenchmarkError(RuntimeError):
    """A variant produced wrong output or did not finish."""


@dataclass
class Sample:
    """One timed execution of the ten scripts.

    ``started`` is a time.monotonic() value, and ``marks`` are moments in ms
    after it. ``step_command_ms`` is the product's sum of per-command times.
    ``host_counters`` contains the host's operation counts, and
    ``write_transactions`` the product's database write transactions.
    """

    elapsed_ms: float
    started: float = field(repr=False)
    marks: dict[str, float] = field(default_factory=dict)
    step_command_ms: float | None = None
    host_counters: dict[str, int] = field(default_factory=dict)
    write_transactions: int | None = None


def check_output(variant: str, position: int, stdout: str, stderr: str) -> None:
    """Raise BenchmarkError unless step ``position`` wrote exactly what it should."""
    expected = EXPECTED[position - 1]
    if stdout != expected or stderr:
        raise BenchmarkError(
            f"{variant} step {position}: expected stdout {expected!r} and no "
            f"stderr, got stdout {stdout!r} and stderr {stderr[:300]!r}"
        )


EXPECTED_SHELLS = {"product": 1, "run_ps": STEP_COUNT, "floor": 1}


def check_host_activity(variant: str, counters: dict[str, int]) -> None:
    """Raise BenchmarkError unless the host saw the expected shells and commands."""
    shells = counters.get("shells_created", 0)
    commands = counters.get("commands_started", 0)
    if shells != EXPECTED_SHELLS[variant] or commands != STEP_COUNT:
        raise BenchmarkError(
            f"{variant}: the host saw {shells} shells and {commands} commands, "
            f"expected {EXPECTED_SHELLS[variant]} and {STEP_COUNT}"
        )


def run_session_ps(url: str, username: str, password: str) -> Sample:
    """Run each script with Session.run_ps, a new shell per script."""
    started = time.monotonic()
    session = winrm.Session(url, auth=(username, password), transport="basic")
    results = [session.run_ps(script) for script in SCRIPTS]
    sample = Sample(_ms_since(started), started)

    for position, result in enumerate(results, start=1):
        if result.status_code != 0:
            raise BenchmarkError(
                f"run_ps step {position}: exit code {result.status_code}"
            )
        check_output(
            "run_ps", position, result.std_out.decode(), result.std_err.decode()
        )
    return sample


def run_floor(url: str, username: str, password: str) -> Sample:
    """Run each script in one shell with the product's command line."""
    commands = [
        build_step_command(JobStep(kind="powershell", script=script), {})
        for script in SCRIPTS
    ]
    started = time.monotonic()
    protocol = Protocol(url, transport="basic", username=username, password=password)
    shell_id = protocol.open_shell(codepage=CODEPAGE)
    results = []
    for step in commands:
        command_id = protocol.run_command(shell_id, step.command, step.args)
        if step.stdin is not None:
            protocol.send_command_input(shell_id, command_id, step.stdin, end=True)
        results.append(protocol.get_command_output(shell_id, command_id))
        protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)
    sample = Sample(_ms_since(started), started)

    for position, (stdout, stderr, code) in enumerate(results, start=1):
        if code != 0:
            raise BenchmarkError(f"floor step {position}: exit code {code}")
        check_output("floor", position, stdout.decode("utf-8"), stderr.decode())
    return sample


def run_product(job, target, user) -> Sample:
    """Start a run as ``user`` and poll its row until it has finished.

    ``marks`` contains the moments when the worker took the run, opened the
    shell, finished the last step and finished the run, read from the
    timestamps the worker stored in the run's rows.
    """
    xid_before = _next_transaction_id()
    started = time.monotonic()
    started_wall = _utcnow()
    run_id = start_run(job, [target], {}, "default", user).id
    returned = _ms_since(started)
    _wait_until_finished(run_id, started)
    elapsed = _ms_since(started)
    marks = {"start_run returned": returned, SEEN_FINISHED: elapsed}
    sample = Sample(elapsed, started, marks)
    # Each call of txid_current() takes one transaction id itself.
    sample.write_transactions = _next_transaction_id() - xid_before - 1

    db.session.expire_all()
    run = db.session.get(Run, run_id)
    _check_run(run)
    sample.marks.update(_row_marks(run, started_wall))
    # The worker stores each duration truncated to whole ms.
    sample.step_command_ms = float(sum(s.execution_time_ms for s in run.steps))
    db.session.rollback()
    return sample


def _wait_until_finished(run_id: int, started: float) -> None:
    query = select(Run.status).where(Run.id == run_id)
    while True:
        # Under READ COMMITTED each SELECT reads the rows committed before it
        # began, so polling inside one transaction returns fresh statuses.
        status = db.session.execute(query).scalar_one()
        if status not in ACTIVE_STATUSES:
            return
        if time.monotonic() - started > PRODUCT_TIMEOUT_SECONDS:
            raise BenchmarkError(
                f"run {run_id} still {status} after {PRODUCT_TIMEOUT_SECONDS:.0f} s"
            )
        time.sleep(POLL_INTERVAL_SECONDS)


def _check_run(run: Run) -> None:
    if len(run.steps) != STEP_COUNT:
        raise BenchmarkError(f"run {run.id} has {len(run.steps)} steps")
    for step in run.steps:
        if step.status != RunStatus.SUCCEEDED or step.exit_code != 0:
            raise BenchmarkError(
                f"product step {step.position} ended {step.status} with exit "
                f"code {step.exit_code}: {step.error} (stderr {step.stderr[:300]!r})"
            )
        check_output("product", step.position, step.stdout, step.stderr)
    if run.status != RunStatus.SUCCEEDED:
        raise BenchmarkError(f"run {run.id} ended {run.status}: {run.error}")


def _row_marks(run: Run, started_wall: datetime) -> dict[str, float]:
    def offset(moment: datetime) -> float:
        return (moment - started_wall).total_seconds() * 1000

    redis = current_app.extensions["redis"]
    rq_job = Job.fetch(run.contexts[0].rq_job_id, connection=redis)
    context = run.contexts[0]
    return {
        "work horse started the job": offset(_naive_utc(rq_job.started_at)),
        "target admitted": offset(context.started_at),
        "run marked running": offset(run.started_at),
        "shell opened": offset(context.connection_established_at),
        "last step finished": offset(run.steps[-1].finished_at),
        "run finished": offset(run.finished_at),
    }


def _next_transaction_id() -> int:
    """Take a new transaction id, counting every write transaction on the server.

    NOTE: on a PostgreSQL server that other programs write to, their
    transactions are counted too.
    """
    xid = db.session.execute(text("SELECT txid_current()")).scalar_one()
    db.session.commit()
    return xid


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _utcnow() -> datetime:
    # The same naive UTC clock the worker uses for its timestamps.
    return datetime.now(UTC).replace(tzinfo=None)


def _ms_since(started: float) -> float:
    return (time.monotonic() - started) * 1000
