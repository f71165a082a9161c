"""Kerberos logons against a throwaway MIT KDC on loopback."""

from __future__ import annotations

import shutil

import pytest
import winrm
from pypsrp.client import Client
from winrm.exceptions import WinRMTransportError

from winrm_sim import kdc
from winrm_sim.negotiate import kerberos_account
from winrm_sim.pytest_plugin import KERBEROS_PASSWORD, KERBEROS_USER
from winrm_sim.testing import CLIENT_OPTIONS

pytestmark = pytest.mark.usefixtures("kerberos_realm")


def localhost_url(server) -> str:
    return server.url.replace("127.0.0.1", "localhost")


def kerberos_session(server, principal: str, **options) -> winrm.Session:
    return winrm.Session(
        localhost_url(server),
        auth=(principal, ""),
        transport="kerberos",
        **CLIENT_OPTIONS,
        **options,
    )


def test_pywinrm_kerberos_with_encryption(make_winrm_host, kerberos_realm):
    server = make_winrm_host()
    session = kerberos_session(server, kerberos_realm.principal(KERBEROS_USER))

    response = session.run_cmd("echo %USERDOMAIN%\\%USERNAME%")
    records = [r for r in server.requests.recent() if r.operation]

    assert response.std_out == b"WINRM-SIM\\krbuser\r\n"
    assert [r.operation for r in records] == [
        "Create",
        "Command",
        "Receive",
        "Signal",
        "Delete",
    ]
    assert all(r.encrypted for r in records)
    assert {r.user for r in records} == {"WINRM-SIM\\krbuser"}


def test_plain_kerberos_body_over_http_gets_500(make_winrm_host, kerberos_realm):
    server = make_winrm_host()
    session = kerberos_session(
        server, kerberos_realm.principal(KERBEROS_USER), message_encryption="never"
    )

    with pytest.raises(WinRMTransportError) as caught:
        session.run_cmd("echo hi")

    assert caught.value.code == 500
    assert caught.value.response_text == ""


def test_pypsrp_kerberos_owner(make_winrm_host, kerberos_realm):
    server = make_winrm_host()
    client = Client(
        "localhost",
        port=server.port,
        username=kerberos_realm.principal(KERBEROS_USER),
        password=KERBEROS_PASSWORD,
        ssl=False,
        auth="kerberos",
        no_proxy=True,
    )

    stdout, stderr, code = client.execute_cmd("echo %USERDOMAIN%")

    assert stdout == "WINRM-SIM\r\n"
    assert stderr == ""
    assert code == 0
    assert server.requests.recent()[-1].user == "WINRM-SIM\\krbuser"


def test_missing_kdc_tools_name_install_script(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)

    with pytest.raises(kdc.KerberosUnavailable) as caught:
        kdc.KerberosRealm()

    assert "krb5kdc" in str(caught.value)
    assert "scripts/install-kerberos.sh" in str(caught.value)


def test_realm_rejects_quoted_password():
    with pytest.raises(ValueError, match="letters, digits"):
        kdc.KerberosRealm(users={"someone": "needs quoting!"})


def test_account_name_from_principal():
    assert kerberos_account("user@EXAMPLE.TEST") == "EXAMPLE\\user"
