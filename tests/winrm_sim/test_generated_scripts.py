"""The product's generated PowerShell wrappers, run through pywinrm on winrm_sim.

`app.execution.scripts.powershell_step` wraps every PowerShell step: values
travel as base64 JSON, long scripts go through stdin behind a bootstrap. These
tests check that values arrive unchanged and that exit codes and errors come
out as Windows gives them.
"""

from __future__ import annotations

import base64

import pytest

from app.execution.scripts import STDIN_BOOTSTRAP, powershell_step, powershell_wrapper
from winrm_sim.testing import encode_ps_command

HOSTILE_VALUES = {
    "single quotes": "it's 'quoted'",
    "double quotes": 'say "hi" ""twice""',
    "smart quotes": "\u2018left\u2019 \u201cright\u201d",
    "subexpression": "$(Get-Date) $(whoami) ${env:TEMP} $env:USERNAME",
    "backticks": "tab`t newline`n escape``",
    "semicolons": "a; exit 5; Write-Output pwned",
    "new lines": "line1\nline2\r\nline3\r",
    "non ascii": "Grüße ✓ 数据 \U0001f600",
    "long": "v" * 10_000,
    "braces": "} @OpscSplat; & { 'x' }",
    "empty": "",
}
PRINT_NAME = (
    "Write-Output ([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Name)))"
)


def run_step(protocol, step) -> tuple[bytes, bytes, int]:
    shell_id = protocol.open_shell(codepage=65001)
    try:
        command_id = protocol.run_command(shell_id, step.command, step.args)
        if step.stdin is not None:
            protocol.send_command_input(shell_id, command_id, step.stdin, end=True)
        result = protocol.get_command_output(shell_id, command_id)
        protocol.cleanup_command(shell_id, command_id)
    finally:
        protocol.close_shell(shell_id)
    return result


def encoded(value: str) -> bytes:
    return base64.b64encode(value.encode("utf-8")) + b"\r\n"


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize("declared", [True, False], ids=["param-block", "no-param"])
def test_hostile_value_arrives_unchanged(protocol, value, declared):
    script = PRINT_NAME
    if declared:
        script = "param([string]$Name, [int]$Count)\n" + script

    stdout, stderr, code = run_step(protocol, powershell_step(script, {"Name": value}))

    assert stdout == encoded(value)
    assert stderr == b""
    assert code == 0


@pytest.mark.parametrize("stop_on_error", [True, False])
def test_integer_and_boolean_values(protocol, stop_on_error):
    script = (
        "param([string]$Name, [int]$Count)\n"
        '"$($Count.GetType().Name) $($Count + 1)"\n'
        '"$($Flag.GetType().Name) $Flag"\n'
        '"$($Big.GetType().Name) $Big"'
    )
    values = {"Name": "x", "Count": 41, "Flag": True, "Big": 2**40}

    stdout, _, code = run_step(protocol, powershell_step(script, values, stop_on_error))

    assert stdout == b"Int32 42\r\nBoolean True\r\nInt64 1099511627776\r\n"
    assert code == 0


def test_string_parameter_receives_a_number(protocol):
    script = "param([string]$Name, [int]$Count)\n$Name.GetType().Name; $Name; $Count"

    stdout, _, _ = run_step(
        protocol, powershell_step(script, {"Name": 7, "Count": "8"})
    )

    assert stdout == b"String\r\n7\r\n8\r\n"


def test_count_that_is_not_a_number_fails_binding(protocol):
    script = "param([string]$Name, [int]$Count)\n'ran'"

    stdout, stderr, code = run_step(
        protocol, powershell_step(script, {"Count": "many"}, stop_on_error=False)
    )

    assert stdout == b""
    assert b"Cannot process argument transformation on parameter 'Count'" in stderr
    assert code == 1


@pytest.mark.parametrize("code", [0, 3, 255, -1])
def test_exit_inside_wrapper_ends_process(protocol, code):
    script = f"Write-Output 'before'\nexit {code}\nWrite-Output 'after'"

    stdout, _, exit_code = run_step(protocol, powershell_step(script, {"Name": "n"}))

    assert stdout == b"before\r\n"
    assert exit_code == code & 0xFFFFFFFF


def test_stop_on_error_makes_get_item_terminating(protocol):
    script = "Write-Output 'step1'\nGet-Item C:\\does-not-exist\nWrite-Output 'step2'"

    stdout, stderr, code = run_step(protocol, powershell_step(script, {}, True))

    assert stdout == b"step1\r\n"
    assert b"Cannot find path 'C:\\does-not-exist' because it does not exist." in stderr
    assert code == 1


def test_without_stop_on_error_the_script_goes_on(protocol):
    script = "Write-Output 'step1'\nGet-Item C:\\does-not-exist\nWrite-Output 'step2'"

    stdout, stderr, code = run_step(protocol, powershell_step(script, {}, False))

    assert stdout == b"step1\r\nstep2\r\n"
    assert b"PathNotFound" in stderr
    assert code == 0


def test_long_script_goes_through_stdin(protocol):
    script = (
        "param([string]$Name, [int]$Count)\n"
        + "# "
        + "p" * 20_000
        + "\n"
        + PRINT_NAME
        + "\n$Count\nexit 9"
    )
    value = HOSTILE_VALUES["non ascii"] + HOSTILE_VALUES["new lines"]
    step = powershell_step(script, {"Name": value, "Count": 12})

    stdout, stderr, code = run_step(protocol, step)

    assert step.stdin is not None
    assert len(" ".join([step.command, *step.args])) < 8191
    assert stdout == encoded(value) + b"12\r\n"
    assert stderr == b""
    assert code == 9


def test_long_script_error_through_stdin(protocol):
    script = "# " + "e" * 20_000 + "\nGet-Item C:\\does-not-exist\n'never'"

    stdout, stderr, code = run_step(protocol, powershell_step(script, {}, True))

    assert stdout == b""
    assert b"ItemNotFoundException" in stderr
    assert code == 1


def test_bootstrap_waits_for_end_of_stdin(protocol):
    wrapper = powershell_wrapper("'from stdin'", {})
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command(STDIN_BOOTSTRAP))
    payload = base64.b64encode(wrapper.encode("utf-8"))

    protocol.send_command_input(shell_id, command_id, payload[:100])
    protocol.send_command_input(shell_id, command_id, payload[100:], end=True)
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"from stdin\r\n"
    assert code == 0


def test_wrapper_with_cmdletbinding_script(protocol):
    script = (
        "[CmdletBinding()]\nparam([string]$Name, [int]$Count = 2)\n"
        "Write-Verbose 'hidden'\n1..$Count | ForEach-Object { \"$Name $_\" }"
    )

    stdout, stderr, code = run_step(protocol, powershell_step(script, {"Name": "n"}))

    assert stdout == b"n 1\r\nn 2\r\n"
    assert stderr == b""
    assert code == 0


def test_parameter_named_like_a_constant_breaks_wrapper(protocol):
    # The wrapper sets every value with Set-Variable, and $PID is a constant.
    stdout, stderr, code = run_step(protocol, powershell_step("'ran'", {"PID": 1}))

    assert stdout == b""
    assert (
        b"Cannot overwrite variable PID because it is read-only or constant." in stderr
    )
    assert code == 1
