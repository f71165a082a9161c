"""HTTP authentication of the simulated WinRM service.

Each scheme is an `Authenticator`. Basic is the only one so far. A
connection-bound scheme (NTLM, Kerberos) keeps its security context in the
`ConnectionState` of the TCP connection.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


class UserStore:
    """Local accounts of the simulated host: user name to password."""

    def __init__(self, users: Mapping[str, str], hostname: str) -> None:
        self._users = {
            name.casefold(): (name, password) for name, password in users.items()
        }
        self._hostname = hostname.casefold()

    def names(self) -> list[str]:
        """Return the user names as configured."""
        return [name for name, _ in self._users.values()]

    def password(self, name: str) -> str | None:
        """Return the password of a user, or None for an unknown user."""
        entry = self._users.get(name.casefold())
        return entry[1] if entry else None

    def verify(self, login: str, password: str) -> str | None:
        """Return the account name when the password matches, else None.

        `login` may be `user`, `.\\user` or `HOST\\user`, as for a local account.
        """
        domain, _, user = login.rpartition("\\")
        if domain and domain.casefold() not in (".", self._hostname):
            return None
        entry = self._users.get(user.casefold())
        if entry is None:
            return None
        name, expected = entry
        if hmac.compare_digest(password.encode(), expected.encode()):
            return name
        return None


@dataclass
class ConnectionState:
    """Authentication state of one TCP connection."""

    username: str | None = None
    secure: bool = False


@dataclass
class AuthResult:
    """The outcome of checking a request's Authorization header."""

    username: str | None
    close_connection: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Return True when the request may be processed."""
        return self.username is not None


class Authenticator(ABC):
    """One HTTP authentication scheme."""

    scheme: str

    @abstractmethod
    def challenge(self) -> str:
        """Return the WWW-Authenticate value offered on a 401."""

    @abstractmethod
    def authenticate(self, credentials: str, connection: ConnectionState) -> AuthResult:
        """Check the part of the Authorization header after the scheme name."""


class BasicAuthenticator(Authenticator):
    """Basic authentication against the host's user list."""

    scheme = "Basic"

    def __init__(self, users: UserStore, allow_unencrypted: bool) -> None:
        self.users = users
        self.allow_unencrypted = allow_unencrypted

    def challenge(self) -> str:
        """Return the Basic challenge with Windows' realm."""
        return 'Basic realm="WSMAN"'

    def authenticate(self, credentials: str, connection: ConnectionState) -> AuthResult:
        """Accept a known user and password (over HTTP only if allowed)."""
        if not connection.secure and not self.allow_unencrypted:
            logger.warning("basic auth over HTTP rejected: allow_unencrypted is off")
            return AuthResult(None, close_connection=True)
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return AuthResult(None, close_connection=True)

        login, _, password = decoded.partition(":")
        username = self.users.verify(login, password)
        if username is None:
            logger.warning("basic auth failed user=%r", login)
            return AuthResult(None, close_connection=True)
        return AuthResult(username)


class AuthManager:
    """Picks the scheme named in the Authorization header."""

    def __init__(self, authenticators: list[Authenticator]) -> None:
        self.authenticators = {item.scheme.lower(): item for item in authenticators}

    def challenge_headers(self) -> list[tuple[str, str]]:
        """Return WWW-Authenticate headers as Windows sends them: Negotiate first."""
        # NOTE: Negotiate is offered as on Windows, but no Negotiate scheme is
        # served yet, so a Negotiate client receives a 401 again.
        values = [
            "Negotiate",
            *(item.challenge() for item in self.authenticators.values()),
        ]
        return [("WWW-Authenticate", value) for value in values]

    def authenticate(
        self, header: str | None, connection: ConnectionState
    ) -> AuthResult:
        """Check a request's Authorization header (None when absent)."""
        if not header:
            return AuthResult(connection.username)
        scheme, _, credentials = header.strip().partition(" ")
        authenticator = self.authenticators.get(scheme.lower())
        if authenticator is None:
            return AuthResult(None)
        return authenticator.authenticate(credentials.strip(), connection)
