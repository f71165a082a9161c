"""HTTP authentication of the simulated WinRM service.

Each scheme is an `Authenticator`: Basic here, Negotiate (NTLM and Kerberos)
in `negotiate.py`. A connection-bound scheme keeps its security context in the
`ConnectionState` of the TCP connection, because NTLM and Kerberos
authenticate a connection, not a request.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hmac
import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from winrm_sim.lockout import LockoutPolicy

logger = logging.getLogger(__name__)


class UserStore:
    """Accounts of the simulated host: user name to password.

    A name without a backslash is a local account. `DOMAIN\\user` is a domain
    account, which NTLM accepts but Basic does not, as on Windows.
    """

    def __init__(self, users: Mapping[str, str], hostname: str) -> None:
        self._users = {
            name.casefold(): (name, password) for name, password in users.items()
        }
        self.hostname = hostname

    def names(self) -> list[str]:
        """Return the user names as configured."""
        return [name for name, _ in self._users.values()]

    def password(self, name: str) -> str | None:
        """Return the password of a user, or None for an unknown user."""
        entry = self._users.get(name.casefold())
        return entry[1] if entry else None

    def resolve(self, login: str) -> str | None:
        """Return the account a login names, or None when there is none.

        A local account may be written `user`, `.\\user` or `HOST\\user`.
        """
        entry = self._users.get(login.casefold())
        if entry is not None:
            return entry[0]
        domain, _, user = login.rpartition("\\")
        if domain.casefold() not in ("", ".", self.hostname.casefold()):
            return None
        entry = self._users.get(user.casefold())
        if entry is None or "\\" in entry[0]:
            return None
        return entry[0]

    def verify(self, login: str, password: str) -> str | None:
        """Return the local account name when the password matches, else None."""
        name = self.resolve(login)
        if name is None or "\\" in name:
            return None
        expected = self.password(name) or ""
        if hmac.compare_digest(password.encode(), expected.encode()):
            return name
        return None


@dataclass
class ConnectionState:
    """Authentication state of one TCP connection."""

    secure: bool = False
    # Application data of the tls-server-end-point channel binding on HTTPS.
    channel_binding: bytes | None = None
    username: str | None = None
    scheme: str | None = None
    # The pyspnego acceptor context of a Negotiate or Kerberos login.
    context: Any = None

    @property
    def can_seal(self) -> bool:
        """Return True when the connection has a context for message encryption."""
        return self.context is not None and self.context.complete

    def reset(self) -> None:
        """Forget the login, as a new handshake on the connection does."""
        self.username = None
        self.scheme = None
        self.context = None


class AuthOutcome(enum.Enum):
    """Result of checking an Authorization header: process, continue or reject."""

    ACCEPTED = "accepted"
    CONTINUE = "continue"
    REJECTED = "rejected"


@dataclass
class AuthResult:
    """The outcome of checking a request's Authorization header."""

    outcome: AuthOutcome
    username: str | None = None
    # WWW-Authenticate value with the server's token, such as `Negotiate <b64>`.
    token_header: str | None = None
    close_connection: bool = False

    @property
    def accepted(self) -> bool:
        """Return True when the request may be processed."""
        return self.outcome is AuthOutcome.ACCEPTED


def rejected(close_connection: bool = True) -> AuthResult:
    """Return the result of a failed login."""
    return AuthResult(AuthOutcome.REJECTED, close_connection=close_connection)


class Authenticator(ABC):
    """One HTTP authentication scheme."""

    scheme: str
    # Further names of the scheme accepted in the Authorization header.
    aliases: tuple[str, ...] = ()

    @abstractmethod
    def challenge(self) -> str:
        """Return the WWW-Authenticate value offered on a 401."""

    @abstractmethod
    def authenticate(
        self, scheme: str, credentials: str, connection: ConnectionState
    ) -> AuthResult:
        """Check the part of the Authorization header after the scheme name."""


class BasicAuthenticator(Authenticator):
    """Basic authentication of local accounts."""

    scheme = "Basic"

    def __init__(
        self, users: UserStore, allow_unencrypted: bool, lockout: LockoutPolicy
    ) -> None:
        self.users = users
        self.allow_unencrypted = allow_unencrypted
        self.lockout = lockout

    def challenge(self) -> str:
        """Return the Basic challenge with Windows' realm."""
        return 'Basic realm="WSMAN"'

    def authenticate(
        self, scheme: str, credentials: str, connection: ConnectionState
    ) -> AuthResult:
        """Accept a local account and its password (over HTTP only if allowed)."""
        if not connection.secure and not self.allow_unencrypted:
            logger.warning("basic auth over HTTP rejected: AllowUnencrypted is false")
            return rejected()
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return rejected()

        login, _, password = decoded.partition(":")
        account = self.users.resolve(login)
        if account is not None and self.lockout.is_locked(account):
            logger.warning("basic auth rejected: account locked out user=%r", login)
            return rejected()
        username = self.users.verify(login, password)
        if username is None:
            logger.warning("basic auth failed user=%r", login)
            self.lockout.record_failure(account)
            return rejected()

        self.lockout.record_success(username)
        connection.scheme = self.scheme
        return AuthResult(AuthOutcome.ACCEPTED, username)


class AuthManager:
    """Picks the scheme named in the Authorization header."""

    def __init__(self, authenticators: list[Authenticator]) -> None:
        self.authenticators: dict[str, Authenticator] = {}
        for item in authenticators:
            for name in (item.scheme, *item.aliases):
                self.authenticators[name.lower()] = item
        self._offered = authenticators

    def challenge_headers(self) -> list[tuple[str, str]]:
        """Return WWW-Authenticate headers as Windows sends them: Negotiate first."""
        ordered = sorted(self._offered, key=lambda item: item.scheme != "Negotiate")
        return [("WWW-Authenticate", item.challenge()) for item in ordered]

    def authenticate(
        self, header: str | None, connection: ConnectionState
    ) -> AuthResult:
        """Check a request's Authorization header (None when absent)."""
        if not header:
            if connection.username is None:
                return rejected(close_connection=False)
            return AuthResult(AuthOutcome.ACCEPTED, connection.username)

        scheme, _, credentials = header.strip().partition(" ")
        authenticator = self.authenticators.get(scheme.lower())
        if authenticator is None:
            return rejected(close_connection=False)
        return authenticator.authenticate(scheme, credentials.strip(), connection)
