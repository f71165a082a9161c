"""NTLM logons through requests_ntlm and pypsrp, lockout, Basic and encryption rules."""

from __future__ import annotations

import base64
import dataclasses

import pytest
import requests
import spnego
import winrm
from pypsrp.exceptions import AuthenticationError
from spnego.channel_bindings import GssChannelBindings
from winrm.exceptions import (
    InvalidCredentialsError,
    WinRMTransportError,
    WSManFaultError,
)

from winrm_sim import SimSettings
from winrm_sim.ntlm_users import (
    NtlmUserFile,
    authenticate_login,
    sends_channel_binding,
)
from winrm_sim.testing import CLIENT_OPTIONS, make_protocol, make_pypsrp_client

pytestmark = pytest.mark.usefixtures("isolated_kerberos")

USERS = {"alice": "Al1ce-pw", "LAB\\bob": "B0b-pw"}
UNKNOWN_SELECTOR_CODE = 2150858843


def ntlm_session(server, login: str, password: str, **options) -> winrm.Session:
    return winrm.Session(
        server.url,
        auth=(login, password),
        transport="ntlm",
        **CLIENT_OPTIONS,
        **options,
    )


def test_challenge_offers_negotiate_and_basic(make_winrm_host):
    server = make_winrm_host(users=USERS)

    with requests.Session() as client:
        client.trust_env = False
        response = client.post(server.url, data=b"")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Negotiate, Basic realm="WSMAN"'
    assert response.content == b""


def test_local_account_login_forms(make_winrm_host):
    server = make_winrm_host(users=USERS)

    for login in ("alice", ".\\alice", "win01\\ALICE"):
        response = ntlm_session(server, login, "Al1ce-pw").run_cmd("echo %USERNAME%")

        assert response.std_out == b"alice\r\n", login


def test_domain_account_owns_its_shell(make_winrm_host):
    server = make_winrm_host(users=USERS)
    protocol = make_protocol(server, "ntlm", username="lab\\bob", password="B0b-pw")

    shell_id = protocol.open_shell()
    owner = server.state.shells[shell_id].owner
    protocol.close_shell(shell_id)

    assert owner == "LAB\\bob"


def test_wrong_password_rejected_for_both_clients(make_winrm_host):
    server = make_winrm_host(users=USERS)

    with pytest.raises(InvalidCredentialsError):
        ntlm_session(server, "alice", "wrong").run_cmd("echo hi")
    with pytest.raises(AuthenticationError):
        make_pypsrp_client(server, username="alice", password="wrong").execute_cmd("x")

    assert server.state.counters["auth_rejected"] == 2
    assert server.state.shells == {}


def test_lockout_after_failed_logins(make_winrm_host):
    settings = SimSettings(lockout_threshold=3, lockout_duration_s=60)
    server = make_winrm_host(users=USERS, settings=settings)

    for _ in range(3):
        with pytest.raises(InvalidCredentialsError):
            ntlm_session(server, "alice", "wrong").run_cmd("echo hi")
    with pytest.raises(InvalidCredentialsError):
        ntlm_session(server, "alice", "Al1ce-pw").run_cmd("echo hi")
    locked = server.lockout.locked_accounts()
    server.lockout.unlock_all()
    response = ntlm_session(server, "alice", "Al1ce-pw").run_cmd("echo back")

    assert locked == ["alice"]
    assert response.std_out == b"back\r\n"


def test_basic_lockout_counts_wrong_passwords(make_winrm_host, sim_certificates):
    settings = SimSettings(lockout_threshold=2)
    server = make_winrm_host(
        users=USERS,
        settings=settings,
        certfile=sim_certificates.host.cert,
        keyfile=sim_certificates.host.key,
    )

    for password in ("wrong", "wrong", "Al1ce-pw"):
        protocol = make_protocol(server, "basic", username="alice", password=password)
        with pytest.raises(InvalidCredentialsError):
            protocol.open_shell()

    assert server.lockout.locked_accounts() == ["alice"]


def test_basic_over_http_rejected_by_default(make_winrm_host):
    server = make_winrm_host(users=USERS)
    protocol = make_protocol(server, "basic", username="alice", password="Al1ce-pw")

    with pytest.raises(InvalidCredentialsError):
        protocol.open_shell()
    assert server.state.counters["auth_rejected"] == 1


def test_plain_body_after_ntlm_login_gets_500(make_winrm_host):
    server = make_winrm_host(users=USERS)
    protocol = make_protocol(
        server,
        "ntlm",
        username="alice",
        password="Al1ce-pw",
        message_encryption="never",
    )

    with pytest.raises(WinRMTransportError) as caught:
        protocol.open_shell()

    assert caught.value.code == 500
    assert caught.value.response_text == ""
    assert str(caught.value) == "Bad HTTP response returned from server. Code 500"
    assert server.state.counters["unencrypted_rejected"] == 1
    assert server.state.shells == {}


