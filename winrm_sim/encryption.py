"""Message encryption over HTTP: the multipart/encrypted bodies of MS-WSMV.

A body is one or more pairs of MIME parts: a header part whose
`OriginalContent` carries the plaintext length, then an octet-stream part with
a little-endian uint32 signature length, the signature and the sealed SOAP
bytes. NTLM and Kerberos both seal with the connection's security context.
"""

from __future__ import annotations

import re
import struct
from typing import Any

BOUNDARY = b"--Encrypted Boundary"
SPNEGO_PROTOCOL = "application/HTTP-SPNEGO-session-encrypted"
KERBEROS_PROTOCOL = "application/HTTP-Kerberos-session-encrypted"
_PROTOCOL = re.compile(r'protocol="([^"]+)"', re.IGNORECASE)
_PAYLOAD_PREFIX = b"\tContent-Type: application/octet-stream\r\n"
_ORIGINAL_LENGTH = re.compile(rb"Length=(\d+)")


class EncryptionError(ValueError):
    """A multipart/encrypted body that cannot be read or unsealed."""


def is_encrypted(content_type: str) -> bool:
    """Return True for a multipart/encrypted (or x-multi-encrypted) content type."""
    main = content_type.split(";", 1)[0].strip().lower()
    return main in ("multipart/encrypted", "multipart/x-multi-encrypted")


def protocol_of(content_type: str) -> str:
    """Return the protocol label of an encrypted content type.

    The reply must carry the same label, because pywinrm only decrypts a
    response whose label matches the one it sent.
    """
    match = _PROTOCOL.search(content_type)
    if match is None:
        raise EncryptionError(
            f"encrypted content type without protocol: {content_type}"
        )
    return match.group(1)


def unwrap(body: bytes, context: Any) -> bytes:
    """Unseal every part pair of a request body and return the SOAP bytes."""
    parts = [part for part in body.split(BOUNDARY + b"\r\n") if part]
    if not parts or len(parts) % 2:
        raise EncryptionError("encrypted body without header and payload parts")

    plaintext = b""
    for index in range(0, len(parts), 2):
        header, payload = parts[index], parts[index + 1]
        if not _ORIGINAL_LENGTH.search(header):
            raise EncryptionError("encrypted part without OriginalContent length")
        plaintext += _unseal(payload, context)
    return plaintext


def _unseal(payload: bytes, context: Any) -> bytes:
    if payload.endswith(BOUNDARY + b"--\r\n"):
        payload = payload[: -len(BOUNDARY + b"--\r\n")]
    if not payload.startswith(_PAYLOAD_PREFIX):
        raise EncryptionError("encrypted payload part without octet-stream type")
    payload = payload[len(_PAYLOAD_PREFIX) :]
    if len(payload) < 4:
        raise EncryptionError("encrypted payload shorter than its length field")

    (signature_length,) = struct.unpack("<I", payload[:4])
    signature = payload[4 : 4 + signature_length]
    sealed = payload[4 + signature_length :]
    try:
        return context.unwrap_winrm(signature, sealed)
    except Exception as error:  # any failure means a bad message
        raise EncryptionError(f"cannot unseal the message: {error}") from error


def wrap(plaintext: bytes, context: Any, protocol: str) -> tuple[str, bytes]:
    """Seal a SOAP reply and return its Content-Type and body.

    The Length written is that of the plaintext, because pywinrm compares it
    with the length of what it unseals.
    """
    signature, sealed, _padding = context.wrap_winrm(plaintext)
    body = b"".join(
        [
            BOUNDARY + b"\r\n",
            f"\tContent-Type: {protocol}\r\n".encode(),
            b"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=",
            str(len(plaintext)).encode() + b"\r\n",
            BOUNDARY + b"\r\n",
            _PAYLOAD_PREFIX,
            struct.pack("<I", len(signature)),
            signature,
            sealed,
            BOUNDARY + b"--\r\n",
        ]
    )
    content_type = (
        f'multipart/encrypted;protocol="{protocol}";boundary="Encrypted Boundary"'
    )
    return content_type, body
