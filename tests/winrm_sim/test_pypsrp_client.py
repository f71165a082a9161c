"""The pypsrp client's WinRS path (execute_cmd) against the simulator."""

from __future__ import annotations

from pypsrp.client import Client


def make_client(server) -> Client:
    user, password = server.credentials
    return Client(
        "127.0.0.1",
        port=server.port,
        username=user,
        password=password,
        ssl=False,
        auth="basic",
        encryption="never",
        no_proxy=True,
    )


def test_execute_cmd_output_and_exit(winrm_host):
    client = make_client(winrm_host)

    output = client.execute_cmd("echo hi & exit /b 3")

    assert output == ("hi \r\n", "", 3)
    assert winrm_host.state.counters["Signal"] == 1
    assert winrm_host.state.shells == {}


def test_execute_cmd_stderr(winrm_host):
    client = make_client(winrm_host)

    stdout, stderr, code = client.execute_cmd("nosuchtool")

    assert stdout == ""
    assert stderr.startswith("'nosuchtool' is not recognized")
    assert code == 1
