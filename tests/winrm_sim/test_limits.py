"""WinRM service limits and what a client sees when it reaches them."""

from __future__ import annotations

import time

import pytest
from pypsrp.exceptions import WinRMTransportError as PypsrpTransportError
from pypsrp.exceptions import WSManFaultError as PypsrpFaultError
from pypsrp.shell import Process, WinRS
from pypsrp.wsman import WSMan
from winrm.exceptions import (
    WinRMOperationTimeoutError,
    WinRMTransportError,
    WSManFaultError,
)

from winrm_sim import SimSettings
from winrm_sim.testing import encode_ps_command, make_protocol

pytestmark = pytest.mark.usefixtures("isolated_kerberos")

SHELL_QUOTA_CODE = 2150859173
OPERATION_QUOTA_CODE = 0x803381A6
UNKNOWN_SELECTOR_CODE = 2150858843
SHELL_QUOTA_REASON = (
    "The WS-Management service cannot process the request. The maximum number of "
    "concurrent shells for this user has been exceeded. Close existing shells or "
    "raise the quota for this user."
)


def ntlm_protocol(server, **options):
    return make_protocol(server, "ntlm", **options)


def pypsrp_wsman(server, **options) -> WSMan:
    user, password = server.credentials
    return WSMan(
        "127.0.0.1",
        port=server.port,
        username=user,
        password=password,
        ssl=False,
        auth="ntlm",
        no_proxy=True,
        **options,
    )


def test_oversized_command_gets_413(make_winrm_host):
    server = make_winrm_host()
    protocol = ntlm_protocol(server)
    shell_id = protocol.open_shell()

    with pytest.raises(WinRMTransportError) as caught:
        protocol.run_command(shell_id, "echo", ["x" * 600 * 1024])
    within_limit = protocol.run_command(shell_id, "echo", ["y" * 400 * 1024])
    _, stderr, code = protocol.get_command_output(shell_id, within_limit)
    protocol.close_shell(shell_id)

    assert caught.value.code == 413
    assert caught.value.response_text == ""
    assert stderr == b"The command line is too long.\r\n"
    assert code == 1
    assert server.state.counters["envelope_too_large"] == 1


def test_oversized_stdin_chunk_gets_413(make_winrm_host):
    server = make_winrm_host()
    protocol = ntlm_protocol(server)
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command("$input"))

    with pytest.raises(WinRMTransportError) as caught:
        protocol.send_command_input(shell_id, command_id, b"z" * 1024 * 1024, end=True)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert caught.value.code == 413


def test_pypsrp_sees_413(make_winrm_host):
    server = make_winrm_host(settings=SimSettings(max_envelope_size_kb=150))

    with pytest.raises(PypsrpTransportError) as caught:
        with pypsrp_wsman(server) as wsman, WinRS(wsman) as shell:
            Process(shell, "echo", ["x" * 200 * 1024]).invoke()

    assert caught.value.code == 413
    assert server.state.shells == {}


def test_sixth_shell_over_quota_of_five(make_winrm_host):
    server = make_winrm_host(settings=SimSettings(max_shells_per_user=5))
    protocol = ntlm_protocol(server)
    shells = [protocol.open_shell() for _ in range(5)]

    with pytest.raises(WSManFaultError) as caught:
        protocol.open_shell()
    protocol.close_shell(shells.pop(), close_session=False)
    replacement = protocol.open_shell()
    for shell_id in [*shells, replacement]:
        protocol.close_shell(shell_id, close_session=False)

    fault = caught.value
    assert fault.wsman_fault_code == SHELL_QUOTA_CODE
    assert fault.code == 500
    assert fault.fault_code == "s:Sender"
    assert fault.fault_subcode == "w:QuotaLimit"
    assert fault.reason == SHELL_QUOTA_REASON
    assert "maximum number of 5 concurrent shells" in fault.response
    assert server.state.counters["quota_faults"] == 1


def test_shell_quota_is_per_user(make_winrm_host):
    users = {"alice": "pw-a", "bob": "pw-b"}
    server = make_winrm_host(users=users, settings=SimSettings(max_shells_per_user=1))
    alice = ntlm_protocol(server, username="alice", password="pw-a")
    bob = ntlm_protocol(server, username="bob", password="pw-b")

    alice_shell = alice.open_shell()
    bob_shell = bob.open_shell()
    alice.close_shell(alice_shell)
    bob.close_shell(bob_shell)

    assert server.state.counters["quota_faults"] == 0


def test_pypsrp_sees_shell_quota(make_winrm_host):
    server = make_winrm_host(settings=SimSettings(max_shells_per_user=1))

    with pypsrp_wsman(server) as wsman, WinRS(wsman):
        with pytest.raises(PypsrpFaultError) as caught:
            WinRS(wsman).open()

    assert caught.value.code == SHELL_QUOTA_CODE
    assert caught.value.machine == "WIN01"
    assert "maximum number of 1 concurrent shells" in caught.value.reason


