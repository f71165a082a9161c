"""HTTP behaviour, authentication and WS-Management faults."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
import requests
import winrm
from winrm.exceptions import InvalidCredentialsError, WSManFaultError

from winrm_sim import SimServer
from winrm_sim.testing import CLIENT_OPTIONS, encode_ps_command, make_protocol

UNKNOWN_SELECTOR_CODE = 2150858843
NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "f": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
}
SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"


def envelope(action: str, body: str, message_id: str, extra_header: str = "") -> str:
    return (
        f'<s:Envelope xmlns:s="{NS["s"]}" xmlns:a="{NS["a"]}" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
        f'xmlns:rsp="{SHELL}"><s:Header>'
        f'<a:Action s:mustUnderstand="true">{action}</a:Action>'
        f"<a:MessageID>{message_id}</a:MessageID>"
        f"<w:ResourceURI>{SHELL}/cmd</w:ResourceURI>{extra_header}"
        f"</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    )


def post(server: SimServer, data: str | bytes, auth=None) -> requests.Response:
    with requests.Session() as client:
        client.trust_env = False
        return client.post(server.url, data=data, auth=auth or server.credentials)


def test_missing_auth_gets_challenge(winrm_host):
    with requests.Session() as client:
        client.trust_env = False
        response = client.post(winrm_host.url, data=b"<x/>")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Negotiate, Basic realm="WSMAN"'
    assert response.headers["Server"] == "Microsoft-HTTPAPI/2.0"
    assert response.content == b""


def test_bad_password_rejected(winrm_host):
    user, _ = winrm_host.credentials
    client = winrm.Session(
        winrm_host.url, auth=(user, "wrong"), transport="basic", **CLIENT_OPTIONS
    )

    with pytest.raises(InvalidCredentialsError):
        client.run_cmd("echo hi")
    client.protocol.transport.close_session()
    assert winrm_host.state.counters["auth_rejected"] == 1


def test_local_account_prefixes_accepted(winrm_host):
    user, password = winrm_host.credentials
    for login in (f".\\{user}", f"win01\\{user.upper()}"):
        client = winrm.Session(
            winrm_host.url, auth=(login, password), transport="basic", **CLIENT_OPTIONS
        )

        assert client.run_cmd("echo ok").std_out == b"ok\r\n"


def test_unencrypted_basic_can_be_disabled():
    with SimServer(users={"demo": "pw"}, allow_unencrypted=False) as server:
        client = make_protocol(server)

        with pytest.raises(InvalidCredentialsError):
            client.open_shell()
        client.transport.close_session()


def test_unknown_shell_fault(protocol):
    with pytest.raises(WSManFaultError) as caught:
        protocol.get_command_output_raw(
            "11111111-2222-3333-4444-555555555555",
            "AAAAAAAA-0000-0000-0000-000000000000",
        )

    assert caught.value.wsman_fault_code == UNKNOWN_SELECTOR_CODE
    assert caught.value.code == 500
    assert caught.value.fault_subcode == "w:InvalidSelectors"
    assert "ShellId 11111111-2222-3333-4444-555555555555" in caught.value.response


def test_unknown_command_fault(protocol):
    shell_id = protocol.open_shell()

    with pytest.raises(WSManFaultError) as caught:
        protocol.get_command_output_raw(
            shell_id, "AAAAAAAA-0000-0000-0000-000000000000"
        )
    protocol.close_shell(shell_id)

    assert caught.value.wsman_fault_code == UNKNOWN_SELECTOR_CODE
    assert "command identifier that does not exist" in caught.value.response


def test_relates_to_echoes_message_id(winrm_host):
    message_id = "uuid:FC40E3CD-0000-4ABC-9DEF-0123456789AB"
    body = "<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams></rsp:Shell>"
    request = envelope(
        "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create", body, message_id
    )

    response = post(winrm_host, request)
    root = ET.fromstring(response.content)  # noqa: S314 - our own server

    assert response.status_code == 200
    assert root.findtext("s:Header/a:RelatesTo", namespaces=NS) == message_id
    assert response.headers["Content-Type"] == "application/soap+xml;charset=UTF-8"


def test_unknown_action_fault(winrm_host):
    request = envelope("http://example.invalid/Nothing", "", "uuid:1")

    response = post(winrm_host, request)

    assert response.status_code == 500
    assert b"a:ActionNotSupported" in response.content


def test_malformed_xml_fault(winrm_host):
    response = post(winrm_host, b"<s:Envelope")

    assert response.status_code == 500
    assert b'Code="2150858817"' in response.content


def test_get_method_not_allowed(winrm_host):
    with requests.Session() as client:
        client.trust_env = False
        response = client.get(winrm_host.url)

    assert response.status_code == 405


def test_oversized_body_rejected(winrm_host):
    response = post(winrm_host, b"x" * (500 * 1024 + 1))

    assert response.status_code == 413


def test_receive_respects_max_envelope_size(protocol, winrm_host):
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command("'z' * 30000"))
    selector = (
        f'<w:SelectorSet><w:Selector Name="ShellId">{shell_id}</w:Selector>'
        "</w:SelectorSet><w:MaxEnvelopeSize>8192</w:MaxEnvelopeSize>"
    )
    body = (
        f'<rsp:Receive><rsp:DesiredStream CommandId="{command_id}">stdout stderr'
        "</rsp:DesiredStream></rsp:Receive>"
    )
    sizes, data, done = [], b"", False
    while not done:
        request = envelope(f"{SHELL}/Receive", body, "uuid:2", selector)
        response = post(winrm_host, request)
        sizes.append(len(response.content))
        root = ET.fromstring(response.content)  # noqa: S314 - our own server
        for stream in root.iterfind(".//rsp:Stream", NS):
            data += base64.b64decode(stream.text or "")
        done = root.find(".//rsp:CommandState", NS).get("State").endswith("/Done")
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert data == b"z" * 30000 + b"\r\n"
    assert len(sizes) >= 4
    assert max(sizes) <= 8192


def test_skip_cmd_shell_needs_full_path(protocol):
    shell_id = protocol.open_shell()

    with pytest.raises(WSManFaultError) as caught:
        protocol.run_command(shell_id, "whoami", skip_cmd_shell=True)
    command_id = protocol.run_command(
        shell_id, "C:\\Windows\\System32\\hostname.exe", skip_cmd_shell=True
    )
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert caught.value.wsman_fault_code == 2147942402
    assert stdout == b"WIN01\r\n"
    assert code == 0


def test_other_users_shell_not_found():
    with SimServer(
        users={"alice": "pw1", "bob": "pw2"}, allow_unencrypted=True
    ) as server:
        alice = make_protocol(server)
        bob = make_protocol(server, username="bob", password="pw2")
        shell_id = alice.open_shell()

        with pytest.raises(WSManFaultError) as caught:
            bob.close_shell(shell_id)
        alice.close_shell(shell_id)

    assert caught.value.wsman_fault_code == UNKNOWN_SELECTOR_CODE
