"""The /_sim/ inspection endpoint: state, request log and faults over HTTP."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pytest
import requests
import winrm
from winrm.exceptions import WinRMTransportError

from winrm_sim.testing import (
    CLIENT_OPTIONS,
    InspectionClient,
    encode_ps_command,
    make_protocol,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def inspector(server) -> InspectionClient:
    return InspectionClient(server.url, server.inspection_token)


def test_token_required(winrm_host):
    with requests.Session() as client:
        client.trust_env = False
        root = winrm_host.url.replace("/wsman", "/_sim/state")
        missing = client.get(root)
        wrong = client.get(root, headers={"Authorization": "Bearer nope"})
        unknown = client.get(
            root.replace("state", "nothing"),
            headers={"Authorization": f"Bearer {winrm_host.inspection_token}"},
        )

    assert missing.status_code == 401
    assert missing.json() == {"error": "missing or wrong inspection token"}
    assert wrong.status_code == 401
    assert unknown.status_code == 404


def test_state_lists_shells_and_commands(winrm_host):
    protocol = make_protocol(winrm_host)
    shell_id = protocol.open_shell(env_vars={"A": "1"})
    command_id = protocol.run_command(shell_id, encode_ps_command("Start-Sleep 30"))

    state = inspector(winrm_host).state()
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    shell = state["shells"][0]
    assert shell["shell_id"] == shell_id
    assert shell["owner"] == "winrm-sim"
    assert shell["client_ip"] == "127.0.0.1"
    assert shell["idle_timeout_s"] == 7200
    assert shell["commands"][0]["command_id"] == command_id
    assert shell["commands"][0]["state"] == "running"
    assert state["counters"]["commands_started"] == 1
    assert state["settings"]["allow_unencrypted"] is True
    assert state["listening"] is True


def test_delete_without_terminate_leaves_orphan(winrm_host):
    protocol = make_protocol(winrm_host)
    shell_id = protocol.open_shell()
    left_running = protocol.run_command(shell_id, encode_ps_command("Start-Sleep 30"))
    protocol.close_shell(shell_id)
    clean_shell = protocol.open_shell()
    cleaned = protocol.run_command(clean_shell, encode_ps_command("Start-Sleep 30"))
    protocol.cleanup_command(clean_shell, cleaned)
    protocol.close_shell(clean_shell)

    orphans = inspector(winrm_host).state()["orphans"]

    assert [orphan["command_id"] for orphan in orphans] == [left_running]
    assert orphans[0]["shell_id"] == shell_id
    assert orphans[0]["state"] == "running"


def test_request_log(winrm_host):
    session = winrm.Session(
        winrm_host.url, auth=winrm_host.credentials, transport="basic", **CLIENT_OPTIONS
    )
    session.run_cmd("echo logged")

    records = inspector(winrm_host).requests(limit=5)

    assert [r["operation"] for r in records] == [
        "Create",
        "Command",
        "Receive",
        "Signal",
        "Delete",
    ]
    assert {r["status"] for r in records} == {200}
    assert {r["user"] for r in records} == {"winrm-sim"}
    assert {r["scheme"] for r in records} == {"Basic"}


def test_faults_staged_over_http(winrm_host):
    client = inspector(winrm_host)
    client.stage("Create", status=500, body=b"")
    client.change_faults(latency_s={"Delete": 0.2})
    staged = client.faults()
    protocol = make_protocol(winrm_host)

    with pytest.raises(WinRMTransportError) as caught:
        protocol.open_shell()
    cleared = client.clear_faults()

    assert staged["staged"][0]["operation"] == "Create"
    assert staged["latency_s"] == {"Delete": 0.2}
    assert caught.value.code == 500
    assert cleared == {
        "first_logon_delay_s": 0.0,
        "latency_s": {},
        "staged": [],
        "throughput_bytes_per_s": None,
    }


def test_invalid_fault_request_rejected(winrm_host):
    with pytest.raises(urllib.error.HTTPError) as caught:
        inspector(winrm_host).stage("Launch", status=500)

    assert caught.value.code == 400
    caught.value.close()


def test_refusal_over_http(winrm_host):
    inspector(winrm_host).change_faults(refuse_connections_s=0.4)
    time.sleep(0.1)
    session = winrm.Session(
        winrm_host.url, auth=winrm_host.credentials, transport="basic", **CLIENT_OPTIONS
    )

    with pytest.raises(requests.exceptions.ConnectionError):
        session.run_cmd("echo refused")
    time.sleep(0.5)
    assert session.run_cmd("echo back").std_out == b"back\r\n"


def test_inspection_over_https(make_winrm_host, sim_certificates):
    server = make_winrm_host(
        certfile=sim_certificates.host.cert, keyfile=sim_certificates.host.key
    )
    context = ssl.create_default_context(cafile=sim_certificates.ca.cert)

    state = InspectionClient(server.url, server.inspection_token, context).state()

    assert state["settings"]["https"] is True
    assert state["url"] == server.url


def test_faults_on_host_in_another_process():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "winrm_sim",
            "--port",
            "0",
            "--user",
            "alice:Secret1",
            "--allow-unencrypted",
            "--inspection-token",
            "tok-123",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        token_line = process.stdout.readline()
        InspectionClient(url, "tok-123").stage("Create", status=503)
        session = winrm.Session(
            url, auth=("alice", "Secret1"), transport="basic", **CLIENT_OPTIONS
        )
        with pytest.raises(WinRMTransportError) as caught:
            session.run_cmd("echo one")
        second = session.run_cmd("echo two")
        counters = InspectionClient(url, "tok-123").state()["counters"]
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()

    assert token_line == "winrm_sim inspection token: tok-123\n"
    assert caught.value.code == 503
    assert second.std_out == b"two\r\n"
    assert counters["shells_created"] == 1
