"""Many hosts in one process or one command, each with its own state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import winrm
from winrm.exceptions import InvalidCredentialsError

from winrm_sim import SimServer
from winrm_sim.fleet import SimFleet, host_addresses
from winrm_sim.kdc import free_port
from winrm_sim.testing import CLIENT_OPTIONS, InspectionClient

pytestmark = pytest.mark.usefixtures("isolated_kerberos")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
USERS = {"ops": "Ops-pw1"}


def run_hostname(url: str, transport: str = "ntlm") -> bytes:
    session = winrm.Session(
        url, auth=("ops", "Ops-pw1"), transport=transport, **CLIENT_OPTIONS
    )
    return session.run_cmd("hostname").std_out


def test_fleet_of_300_hosts_on_ports():
    with SimFleet(300, USERS) as fleet:
        sample = [fleet.hosts[index] for index in (0, 1, 150, 299)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            names = list(pool.map(run_hostname, [host.url for host in sample]))
        created = [host.state.counters["shells_created"] for host in fleet]
        ports = {host.port for host in fleet}

    assert names == [b"WIN001\r\n", b"WIN002\r\n", b"WIN151\r\n", b"WIN300\r\n"]
    assert sum(created) == 4
    assert created[150] == 1
    assert len(ports) == 300


def test_fleet_on_loopback_addresses():
    port = free_port()
    with SimFleet(
        20,
        USERS,
        base_address="127.0.0.1",
        base_port=port,
        layout="addresses",
        allow_unencrypted=True,
    ) as fleet:
        urls = fleet.urls
        last = run_hostname(urls[-1], transport="basic")

    assert urls[0] == f"http://127.0.0.1:{port}/wsman"
    assert urls[-1] == f"http://127.0.0.20:{port}/wsman"
    assert last == b"WIN020\r\n"


def test_faults_stay_on_their_host():
    with SimFleet(3, USERS) as fleet:
        fleet.hosts[1].faults.stage("Create", status=500)
        first = run_hostname(fleet.hosts[0].url)
        with pytest.raises(winrm.exceptions.WinRMTransportError):
            run_hostname(fleet.hosts[1].url)
        token = fleet.inspection_token
        states = [InspectionClient(host.url, token).state() for host in fleet]

    assert first == b"WIN001\r\n"
    assert [s["counters"].get("shells_created", 0) for s in states] == [1, 0, 0]


def test_same_user_different_passwords_per_host():
    with (
        SimServer(users={"ops": "first-pw"}) as one,
        SimServer(users={"ops": "second-pw"}, hostname="WIN02") as two,
    ):
        ok_one = winrm.Session(
            one.url, auth=("ops", "first-pw"), transport="ntlm", **CLIENT_OPTIONS
        ).run_cmd("hostname")
        ok_two = winrm.Session(
            two.url, auth=("ops", "second-pw"), transport="ntlm", **CLIENT_OPTIONS
        ).run_cmd("hostname")
        with pytest.raises(InvalidCredentialsError):
            winrm.Session(
                one.url, auth=("ops", "second-pw"), transport="ntlm", **CLIENT_OPTIONS
            ).run_cmd("hostname")

    assert ok_one.std_out == b"WIN01\r\n"
    assert ok_two.std_out == b"WIN02\r\n"


def test_addresses_must_stay_on_loopback():
    with pytest.raises(ValueError, match="not a loopback address"):
        host_addresses(3, "127.255.255.254", 5985, "addresses")
    with pytest.raises(ValueError, match="pass 65535"):
        host_addresses(10, "127.0.0.1", 65530, "ports")
    with pytest.raises(ValueError, match="base port other than 0"):
        SimFleet(2, USERS, layout="addresses")


def test_command_line_serves_many_hosts():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "winrm_sim",
            "--hosts",
            "3",
            "--base-address",
            "127.0.0.1",
            "--base-port",
            "0",
            "--user",
            "ops:Ops-pw1",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        urls = [process.stdout.readline().split()[-1] for _ in range(3)]
        token_line = process.stdout.readline()
        names = [run_hostname(url) for url in urls]
    finally:
        os.kill(process.pid, signal.SIGTERM)
        exit_code = process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()

    assert len(set(urls)) == 3
    assert names == [b"WIN001\r\n", b"WIN002\r\n", b"WIN003\r\n"]
    assert token_line.startswith("winrm_sim inspection token: ")
    assert exit_code == 0