def test_allow_unencrypted_accepts_plain_ntlm(make_winrm_host):
    server = make_winrm_host(users=USERS, allow_unencrypted=True)
    session = ntlm_session(server, "alice", "Al1ce-pw", message_encryption="never")

    assert session.run_cmd("echo plain").std_out == b"plain\r\n"
    assert [r.encrypted for r in server.requests.recent() if r.operation] == [False] * 5


def test_encrypted_requests_and_faults(make_winrm_host):
    server = make_winrm_host(users=USERS)
    protocol = make_protocol(server, "ntlm", username="alice", password="Al1ce-pw")

    with pytest.raises(WSManFaultError) as caught:
        protocol.close_shell("11111111-2222-3333-4444-555555555555")
    records = [r for r in server.requests.recent() if r.operation]

    assert caught.value.wsman_fault_code == UNKNOWN_SELECTOR_CODE
    assert caught.value.code == 500
    assert records[-1].encrypted
    assert records[-1].scheme == "Negotiate"
    assert records[-1].fault_code == UNKNOWN_SELECTOR_CODE


def test_channel_binding_checked_over_https(make_winrm_host, sim_certificates):
    server = make_winrm_host(
        users=USERS,
        certfile=sim_certificates.host.cert,
        keyfile=sim_certificates.host.key,
    )
    wrong = GssChannelBindings(application_data=b"tls-server-end-point:" + bytes(32))

    correct = ntlm_handshake(
        server, sim_certificates.ca.cert, server.tls.channel_binding
    )
    mismatched = ntlm_handshake(
        server, sim_certificates.ca.cert, wrong.application_data
    )
    without = ntlm_handshake(server, sim_certificates.ca.cert, None)

    assert correct.status_code == 200
    assert mismatched.status_code == 401
    # CbtHardeningLevel Relaxed: a client that sends no binding is accepted.
    assert without.status_code == 200


def test_pywinrm_ntlm_sends_channel_binding(make_winrm_host, sim_certificates):
    server = make_winrm_host(
        users=USERS,
        certfile=sim_certificates.host.cert,
        keyfile=sim_certificates.host.key,
    )
    session = winrm.Session(
        server.url,
        auth=("alice", "Al1ce-pw"),
        transport="ntlm",
        proxy=None,
        ca_trust_path=sim_certificates.ca.cert,
        message_encryption="always",
    )

    assert session.run_cmd("echo tls").std_out == b"tls\r\n"
    assert all(r.encrypted for r in server.requests.recent() if r.operation)


def test_settings_can_disable_basic(make_winrm_host):
    settings = dataclasses.replace(SimSettings(), auth_methods=frozenset({"negotiate"}))
    server = make_winrm_host(users=USERS, settings=settings, allow_unencrypted=True)

    with requests.Session() as client:
        client.trust_env = False
        response = client.post(server.url, data=b"", auth=("alice", "Al1ce-pw"))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Negotiate"


def ntlm_handshake(server, ca_file: str, binding: bytes | None) -> requests.Response:
    """Log on with raw NTLM tokens and a chosen channel binding; return leg 3."""
    bindings = GssChannelBindings(application_data=binding) if binding else None
    context = spnego.client(
        "alice", "Al1ce-pw", protocol="ntlm", channel_bindings=bindings
    )
    with requests.Session() as client:
        client.trust_env = False
        client.verify = ca_file
        first = client.post(server.url, data=b"", headers=_negotiate(context.step()))
        challenge = base64.b64decode(first.headers["WWW-Authenticate"].split()[1])
        return client.post(
            server.url, data=b"", headers=_negotiate(context.step(challenge))
        )


def _negotiate(token: bytes) -> dict[str, str]:
    return {"Authorization": f"Negotiate {base64.b64encode(token).decode()}"}


@pytest.mark.parametrize(
    ("binding", "expected"),
    [(b"tls-server-end-point:" + bytes(range(32)), True), (None, False)],
)
def test_channel_binding_found_in_token(binding, expected):
    NtlmUserFile.prepare()
    bindings = GssChannelBindings(application_data=binding) if binding else None
    client = spnego.client("alice", "pw", protocol="ntlm", channel_bindings=bindings)
    server = spnego.server(protocol="ntlm")

    authenticate = client.step(server.step(client.step()))

    assert sends_channel_binding(authenticate) is expected
    assert authenticate_login(authenticate) == "alice"


def test_sealed_body_without_context_rejected(make_winrm_host, sim_certificates):
    server = make_winrm_host(
        certfile=sim_certificates.host.cert, keyfile=sim_certificates.host.key
    )
    content_type = (
        'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";'
        'boundary="Encrypted Boundary"'
    )

    with requests.Session() as client:
        client.trust_env = False
        response = client.post(
            server.url,
            data=b"--Encrypted Boundary\r\n\tContent-Type: x\r\n",
            headers={"Content-Type": content_type},
            auth=server.credentials,
            verify=sim_certificates.ca.cert,
        )

    assert response.status_code == 400
    assert server.state.counters["Create"] == 0
