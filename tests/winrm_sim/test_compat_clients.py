"""pywinrm and pypsrp through every operation, per auth scheme and transport.

Over HTTP the NTLM and Kerberos targets use message encryption (the host
keeps AllowUnencrypted off); over HTTPS the TLS channel protects the bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import winrm
from pypsrp.client import Client
from pypsrp.shell import Process, SignalCode, WinRS
from pypsrp.wsman import WSMan
from winrm.protocol import Protocol

from winrm_sim import SimServer
from winrm_sim.pytest_plugin import KERBEROS_PASSWORD, KERBEROS_USER
from winrm_sim.testing import encode_ps_command

TARGETS = ["basic-https", "ntlm-http", "ntlm-https", "kerberos-http", "kerberos-https"]
PYPSRP_AUTHS = {
    "basic": ["basic"],
    "ntlm": ["negotiate", "ntlm"],
    "kerberos": ["kerberos", "negotiate"],
}
STDIN_SCRIPT = '$input | ForEach-Object { "got $_" }'


@dataclass
class Target:
    """A running host and how each client logs on to it."""

    server: SimServer
    scheme: str
    url: str
    username: str
    password: str
    ca_file: str | None

    def pywinrm_options(self) -> dict[str, object]:
        return {
            "username": self.username,
            "password": self.password,
            "transport": self.scheme,
            "proxy": None,
            "ca_trust_path": self.ca_file,
        }

    def wsman(self, auth: str) -> WSMan:
        parts = urlsplit(self.url)
        return WSMan(
            parts.hostname,
            port=parts.port,
            username=self.username,
            password=self.password,
            ssl=parts.scheme == "https",
            auth=auth,
            cert_validation=self.ca_file or False,
            no_proxy=True,
            operation_timeout=5,
            read_timeout=10,
        )


@pytest.fixture(params=TARGETS)
def target(request, make_winrm_host, sim_certificates, isolated_kerberos) -> Target:
    scheme, transport = request.param.split("-")
    tls = {}
    if transport == "https":
        tls = {
            "certfile": sim_certificates.host.cert,
            "keyfile": sim_certificates.host.key,
        }
    server = make_winrm_host(**tls)
    username, password = server.credentials
    if scheme == "kerberos":
        realm = request.getfixturevalue("kerberos_realm")
        username, password = realm.principal(KERBEROS_USER), KERBEROS_PASSWORD
    # Kerberos needs the host name of the service principal, HTTP/localhost.
    url = server.url.replace("127.0.0.1", "localhost")
    ca_file = sim_certificates.ca.cert if transport == "https" else None
    return Target(server, scheme, url, username, password, ca_file)


def test_pywinrm_run_cmd(target):
    session = winrm.Session(
        target.url, auth=(target.username, target.password), **_session_options(target)
    )

    response = session.run_cmd("echo", ["hello", "&", "exit", "/b", "4"])

    assert response.std_out == b"hello \r\n"
    assert response.std_err == b""
    assert response.status_code == 4


def test_pywinrm_run_ps(target):
    session = winrm.Session(
        target.url, auth=(target.username, target.password), **_session_options(target)
    )

    response = session.run_ps("Write-Output 'ps ok'; Write-Error 'bad thing'")

    assert response.std_out == b"ps ok\r\n"
    assert b"bad thing" in response.std_err
    assert response.status_code == 1


def test_pywinrm_protocol_operations(target):
    protocol = Protocol(
        target.url,
        operation_timeout_sec=5,
        read_timeout_sec=10,
        **target.pywinrm_options(),
    )
    shell_id = protocol.open_shell(
        working_directory="C:\\Temp",
        env_vars={"STAGE": "compat"},
        noprofile=True,
        codepage=65001,
    )

    command_id = protocol.run_command(shell_id, "echo %STAGE%& cd")
    stdout, stderr, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)

    command_id = protocol.run_command(shell_id, encode_ps_command(STDIN_SCRIPT))
    protocol.send_command_input(shell_id, command_id, "alpha\r\n")
    protocol.send_command_input(shell_id, command_id, "beta\r\n", end=True)
    piped, done = _receive_until_done(protocol, shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"compat\r\nC:\\Temp\r\n"
    assert stderr == b""
    assert code == 0
    assert piped == b"got alpha\r\ngot beta\r\n"
    assert done == 0
    assert target.server.state.shells == {}


def test_pypsrp_execute_cmd(target):
    for auth in PYPSRP_AUTHS[target.scheme]:
        parts = urlsplit(target.url)
        client = Client(
            parts.hostname,
            port=parts.port,
            username=target.username,
            password=target.password,
            ssl=parts.scheme == "https",
            auth=auth,
            cert_validation=target.ca_file or False,
            no_proxy=True,
        )

        stdout, stderr, code = client.execute_cmd(
            "echo %GREETING%", environment={"GREETING": auth}
        )

        assert stdout == f"{auth}\r\n"
        assert stderr == ""
        assert code == 0


def test_pypsrp_winrs_process(target):
    for auth in PYPSRP_AUTHS[target.scheme]:
        with (
            target.wsman(auth) as wsman,
            WinRS(
                wsman,
                working_directory="C:\\Work",
                environment={"MODE": "winrs"},
                no_profile=True,
                codepage=65001,
                idle_time_out=600,
            ) as shell,
        ):
            listing = Process(shell, "cmd.exe", ["/c", "echo", "%MODE%&", "cd"])
            listing.invoke()
            listing.signal(SignalCode.TERMINATE)

            piped = Process(
                shell, "powershell", ["-EncodedCommand", _encoded(STDIN_SCRIPT)]
            )
            piped.begin_invoke()
            piped.send(b"one\r\n", end=False)
            piped.send(b"two\r\n", end=True)
            piped.end_invoke()
            piped.signal(SignalCode.CTRL_C)

        assert listing.stdout == b"winrs\r\nC:\\Work\r\n"
        assert listing.rc == 0
        assert piped.stdout == b"got one\r\ngot two\r\n"
        assert piped.rc == 0
        assert shell.owner
        assert target.server.state.shells == {}


def test_pypsrp_reads_service_config(target):
    auth = PYPSRP_AUTHS[target.scheme][0]

    with target.wsman(auth) as wsman:
        wsman.update_max_payload_size()

    assert wsman.max_envelope_size == 500 * 1024
    assert target.server.state.counters["Get"] == 1


def _session_options(target: Target) -> dict[str, object]:
    return {"transport": target.scheme, "proxy": None, "ca_trust_path": target.ca_file}


def _receive_until_done(protocol, shell_id, command_id) -> tuple[bytes, int]:
    output = b""
    while True:
        stdout, _, code, done = protocol.get_command_output_raw(shell_id, command_id)
        output += stdout
        if done:
            return output, code


def _encoded(script: str) -> str:
    return encode_ps_command(script).split()[-1]
