"""HTTPS hosts, generated certificates and the tls-server-end-point binding."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import winrm
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from pypsrp.negotiate import HTTPNegotiateAuth

from winrm_sim import certificates, tls
from winrm_sim.testing import make_pypsrp_client

pytestmark = pytest.mark.usefixtures("isolated_kerberos")

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def https_host(make_winrm_host, pair: certificates.PemPair):
    return make_winrm_host(certfile=pair.cert, keyfile=pair.key)


def basic_session(server, ca_file: str) -> winrm.Session:
    return winrm.Session(
        server.url,
        auth=server.credentials,
        transport="basic",
        proxy=None,
        ca_trust_path=ca_file,
    )


def test_ca_signed_host_trusted(make_winrm_host, sim_certificates):
    server = https_host(make_winrm_host, sim_certificates.host)

    response = basic_session(server, sim_certificates.ca.cert).run_cmd("echo tls")

    assert server.url.startswith("https://127.0.0.1:")
    assert response.std_out == b"tls\r\n"


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ("self_signed", "self-signed certificate"),
        ("wrong_host", "IP address mismatch"),
        ("expired", "certificate has expired"),
    ],
)
def test_broken_certificates_rejected(
    make_winrm_host, sim_certificates, variant, message
):
    server = https_host(make_winrm_host, getattr(sim_certificates, variant))

    with pytest.raises(requests.exceptions.SSLError, match=message):
        basic_session(server, sim_certificates.ca.cert).run_cmd("echo hi")
    assert server.state.counters["Create"] == 0


def test_unchecked_client_accepts_self_signed(make_winrm_host, sim_certificates):
    server = https_host(make_winrm_host, sim_certificates.self_signed)
    session = winrm.Session(
        server.url,
        auth=server.credentials,
        transport="ntlm",
        proxy=None,
        server_cert_validation="ignore",
    )

    assert session.run_cmd("echo ok").std_out == b"ok\r\n"


def test_certificate_set_contents(sim_certificates):
    host = x509.load_pem_x509_certificate(Path(sim_certificates.host.cert).read_bytes())
    expired = x509.load_pem_x509_certificate(
        Path(sim_certificates.expired.cert).read_bytes()
    )
    names = host.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    now = datetime.datetime.now(datetime.UTC)

    assert names.value.get_values_for_type(x509.DNSName) == ["localhost"]
    assert len(names.value.get_values_for_type(x509.IPAddress)) == 2
    assert expired.not_valid_after_utc < now
    assert oct(os.stat(sim_certificates.host.key).st_mode & 0o777) == "0o600"


def test_channel_binding_matches_pypsrp(sim_certificates, tmp_path):
    sha384 = certificates.issue_certificate(
        sim_certificates.ca,
        str(tmp_path),
        "sha384",
        ["localhost"],
        hash_algorithm=hashes.SHA384(),
    )

    for pair, size in ((sim_certificates.host, 32), (sha384, 48)):
        pem = Path(pair.cert).read_bytes()
        der = x509.load_pem_x509_certificate(pem).public_bytes(
            certificates.serialization.Encoding.DER
        )
        expected = HTTPNegotiateAuth._get_certificate_hash(der)

        binding = tls.channel_binding(pair.cert)

        assert binding == b"tls-server-end-point:" + expected
        assert len(expected) == size


def test_ntlm_over_https_with_sha384_certificate(
    make_winrm_host, sim_certificates, tmp_path
):
    pair = certificates.issue_certificate(
        sim_certificates.ca,
        str(tmp_path),
        "sha384",
        ["127.0.0.1"],
        hash_algorithm=hashes.SHA384(),
    )
    server = https_host(make_winrm_host, pair)
    client = make_pypsrp_client(server, "ntlm", ca_file=sim_certificates.ca.cert)
    session = winrm.Session(
        server.url,
        auth=server.credentials,
        transport="ntlm",
        proxy=None,
        ca_trust_path=sim_certificates.ca.cert,
    )

    assert client.execute_cmd("echo pypsrp") == ("pypsrp\r\n", "", 0)
    assert session.run_cmd("echo pywinrm").std_out == b"pywinrm\r\n"


def test_command_line_https_with_generated_ca():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "winrm_sim",
            "--port",
            "0",
            "--user",
            "alice:Secret1",
            "--https",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ca_line = process.stdout.readline()
        url_line = process.stdout.readline()
        ca_file = ca_line.split()[-1]
        session = winrm.Session(
            url_line.split()[-1],
            auth=("alice", "Secret1"),
            transport="basic",
            proxy=None,
            ca_trust_path=ca_file,
        )
        response = session.run_cmd("echo generated")
    finally:
        os.kill(process.pid, signal.SIGTERM)
        exit_code = process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()

    assert ca_line.startswith("winrm_sim CA certificate: ")
    assert url_line.startswith("winrm_sim listening on https://127.0.0.1:")
    assert response.std_out == b"generated\r\n"
    assert exit_code == 0
