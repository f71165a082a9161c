"""Faults staged per host: broken replies, refused connections, delays, caps."""

from __future__ import annotations

import time

import pytest
import requests
import winrm
from winrm.exceptions import WinRMTransportError

from winrm_sim.testing import CLIENT_OPTIONS, encode_ps_command, make_protocol

pytestmark = pytest.mark.usefixtures("isolated_kerberos")


def test_empty_500_on_create_then_recovery(make_winrm_host):
    server = make_winrm_host()
    server.faults.stage("Create", status=500, body=b"")
    protocol = make_protocol(server, "ntlm")

    with pytest.raises(WinRMTransportError) as caught:
        protocol.open_shell()
    shell_id = protocol.open_shell()
    protocol.close_shell(shell_id)

    assert caught.value.code == 500
    assert caught.value.response_text == ""
    assert server.state.counters["shells_created"] == 1
    assert [r.injected for r in server.requests.recent() if r.operation][0] == "respond"


def test_empty_503_for_any_operation_twice(winrm_host):
    winrm_host.faults.stage("*", status=503, times=2)
    protocol = make_protocol(winrm_host)

    codes = []
    for _ in range(2):
        with pytest.raises(WinRMTransportError) as caught:
            protocol.open_shell()
        codes.append(caught.value.code)
    shell_id = protocol.open_shell()
    protocol.close_shell(shell_id)

    assert codes == [503, 503]
    assert winrm_host.faults.staged == []


def test_html_page_instead_of_soap(winrm_host):
    winrm_host.faults.stage("Create", kind="html", status=502)
    winrm_host.faults.stage("Create", kind="html")
    protocol = make_protocol(winrm_host)

    with pytest.raises(WinRMTransportError) as bad_gateway:
        protocol.open_shell()
    with pytest.raises(Exception) as ok_status:  # noqa: B017 - any parse error
        protocol.open_shell()
    protocol.transport.close_session()

    assert bad_gateway.value.code == 502
    assert "Service Unavailable" in bad_gateway.value.response_text
    assert not isinstance(ok_status.value, WinRMTransportError)
    assert winrm_host.state.shells == {}


def test_reset_in_the_middle_of_command_reply(winrm_host):
    winrm_host.faults.stage("Command", kind="reset")
    protocol = make_protocol(winrm_host)
    shell_id = protocol.open_shell()

    # requests reports a reset inside the body as ChunkedEncodingError.
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="reset by peer"):
        protocol.run_command(shell_id, "echo started anyway")
    commands = winrm_host.state.shells[shell_id].commands
    protocol.close_shell(shell_id)

    # The command ran although the client never learned its CommandId.
    assert len(commands) == 1
    assert winrm_host.state.counters["commands_started"] == 1


def test_receive_reply_dropped_after_output_taken(winrm_host):
    script = "Write-Output 'first'; Start-Sleep 1; Write-Output 'second'"
    protocol = make_protocol(winrm_host)
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command(script))
    process = winrm_host.state.shells[shell_id].commands[command_id].process
    winrm_host.faults.stage("Receive", kind="drop")

    with pytest.raises(requests.exceptions.ConnectionError):
        protocol.get_command_output_raw(shell_id, command_id)
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert bytes(process.history["stdout"]) == b"first\r\nsecond\r\n"
    assert stdout == b"second\r\n"
    assert code == 0


def test_refused_connections_until_accepted(winrm_host):
    session = winrm.Session(
        winrm_host.url, auth=winrm_host.credentials, transport="basic", **CLIENT_OPTIONS
    )
    assert session.run_cmd("echo before").std_out == b"before\r\n"

    winrm_host.refuse_connections()
    with pytest.raises(requests.exceptions.ConnectionError, match="refused"):
        session.run_cmd("echo during")
    winrm_host.accept_connections()

    assert session.run_cmd("echo after").std_out == b"after\r\n"
    assert winrm_host.listening


def test_refusal_ends_after_duration(winrm_host):
    winrm_host.refuse_connections(duration_s=0.3)
    refused = not winrm_host.listening
    time.sleep(0.6)
    session = winrm.Session(
        winrm_host.url, auth=winrm_host.credentials, transport="basic", **CLIENT_OPTIONS
    )

    assert refused
    assert session.run_cmd("echo back").std_out == b"back\r\n"


def test_latency_for_one_operation(winrm_host):
    winrm_host.faults.set_latency("create", 0.3)
    protocol = make_protocol(winrm_host)

    started = time.monotonic()
    shell_id = protocol.open_shell()
    create_s = time.monotonic() - started
    started = time.monotonic()
    command_id = protocol.run_command(shell_id, "echo quick")
    command_s = time.monotonic() - started
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert create_s >= 0.3
    assert command_s < 0.2


def test_slow_first_logon_only(make_winrm_host):
    server = make_winrm_host()
    server.faults.first_logon_delay_s = 0.4
    session = winrm.Session(
        server.url, auth=server.credentials, transport="ntlm", **CLIENT_OPTIONS
    )

    started = time.monotonic()
    session.run_cmd("echo one")
    first_s = time.monotonic() - started
    started = time.monotonic()
    session.run_cmd("echo two")
    second_s = time.monotonic() - started

    assert first_s >= 0.4
    assert second_s < 0.3


def test_throughput_cap_slows_replies(winrm_host):
    protocol = make_protocol(winrm_host)
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command("'q' * 9000"))
    time.sleep(0.2)
    winrm_host.faults.throughput_bytes_per_s = 20000

    started = time.monotonic()
    stdout, _, _ = protocol.get_command_output(shell_id, command_id)
    elapsed = time.monotonic() - started
    winrm_host.faults.throughput_bytes_per_s = None
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"q" * 9000 + b"\r\n"
    assert elapsed >= 0.5


def test_stage_rejects_unknown_names(winrm_host):
    with pytest.raises(ValueError, match="unknown operation"):
        winrm_host.faults.stage("Enumerate")
    with pytest.raises(ValueError, match="unknown fault kind"):
        winrm_host.faults.stage("Create", kind="explode")
