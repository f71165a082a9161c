"""Encryption of stored secrets with the key from the CREDENTIAL_KEY setting."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class CredentialKeyError(RuntimeError):
    """The stored secret cannot be decrypted with the configured key."""


def _fernet() -> MultiFernet:
    # CREDENTIAL_KEY may list several comma-separated keys: the first encrypts,
    # all of them decrypt, which lets an operator rotate the key.
    keys = current_app.config["CREDENTIAL_KEY"].split(",")
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys])
    except ValueError as exc:
        raise CredentialKeyError(
            "CREDENTIAL_KEY is not a valid Fernet key (32 url-safe base64 bytes)"
        ) from exc


def encrypt(plaintext: str) -> bytes:
    return _fernet().encrypt(plaintext.encode("utf-8"))


def decrypt(token: bytes) -> str:
    try:
        return _fernet().decrypt(token).decode("utf-8")
    except InvalidToken as exc:
        raise CredentialKeyError(
            "a stored password cannot be decrypted: CREDENTIAL_KEY differs from "
            "the key it was saved with"
        ) from exc
