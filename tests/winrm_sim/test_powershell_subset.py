"""The PowerShell evaluator run in-process, without HTTP."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest

from winrm_sim.environment import Environment
from winrm_sim.powershell import ScriptHost, run_script


@dataclass
class Result:
    stdout: str
    stderr: str
    code: int
    env: Environment = field(default_factory=Environment)


def run(script: str, stdin: list[str] | None = None, stop=None) -> Result:
    stdout: list[str] = []
    stderr: list[str] = []
    lines = list(stdin or [])
    env = Environment({"COMPUTERNAME": "WIN01", "APP": "blue"})
    host = ScriptHost(
        write_stdout=stdout.append,
        write_stderr=stderr.append,
        read_stdin_line=lambda: lines.pop(0) if lines else None,
        stop_event=stop or threading.Event(),
        env=env,
        hostname="WIN01",
        username="demo",
    )
    code = run_script(script, host)
    return Result("".join(stdout), "".join(stderr), code, env)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 / 4", "2.5"),
        ("10 / 5", "2"),
        ("7 % 3", "1"),
        ("-5 + 2", "-3"),
        ("'a' + 1", "a1"),
        ("1 + '2'", "3"),
        ("'ab' * 2", "abab"),
        ("$x = 4; $x += 1; $x", "5"),
        ('$n = 3; "n=$n"', "n=3"),
        ('"sum $(1 + 1) ${n}x"', "sum 2 x"),
        ("'it''s'", "it's"),
        ('"tab`there"', "tab\there"),
        ('"say ""hi"""', 'say "hi"'),
        ("$env:APP", "blue"),
        ("$env:COMPUTERNAME", "WIN01"),
        ("1 -eq 1", "True"),
        ("'ABC' -eq 'abc'", "True"),
        ("5 -gt '10'", "False"),
        ("2 -le 2 -and 3 -ne 4", "True"),
        ("-not $false", "True"),
        ("$null -eq $missing", "True"),
        ("1,2,3 -gt 1", "2\r\n3"),
        ("(1,2,3).Count", "3"),
        ("'hello'.Length", "5"),
        ("3..1", "3\r\n2\r\n1"),
        ("@(1)", "1"),
        ("Write-Output a b", "a\r\nb"),
        ("echo 1..3", "1..3"),
        ("hostname", "WIN01"),
        ("whoami", "win01\\demo"),
        ("# only a comment\n'after' <# block #>", "after"),
        ("Write-Output `\n  'continued'", "continued"),
    ],
)
def test_expression_output(script, expected):
    result = run(script)

    assert result.stdout == expected + "\r\n"
    assert result.stderr == ""
    assert result.code == 0


def test_if_elseif_else():
    script = """
    $v = 2
    if ($v -eq 1) { 'one' }
    elseif ($v -eq 2) { 'two' }
    else { 'other' }
    """

    assert run(script).stdout == "two\r\n"


def test_foreach_statement_and_pipeline():
    script = 'foreach ($i in 1..2) { "i$i" }; 1..2 | % { $_ * 2 }'

    assert run(script).stdout == "i1\r\ni2\r\n2\r\n4\r\n"


def test_foreach_object_begin_end():
    script = "1..3 | ForEach-Object -Begin { 'start' } -Process { $_ } -End { 'stop' }"

    assert run(script).stdout == "start\r\n1\r\n2\r\n3\r\nstop\r\n"


def test_env_assignment_changes_process_env():
    result = run("$env:NEW_VAR = 'v'; $env:APP = $null")

    assert result.env["NEW_VAR"] == "v"
    assert "APP" not in result.env


def test_write_error_continues():
    result = run("Write-Error 'bad'; 'after'")

    assert result.stdout == "after\r\n"
    assert result.stderr.startswith("#< CLIXML\r\n<Objs")
    assert "Write-Error 'bad' : bad_x000D__x000A_" in result.stderr
    assert result.stderr.endswith("</Objs>")
    assert result.code == 0


def test_write_error_silently_continue():
    result = run("Write-Error 'bad' -ErrorAction SilentlyContinue; 'ok'")

    assert result.stderr == ""
    assert result.code == 0


def test_exit_overrides_error_code():
    result = run("Write-Error 'bad'; exit 0")

    assert result.code == 0


def test_exit_code_value():
    assert run("exit 7").code == 7


def test_warning_and_verbose_streams():
    result = run(
        "Write-Warning 'w'; Write-Verbose 'hidden'; Write-Verbose 'v' -Verbose"
    )

    assert '<S S="warning">w</S>' in result.stderr
    assert '<S S="verbose">v</S>' in result.stderr
    assert "hidden" not in result.stderr
    assert result.code == 0


def test_unknown_command_record():
    result = run("Get-Nothing")

    assert "The term 'Get-Nothing' is not recognized as the name of a cmdlet" in (
        result.stderr
    )
    assert "At line:1 char:1_x000D__x000A_" in result.stderr
    assert "+ ~~~~~~~~~~~_x000D__x000A_" in result.stderr
    assert result.code == 1


def test_division_by_zero_record():
    result = run("'before'; 1 / 0; 'after'")

    assert result.stdout == "before\r\nafter\r\n"
    assert "Attempted to divide by zero." in result.stderr
    assert result.code == 0


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("class Point { }", "does not support the 'class' keyword"),
        ("workflow Run { }", "does not support the 'workflow' keyword"),
        ("enum Color { Red }", "does not support the 'enum' keyword"),
    ],
)
def test_unsupported_syntax_fails_clearly(script, message):
    result = run(script + "; 'not reached'")

    assert message in result.stderr
    assert "not reached" not in result.stdout
    assert result.code == 1


def test_parse_error_points_at_brace():
    result = run("if ($true) { 'a'")

    assert "Missing closing '}' in statement block" in result.stderr
    assert "At line:1 char:12_x000D__x000A_" in result.stderr
    assert result.code == 1


def test_unknown_parameter_record():
    result = run("Start-Sleep -Hours 1")

    assert "A parameter cannot be found that matches parameter name 'Hours'." in (
        result.stderr
    )
    assert "NamedParameterNotFound,Microsoft.PowerShell.Commands.StartSleepCommand" in (
        result.stderr
    )


def test_start_sleep_variants():
    started = time.monotonic()

    result = run("Start-Sleep -Milliseconds 50; Start-Sleep 0; sleep -s 0")

    assert result.code == 0
    assert time.monotonic() - started >= 0.05


def test_start_sleep_wakes_on_stop():
    stop = threading.Event()
    timer = threading.Timer(0.1, stop.set)
    timer.start()
    started = time.monotonic()

    result = run("Start-Sleep -Seconds 30; 'not reached'", stop=stop)

    assert time.monotonic() - started < 1
    assert result.stdout == ""
    assert result.code == 1


def test_input_reads_stdin_lines():
    result = run('$input | ForEach-Object { "[$_]" }', stdin=["a", "b"])

    assert result.stdout == "[a]\r\n[b]\r\n"


def test_get_date_default_and_format():
    result = run("Get-Date -Format 'yyyy'; (Get-Date).Year")

    year = time.strftime("%Y")
    assert result.stdout == f"{year}\r\n{year}\r\n"


def test_get_date_long_form_has_blank_lines():
    result = run("Get-Date")

    assert result.stdout.startswith("\r\n")
    assert result.stdout.endswith("M\r\n\r\n\r\n")


def test_error_view_wraps_long_lines():
    result = run("Write-Error ('x' * 300)")

    assert 'x _x000D__x000A_</S><S S="Error">   xxx' in result.stderr
