"""HTTPS for the simulated host: the server TLS context and channel binding data."""

from __future__ import annotations

import ssl
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding


def server_context(certfile: str, keyfile: str) -> ssl.SSLContext:
    """Return a TLS 1.2+ server context for a PEM certificate chain and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    return context


def channel_binding(certfile: str) -> bytes:
    """Return the tls-server-end-point channel binding data (RFC 5929) of a cert.

    The hash is that of the certificate's signature, or SHA-256 when the
    signature uses MD5 or SHA-1 or an algorithm `cryptography` does not know.
    """
    certificate = x509.load_pem_x509_certificate(Path(certfile).read_bytes())
    try:
        algorithm = certificate.signature_hash_algorithm
    except UnsupportedAlgorithm:
        algorithm = None
    if algorithm is None or algorithm.name in ("md5", "sha1"):
        algorithm = hashes.SHA256()

    digest = hashes.Hash(algorithm)
    digest.update(certificate.public_bytes(Encoding.DER))
    return b"tls-server-end-point:" + digest.finalize()
