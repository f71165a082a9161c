"""Negotiate authentication (NTLM and Kerberos) with pyspnego as the acceptor.

One pyspnego `negotiate` context serves SPNEGO tokens as well as raw NTLMSSP
and raw Kerberos tokens, so requests_ntlm, pywinrm's Kerberos transport and
pypsrp all log on through it. NTLM passwords come from the NTLM user file,
Kerberos tickets are checked against the keytab named by KRB5_KTNAME.
"""

from __future__ import annotations

import base64
import binascii
import logging

import spnego
from spnego.channel_bindings import GssChannelBindings

from winrm_sim.auth import (
    Authenticator,
    AuthOutcome,
    AuthResult,
    ConnectionState,
    UserStore,
    rejected,
)
from winrm_sim.lockout import LockoutPolicy
from winrm_sim.ntlm_users import (
    NtlmUserFile,
    authenticate_login,
    sends_channel_binding,
)

logger = logging.getLogger(__name__)


class NegotiateAuthenticator(Authenticator):
    """The Negotiate scheme, also accepted under the name Kerberos."""

    scheme = "Negotiate"
    aliases = ("Kerberos",)

    def __init__(self, users: UserStore, lockout: LockoutPolicy) -> None:
        self.users = users
        self.lockout = lockout
        NtlmUserFile.prepare()

    def challenge(self) -> str:
        """Return the bare Negotiate challenge that starts a handshake."""
        return "Negotiate"

    def authenticate(
        self, scheme: str, credentials: str, connection: ConnectionState
    ) -> AuthResult:
        """Feed one token to the connection's context and report the outcome."""
        try:
            token = base64.b64decode(credentials, validate=True)
        except binascii.Error:
            return rejected()
        if connection.context is None or connection.context.complete:
            connection.reset()
            connection.context = self._new_context()

        try:
            with NtlmUserFile.active(self.users):
                out_token = connection.context.step(
                    token, channel_bindings=_bindings_for(token, connection)
                )
        except Exception as error:  # any failure of a token fails the login
            return self._failed(token, connection, error)

        header = (
            f"{scheme} {base64.b64encode(out_token).decode()}" if out_token else None
        )
        if not connection.context.complete:
            return AuthResult(AuthOutcome.CONTINUE, token_header=header)
        return self._completed(scheme, connection, header)

    def _new_context(self) -> spnego.ContextProxy:
        # Channel bindings are passed per step, see `_bindings_for`.
        return spnego.server(
            hostname=self.users.hostname, service="HTTP", protocol="negotiate"
        )

    def _failed(
        self, token: bytes, connection: ConnectionState, error: Exception
    ) -> AuthResult:
        login = authenticate_login(token)
        logger.warning("negotiate auth failed user=%r error=%s", login, error)
        if login is not None:
            self.lockout.record_failure(self.users.resolve(login))
        connection.reset()
        return rejected()

    def _completed(
        self, scheme: str, connection: ConnectionState, header: str | None
    ) -> AuthResult:
        context = connection.context
        principal = context.client_principal or ""
        if context.negotiated_protocol == "kerberos":
            account = kerberos_account(principal)
        else:
            account = self.users.resolve(principal)
        if account is None or self.lockout.is_locked(account):
            logger.warning("negotiate auth rejected principal=%r", principal)
            connection.reset()
            return rejected()

        if context.negotiated_protocol != "kerberos":
            self.lockout.record_success(account)
        connection.username = account
        connection.scheme = scheme
        logger.info(
            "negotiate auth completed user=%s protocol=%s",
            account,
            context.negotiated_protocol,
        )
        return AuthResult(AuthOutcome.ACCEPTED, account, token_header=header)


def _bindings_for(
    token: bytes, connection: ConnectionState
) -> GssChannelBindings | None:
    """Return the TLS channel binding to check this token against, if any.

    Windows' default CbtHardeningLevel is Relaxed: an NTLM client that sends
    no binding is accepted, one that sends a wrong binding is not. pyspnego
    rejects a missing binding whenever it is given one, so it is given none
    for such a client. MIT Kerberos already accepts a ticket without bindings.
    """
    if connection.channel_binding is None:
        return None
    if token.find(b"NTLMSSP\x00") >= 0 and not sends_channel_binding(token):
        return None
    return GssChannelBindings(application_data=connection.channel_binding)


def kerberos_account(principal: str) -> str:
    """Return `REALM\\user` for `user@REALM.TLD`, the way Windows names domain users."""
    user, _, realm = principal.partition("@")
    domain = realm.split(".", 1)[0].upper()
    return f"{domain}\\{user}" if domain else user
