"""Failures WinRM users meet in the field, each through the real worker.

Every test starts a run with the product's own generated scripts, executed by
a `worker.py` process through pywinrm against winrm_sim.
"""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.runs.models import StepRecord
from app.runs.output import iter_output
from app.runs.services import start_run
from tests.support.fixtures import wait_for_run


@pytest.fixture
def operator(make_user):
    return make_user("fiona", "operator")


@pytest.fixture
def run_script(operator, make_target, make_job, winrm_host, worker):
    """Run PowerShell scripts as the steps of one job; return the finished run."""

    def run(
        *scripts,
        kind="powershell",
        target_fields=None,
        step_fields=None,
        parameters=None,
        values=None,
        timeout=60,
    ):
        target = make_target(winrm_host, **(target_fields or {}))
        job = make_job(list(scripts), kind=kind, parameters=parameters)
        for step in job.steps:
            for name, value in (step_fields or {}).items():
                setattr(step, name, value)
        db.session.commit()
        run = start_run(job, [target], values or {}, "default", operator)
        return wait_for_run(run.id, timeout=timeout)

    return run


def records_of(step) -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(StepRecord).filter_by(run_step_id=step.id).order_by(StepRecord.seq)
    )
    return [(r.stream, r.text) for r in rows]


def test_progress_only_stderr_succeeds(run_script):
    run = run_script(
        "$ProgressPreference = 'Continue'; "
        "Write-Progress -Activity 'Preparing modules for first use.' "
        "-Status ' ' -PercentComplete 50; Write-Output 'ok'"
    )

    step = run.steps[0]
    assert step.status == "succeeded"
    assert step.stdout == "ok\r\n"
    assert step.stderr == ""
    assert records_of(step) == [("progress", "Preparing modules for first use.")]


def test_warning_and_verbose_records_shown(run_script):
    run = run_script(
        "Write-Warning 'disk almost full'; Write-Verbose 'detail' -Verbose; "
        "Write-Output 'ok'"
    )

    step = run.steps[0]
    assert step.status == "succeeded_with_warnings"
    assert step.stdout == "ok\r\n"
    assert records_of(step) == [("warning", "disk almost full"), ("verbose", "detail")]


def test_codepage_437_progress_decoded(run_script):
    run = run_script(
        "$ProgressPreference = 'Continue'; "
        "Write-Progress -Activity 'Vorbereitung für die erste Verwendung'; "
        "Write-Output 'fertig'",
        target_fields={"codepage": 437},
    )

    step = run.steps[0]
    assert step.status == "succeeded"
    assert step.output_lossy is False
    assert run.contexts[0].codepage == 437
    assert records_of(step) == [("progress", "Vorbereitung für die erste Verwendung")]


def test_non_ascii_round_trip(run_script):
    run = run_script("Write-Output 'Grüße ✓'")

    assert run.steps[0].stdout == "Grüße ✓\r\n"
    assert run.contexts[0].codepage == 65001


def test_non_ascii_folder_listed_by_cmd(run_script):
    run = run_script(
        "New-Item -ItemType Directory -Path 'C:\\data\\数据' | Out-Null",
        "dir C:\\data",
        step_fields={},
    )

    steps = sorted(run.steps, key=lambda s: s.position)
    assert steps[1].status == "succeeded"
    assert "数据" in steps[1].stdout


def test_long_output_truncated_and_downloadable(run_script):
    run = run_script('1..200000 | ForEach-Object { "row $_ äöü" }', timeout=120)

    step = run.steps[0]
    full = "".join(iter_output(step.id, "stdout"))
    assert step.status == "succeeded"
    assert step.output_truncated is True
    assert "output truncated" in step.stdout
    assert len(step.stdout) < 1_100_000
    assert full.count("\r\n") == 200000
    assert full.endswith("row 200000 äöü\r\n")


def test_script_over_command_line_limit(run_script):
    script = "# " + "x" * 3100 + "\nWrite-Output 'end'"

    run = run_script(script)

    assert run.steps[0].status == "succeeded"
    assert run.steps[0].stdout == "end\r\n"


