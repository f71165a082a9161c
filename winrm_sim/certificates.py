"""Throwaway certificates for HTTPS tests, written as PEM files.

`make_certificate_set` creates a test CA, a host certificate it signs, and the
broken variants clients must reject: self-signed, issued for another host
name, and expired. Keys are ECDSA P-256, which is quick to generate.
"""

from __future__ import annotations

import datetime
import ipaddress
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_HOSTNAMES = ("localhost", "127.0.0.1", "::1")
WRONG_HOSTNAME = "wrong-host.invalid"
_VALIDITY = datetime.timedelta(days=30)


@dataclass(frozen=True)
class PemPair:
    """Paths of a PEM certificate and its unencrypted PEM private key."""

    cert: str
    key: str


@dataclass(frozen=True)
class CertificateSet:
    """A test CA and the host certificates made with it, in one directory."""

    directory: str
    ca: PemPair
    host: PemPair
    self_signed: PemPair
    wrong_host: PemPair
    expired: PemPair


def make_certificate_set(
    directory: str | None = None, hostnames: Iterable[str] = DEFAULT_HOSTNAMES
) -> CertificateSet:
    """Create a CA and host certificates in `directory` (a new temp dir if None)."""
    folder = directory or tempfile.mkdtemp(prefix="winrm-sim-certs-")
    names = list(hostnames)
    now = _now()
    ca = create_ca(folder)
    return CertificateSet(
        directory=folder,
        ca=ca,
        host=issue_certificate(ca, folder, "host", names),
        self_signed=create_self_signed(folder, names),
        wrong_host=issue_certificate(ca, folder, "wrong-host", [WRONG_HOSTNAME]),
        expired=issue_certificate(
            ca,
            folder,
            "expired",
            names,
            not_before=now - 2 * _VALIDITY,
            not_after=now - datetime.timedelta(days=1),
        ),
    )


def create_ca(directory: str, common_name: str = "winrm_sim test CA") -> PemPair:
    """Create a self-signed CA certificate that can sign host certificates."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = _base_builder(subject, subject, key.public_key(), _now(), None)
    builder = builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=0), critical=True
    ).add_extension(
        x509.KeyUsage(False, False, False, False, False, True, True, False, False),
        critical=True,
    )
    certificate = builder.sign(key, hashes.SHA256())
    return _write(directory, "ca", certificate, key)


def issue_certificate(
    ca: PemPair,
    directory: str,
    stem: str,
    hostnames: Iterable[str],
    *,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    hash_algorithm: hashes.HashAlgorithm | None = None,
) -> PemPair:
    """Issue a server certificate for host names and IP addresses, signed by `ca`."""
    ca_cert = x509.load_pem_x509_certificate(Path(ca.cert).read_bytes())
    ca_key = serialization.load_pem_private_key(Path(ca.key).read_bytes(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    names = list(hostnames)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    builder = _server_builder(
        subject, ca_cert.subject, key, names, not_before or _now(), not_after
    )
    certificate = builder.sign(ca_key, hash_algorithm or hashes.SHA256())
    return _write(directory, stem, certificate, key)


def create_self_signed(directory: str, hostnames: Iterable[str]) -> PemPair:
    """Create a self-signed server certificate, which no CA vouches for."""
    key = ec.generate_private_key(ec.SECP256R1())
    names = list(hostnames)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    builder = _server_builder(subject, subject, key, names, _now(), None)
    certificate = builder.sign(key, hashes.SHA256())
    return _write(directory, "self-signed", certificate, key)


def _server_builder(
    subject: x509.Name,
    issuer: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    names: list[str],
    not_before: datetime.datetime,
    not_after: datetime.datetime | None,
) -> x509.CertificateBuilder:
    builder = _base_builder(subject, issuer, key.public_key(), not_before, not_after)
    return builder.add_extension(
        x509.SubjectAlternativeName([_general_name(name) for name in names]),
        critical=False,
    ).add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
    )


def _base_builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    not_before: datetime.datetime,
    not_after: datetime.datetime | None,
) -> x509.CertificateBuilder:
    start = not_before - datetime.timedelta(minutes=5)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after or not_before + _VALIDITY)
    )


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _write(
    directory: str,
    stem: str,
    certificate: x509.Certificate,
    key: ec.EllipticCurvePrivateKey,
) -> PemPair:
    cert_path = Path(directory) / f"{stem}.pem"
    key_path = Path(directory) / f"{stem}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return PemPair(str(cert_path), str(key_path))


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
