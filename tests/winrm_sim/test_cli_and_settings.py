"""The `python -m winrm_sim` entry point, latency settings and the fixture."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import winrm

from winrm_sim import LatencyProfile, SimServer
from winrm_sim.__main__ import parse_users
from winrm_sim.settings import latency_profile
from winrm_sim.testing import CLIENT_OPTIONS

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_command_line_server_serves_and_stops():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "winrm_sim",
            "--port",
            "0",
            "--user",
            "alice:Secret1",
            "--hostname",
            "BUILD07",
            "--allow-unencrypted",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.split()[-1]
        client = winrm.Session(
            url, auth=("alice", "Secret1"), transport="basic", **CLIENT_OPTIONS
        )
        response = client.run_cmd("hostname")
    finally:
        os.kill(process.pid, signal.SIGTERM)
        exit_code = process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()

    assert line.startswith("winrm_sim listening on http://127.0.0.1:")
    assert response.std_out == b"BUILD07\r\n"
    assert exit_code == 0


def test_parse_users_rejects_missing_password():
    with pytest.raises(ValueError, match="NAME:PASSWORD"):
        parse_users(["alice"])


def test_parse_users_keeps_colons_in_password():
    assert parse_users(["bob:a:b"]) == {"bob": "a:b"}


def test_realistic_profile_values():
    profile = latency_profile("realistic")

    assert profile == LatencyProfile(
        request_ms=5, shell_create_ms=50, powershell_start_ms=300, cmd_start_ms=20
    )


def test_unknown_profile_rejected():
    with pytest.raises(ValueError, match="realistic"):
        latency_profile("slow")


def test_latency_delays_powershell_start():
    latency = LatencyProfile(shell_create_ms=50, powershell_start_ms=200)
    with SimServer(
        users={"demo": "pw"}, latency=latency, allow_unencrypted=True
    ) as server:
        client = winrm.Session(
            server.url, auth=("demo", "pw"), transport="basic", **CLIENT_OPTIONS
        )
        started = time.monotonic()
        cmd_response = client.run_cmd("echo fast")
        cmd_elapsed = time.monotonic() - started
        started = time.monotonic()
        ps_response = client.run_ps("'slow'")
        ps_elapsed = time.monotonic() - started

    assert cmd_response.std_out == b"fast\r\n"
    assert 0.05 <= cmd_elapsed < 0.2
    assert ps_response.std_out == b"slow\r\n"
    assert ps_elapsed >= 0.25


def test_fixture_server_is_running(winrm_host):
    assert winrm_host.url.startswith("http://127.0.0.1:")
    assert winrm_host.port != 0
    assert winrm_host.state.shells == {}