def test_error_record_fails_by_default(run_script):
    run = run_script(
        "Write-Output 'step1'; Get-Item C:\\does-not-exist; Write-Output 'step2'"
    )

    step = run.steps[0]
    assert step.status == "failed"
    assert step.exit_code == 1
    assert step.stdout == "step1\r\n"
    assert records_of(step)[0][0] == "error"
    assert "does-not-exist" in records_of(step)[0][1]


def test_error_record_accepted_when_opted_out(run_script):
    run = run_script(
        "Write-Output 'step1'; Get-Item C:\\does-not-exist; Write-Output 'step2'",
        step_fields={"stop_on_error": False},
    )

    step = run.steps[0]
    assert step.status == "succeeded_with_warnings"
    assert step.exit_code == 0
    assert step.stdout == "step1\r\nstep2\r\n"


def test_unknown_command_in_function_fails(run_script):
    run = run_script("function f { NoSuchCommand }; f; Write-Output 'after'")

    step = run.steps[0]
    assert step.status == "failed"
    assert "after" not in step.stdout
    assert "NoSuchCommand" in records_of(step)[0][1]


def test_windows_exit_code_shown_signed(run_script, client, login):
    run = run_script("[Environment]::Exit(-1073741819)")

    login("viewer")
    page = client.get(f"/runs/{run.id}")
    assert run.steps[0].exit_code == -1073741819
    assert "0xC0000005" in page.text


def test_memory_limit_is_resource_limit(run_script):
    run = run_script("$buffer = [byte[]]::new(2147483647); Write-Output 'never'")

    step = run.steps[0]
    assert step.status == "failed"
    assert step.error_category == "resource_limit"
    assert "never" not in step.stdout


def test_typed_parameters_bound_to_param_block(run_script):
    run = run_script(
        "param([string]$Name, [int]$Count, [bool]$Loud)\n"
        'foreach ($i in 1..$Count) { Write-Output "$Name $i $Loud" }',
        parameters=[
            {"name": "Name", "type": "string"},
            {"name": "Count", "type": "integer"},
            {"name": "Loud", "type": "boolean"},
        ],
        values={"Name": "a'b\"c`d $(x)", "Count": "2", "Loud": "true"},
    )

    assert run.steps[0].stdout == "a'b\"c`d $(x) 1 True\r\na'b\"c`d $(x) 2 True\r\n"


def test_multiline_value_stays_data(run_script):
    value = "line 1\nexit 9\n$(Write-Output injected)\n" + "z" * 10000
    run = run_script(
        "Write-Output $notes.Length",
        parameters=[{"name": "notes", "type": "text"}],
        values={"notes": value},
    )

    assert run.steps[0].status == "succeeded"
    assert run.steps[0].stdout == f"{len(value)}\r\n"


def test_invalid_bytes_decoded_lossily(run_script, client, login):
    run = run_script(
        "$out = [Console]::OpenStandardOutput(); "
        "$out.Write([byte[]]@(0x41, 0x82, 0x42, 0x0D, 0x0A), 0, 5); $out.Flush()"
    )

    step = run.steps[0]
    raw_chunks = [c.raw for c in step.chunks if c.raw]
    login("viewer")
    page = client.get(f"/runs/{run.id}")
    assert step.status == "succeeded"
    assert step.stdout == "A\ufffdB\r\n"
    assert step.output_lossy is True
    assert raw_chunks == [b"A\x82B\r\n"]
    assert "output decoded lossily" in page.text


def test_cancel_before_marker_file(operator, make_target, make_job, winrm_host, worker):
    from app.runs.models import Run
    from app.runs.services import cancel_run
    from tests.test_engine import wait_until

    target = make_target(winrm_host)
    job = make_job(
        [
            "Write-Output 'waiting'; Start-Sleep 600; "
            "New-Item -ItemType File -Path C:\\temp\\marker.txt"
        ]
    )
    run = start_run(job, [target], {}, "default", operator)
    wait_until(
        lambda: "waiting" in (db.session.get(Run, run.id).steps[0].stdout or ""),
        message="step running",
    )

    cancel_run(db.session.get(Run, run.id), operator)
    run = wait_for_run(run.id, timeout=10)

    assert run.status == "cancelled"
    assert not winrm_host.state.filesystem.exists("C:\\temp\\marker.txt")
    assert not winrm_host.state.shells
