"""Receive blocking and streaming, stdin, the Receive timeout and Signal."""

from __future__ import annotations

import time

import pytest
from winrm.exceptions import WinRMOperationTimeoutError, WSManFaultError

from winrm_sim.process import STOPPED_EXIT_CODE
from winrm_sim.testing import encode_ps_command, make_protocol, send_signal

UNKNOWN_SELECTOR_CODE = 2150858843


def start(protocol, command: str, **shell_options) -> tuple[str, str]:
    shell_id = protocol.open_shell(**shell_options)
    return shell_id, protocol.run_command(shell_id, command)


def test_output_streams_before_exit(protocol):
    script = "Write-Output 'first'; Start-Sleep -Seconds 1; Write-Output 'second'"
    shell_id, command_id = start(protocol, encode_ps_command(script))
    started = time.monotonic()

    stdout, stderr, code, done = protocol.get_command_output_raw(shell_id, command_id)
    first_elapsed = time.monotonic() - started
    rest, _, final_code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"first\r\n"
    assert stderr == b""
    assert code == -1
    assert done is False
    assert first_elapsed < 0.8
    assert rest == b"second\r\n"
    assert final_code == 0


def test_receive_times_out_without_output(winrm_host):
    protocol = make_protocol(winrm_host, operation_timeout_sec=1, read_timeout_sec=5)
    shell_id, command_id = start(protocol, encode_ps_command("Start-Sleep -Seconds 5"))
    started = time.monotonic()

    with pytest.raises(WinRMOperationTimeoutError):
        protocol.get_command_output_raw(shell_id, command_id)
    elapsed = time.monotonic() - started
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert 0.9 < elapsed < 3


def test_terminate_stops_sleep_quickly(protocol, winrm_host):
    shell_id, command_id = start(protocol, encode_ps_command("Start-Sleep -Seconds 30"))
    process = winrm_host.state.shells[shell_id].commands[command_id].process
    started = time.monotonic()

    protocol.cleanup_command(shell_id, command_id)
    process.join(timeout=5)
    elapsed = time.monotonic() - started

    assert process.finished
    assert elapsed < 1
    assert command_id not in winrm_host.state.shells[shell_id].commands
    with pytest.raises(WSManFaultError) as caught:
        protocol.get_command_output_raw(shell_id, command_id)
    assert caught.value.wsman_fault_code == UNKNOWN_SELECTOR_CODE
    protocol.close_shell(shell_id)


@pytest.mark.parametrize("code", ["ctrl_c", "CTRL_BREAK"])
def test_ctrl_c_reports_done(protocol, code):
    shell_id, command_id = start(protocol, encode_ps_command("Start-Sleep 30"))

    send_signal(protocol, shell_id, command_id, code)
    stdout, _, exit_code = protocol.get_command_output(shell_id, command_id)
    send_signal(protocol, shell_id, command_id, "Terminate")
    protocol.close_shell(shell_id)

    assert stdout == b""
    assert exit_code == STOPPED_EXIT_CODE


def test_send_input_reaches_script(protocol):
    script = '$input | ForEach-Object { "got $_" }'
    shell_id, command_id = start(protocol, encode_ps_command(script))

    protocol.send_command_input(shell_id, command_id, "alpha\r\n")
    protocol.send_command_input(shell_id, command_id, "beta\r\n", end=True)
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"got alpha\r\ngot beta\r\n"
    assert code == 0


def test_large_output_spans_receives(protocol, winrm_host):
    shell_id, command_id = start(protocol, encode_ps_command("'ab' * 200000"))

    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"ab" * 200000 + b"\r\n"
    assert code == 0
    assert winrm_host.state.counters["Receive"] >= 4


def test_delete_leaves_running_command_orphaned(protocol, winrm_host):
    shell_id, command_id = start(protocol, encode_ps_command("Start-Sleep 30"))
    process = winrm_host.state.shells[shell_id].commands[command_id].process

    protocol.close_shell(shell_id)

    assert winrm_host.state.shells == {}
    assert not process.finished
    assert [o.command.command_id for o in winrm_host.state.orphans] == [command_id]
    process.stop("test cleanup")
    process.join(timeout=5)
    assert process.finished