def test_operation_quota_survives_terminate(make_winrm_host):
    settings = SimSettings(max_concurrent_operations_per_user=3)
    server = make_winrm_host(settings=settings)
    protocol = ntlm_protocol(server)
    shell_id = protocol.open_shell()
    for _ in range(3):
        command_id = protocol.run_command(shell_id, "echo once")
        protocol.get_command_output(shell_id, command_id)
        protocol.cleanup_command(shell_id, command_id)

    with pytest.raises(WSManFaultError) as caught:
        protocol.run_command(shell_id, "echo fourth")
    protocol.close_shell(shell_id, close_session=False)
    fresh = protocol.open_shell()
    command_id = protocol.run_command(fresh, "echo fresh")
    stdout, _, _ = protocol.get_command_output(fresh, command_id)
    protocol.close_shell(fresh)

    fault = caught.value
    assert fault.wmierror_code == OPERATION_QUOTA_CODE
    assert fault.wsman_fault_code is None
    assert fault.fault_subcode == "w:InternalError"
    assert "maximum number of 3 concurrent operations" in fault.reason
    assert stdout == b"fresh\r\n"


def test_idle_shell_expires(make_winrm_host):
    server = make_winrm_host(settings=SimSettings(idle_timeout_ms=300))
    protocol = ntlm_protocol(server)
    shell_id = protocol.open_shell()
    time.sleep(0.5)

    with pytest.raises(WSManFaultError) as caught:
        protocol.run_command(shell_id, "echo late")
    protocol.transport.close_session()

    assert caught.value.wsman_fault_code == UNKNOWN_SELECTOR_CODE
    assert f"ShellId {shell_id} failed" in caught.value.response
    assert server.state.counters["shells_expired"] == 1


def test_idle_sweep_stops_processes(make_winrm_host):
    server = make_winrm_host(settings=SimSettings(idle_timeout_ms=200))
    protocol = ntlm_protocol(server)
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command("Start-Sleep 30"))
    process = server.state.shells[shell_id].commands[command_id].process
    protocol.transport.close_session()

    process.join(timeout=3)

    assert server.state.shells == {}
    assert process.finished
    assert process.stop_reason == "shell expired"
    assert server.state.orphans == []


def test_requested_idle_timeout_is_echoed(make_winrm_host):
    server = make_winrm_host()

    with pypsrp_wsman(server) as wsman, WinRS(wsman, idle_time_out=90) as shell:
        echoed = shell.idle_time_out
        stored = server.state.shells[shell.id].idle_timeout_s

    assert echoed == "PT90.000S"
    assert stored == 90


def test_max_timeout_caps_operation_timeout(make_winrm_host):
    server = make_winrm_host(settings=SimSettings(max_timeout_ms=400))
    protocol = ntlm_protocol(server, operation_timeout_sec=20, read_timeout_sec=30)
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command("Start-Sleep 30"))
    started = time.monotonic()

    with pytest.raises(WinRMOperationTimeoutError):
        protocol.get_command_output_raw(shell_id, command_id)
    elapsed = time.monotonic() - started
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert 0.3 < elapsed < 2


def test_receive_timeouts_then_output(make_winrm_host):
    server = make_winrm_host()
    protocol = ntlm_protocol(server, operation_timeout_sec=1, read_timeout_sec=5)
    script = "Start-Sleep -Seconds 2; Write-Output 'done'"
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command(script))

    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)
    timeouts = [r for r in server.requests.recent() if r.fault_code == 2150858793]

    assert stdout == b"done\r\n"
    assert code == 0
    assert len(timeouts) >= 1
    assert {r.operation for r in timeouts} == {"Receive"}


def test_pypsrp_loops_over_receive_timeouts(make_winrm_host):
    server = make_winrm_host()
    script = "Start-Sleep -Seconds 2; Write-Output 'late'"

    with pypsrp_wsman(server, operation_timeout=1) as wsman, WinRS(wsman) as shell:
        process = Process(shell, encode_ps_command(script))
        process.invoke()

    assert process.stdout == b"late\r\n"
    assert process.rc == 0
    assert any(r.fault_code == 2150858793 for r in server.requests.recent())


def test_stdin_without_end_keeps_command_waiting(make_winrm_host):
    server = make_winrm_host()
    protocol = ntlm_protocol(server, operation_timeout_sec=1, read_timeout_sec=5)
    shell_id = protocol.open_shell()
    script = '$input | ForEach-Object { "read $_" }'
    command_id = protocol.run_command(shell_id, encode_ps_command(script))
    process = server.state.shells[shell_id].commands[command_id].process

    protocol.send_command_input(shell_id, command_id, "first\r\n", end=False)
    with pytest.raises(WinRMOperationTimeoutError):
        protocol.get_command_output_raw(shell_id, command_id)
    waiting = not process.finished and not process.stdin.closed
    protocol.send_command_input(shell_id, command_id, "", end=True)
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert waiting
    assert stdout == b"read first\r\n"
    assert code == 0


def test_large_output_fits_client_envelope(make_winrm_host):
    server = make_winrm_host()
    protocol = ntlm_protocol(server)
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command("'ab' * 300000"))

    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)
    receives = [r for r in server.requests.recent() if r.operation == "Receive"]

    assert stdout == b"ab" * 300000 + b"\r\n"
    assert code == 0
    assert len(receives) >= 4
    # Sealed replies add the multipart framing to the 153600-byte envelope.
    assert max(r.response_bytes for r in receives) <= 153600 + 400
