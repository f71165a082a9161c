"""The simulated Windows host: an HTTP(S) server on `/wsman` plus its state."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import secrets
import socket
import ssl
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from types import TracebackType

from winrm_sim import quotas, tls
from winrm_sim.auth import Authenticator, AuthManager, BasicAuthenticator, UserStore
from winrm_sim.fault_injection import FaultPlan
from winrm_sim.http_handler import WSMAN_PATH, WsmanRequestHandler
from winrm_sim.listener import AcceptLoop
from winrm_sim.lockout import LockoutPolicy
from winrm_sim.request_log import RequestLog
from winrm_sim.settings import LatencyProfile, SimSettings, latency_profile
from winrm_sim.state import HostState

logger = logging.getLogger(__name__)

# Seconds to wait for each program thread after the server stops.
_PROCESS_JOIN_TIMEOUT = 2.0


@dataclass(frozen=True)
class TlsSetup:
    """The TLS context of an HTTPS host and its channel binding data."""

    context: ssl.SSLContext
    channel_binding: bytes
    certfile: str


class SimHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that can close its open keep-alive connections."""

    daemon_threads = True
    # `handle_request` returns at once when no connection waits: the accept
    # loop only calls it for a ready socket.
    timeout = 0

    def __init__(self, address: tuple[str, int], app: SimServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, WsmanRequestHandler)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        """Remember the connection, then serve it on a new thread."""
        self.track_connection(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:  # noqa: ANN001
        """Forget the connection and close it."""
        self.forget_connection(request)
        super().shutdown_request(request)

    def track_connection(self, connection: socket.socket) -> None:
        """Remember a socket so that `close_connections` can shut it down."""
        with self._connections_lock:
            self._connections.add(connection)

    def forget_connection(self, connection: socket.socket) -> None:
        """Stop tracking a socket."""
        with self._connections_lock:
            self._connections.discard(connection)

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """Log a failed connection instead of printing a traceback to stderr."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | ssl.SSLError):
            logger.info("connection ended client=%s error=%s", client_address, error)
            return
        logger.exception("connection failed client=%s", client_address)

    def close_connections(self) -> None:
        """Shut down open connections so their handler threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SimServer:
    """A simulated Windows host serving WinRM (WS-Management) over HTTP or HTTPS.

    Use it as a context manager, or call `start()` and `stop()`. `state`
    contains the shells, commands and counters, `faults` the faults to inject,
    `requests` the request log. `url` is the endpoint for clients.

    `allow_unencrypted` defaults to False, as on Windows: then Basic needs
    HTTPS and Negotiate needs message encryption over HTTP. `certfile` and
    `keyfile` (PEM) switch the host to HTTPS.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        users: Mapping[str, str] | None = None,
        *,
        hostname: str | None = None,
        latency: LatencyProfile | str | None = None,
        allow_unencrypted: bool | None = None,
        settings: SimSettings | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
        inspection_token: str | None = None,
    ) -> None:
        self.settings = _merge_settings(settings, hostname, latency, allow_unencrypted)
        self.host = host
        self.port = port
        self.users = UserStore(users or {}, self.settings.hostname)
        self.lockout = LockoutPolicy(
            self.settings.lockout_threshold, self.settings.lockout_duration_s
        )
        self.auth = AuthManager(
            _authenticators(self.settings, self.users, self.lockout)
        )
        self.state = HostState(self.settings)
        self.faults = FaultPlan()
        self.requests = RequestLog()
        self.tls = _tls_setup(certfile, keyfile)
        self.inspection_token = inspection_token or secrets.token_urlsafe(24)
        self._httpd: SimHTTPServer | None = None
        self._loop: AcceptLoop | None = None
        self._own_loop = False
        self._listen_lock = threading.RLock()
        self._reopen_timer: threading.Timer | None = None
        if not self.users.names():
            logger.warning("no users configured: every request will be rejected")

    @property
    def url(self) -> str:
        """Return the endpoint URL, such as `http://127.0.0.1:5985/wsman`."""
        scheme = "https" if self.tls is not None else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}{WSMAN_PATH}"

    @property
    def credentials(self) -> tuple[str, str]:
        """Return the first configured user name and password."""
        names = self.users.names()
        if not names:
            raise ValueError("no users configured: pass users={'name': 'password'}")
        name = names[0]
        return name, self.users.password(name) or ""

    @property
    def listening(self) -> bool:
        """Return True while the host accepts new connections."""
        return self._httpd is not None

    def start(self, accept_loop: AcceptLoop | None = None) -> SimServer:
        """Bind the socket and serve it, on `accept_loop` or on a loop of its own."""
        if not _is_loopback(self.host):
            logger.warning("serving on non-loopback address host=%s", self.host)
        self._own_loop = accept_loop is None
        self._loop = accept_loop or AcceptLoop(name=f"winrm-sim-accept-{self.port}")
        try:
            self._listen()
        except OSError:
            self._close_own_loop()
            raise
        quotas.SWEEPER.register(self.state)
        logger.info(
            "winrm_sim started url=%s hostname=%s", self.url, self.settings.hostname
        )
        return self

    def stop(self) -> None:
        """Stop all processes, close connections and release the port."""
        with self._listen_lock:
            if self._loop is None:
                return
            self._cancel_reopen()
            httpd = self._close_listener()
            self._close_own_loop()
        processes = self.state.processes()
        self.state.shutdown()
        if httpd is not None:
            # Waits for the connection threads, which end once their sockets
            # are shut down and the processes they wait for have stopped.
            httpd.server_close()
        for process in processes:
            process.join(_PROCESS_JOIN_TIMEOUT)
        quotas.SWEEPER.unregister(self.state)
        logger.info("winrm_sim stopped url=%s", self.url)

    def refuse_connections(self, duration_s: float | None = None) -> None:
        """Stop listening and close open connections, as a host that went down.

        New connections are refused until `accept_connections()`, or for
        `duration_s` seconds when given. Shells and processes stay as they are.
        """
        with self._listen_lock:
            self._cancel_reopen()
            self._close_listener()
            if duration_s is not None:
                self._reopen_timer = threading.Timer(
                    duration_s, self.accept_connections
                )
                self._reopen_timer.daemon = True
                self._reopen_timer.start()
        logger.info("refusing connections url=%s duration_s=%s", self.url, duration_s)

    def accept_connections(self) -> None:
        """Listen again on the same address after `refuse_connections`."""
        with self._listen_lock:
            if self._httpd is None and self._loop is not None:
                self._listen()
        logger.info("accepting connections url=%s", self.url)

    def _listen(self) -> None:
        with self._listen_lock:
            httpd = SimHTTPServer((self.host, self.port), self)
            self.port = httpd.server_address[1]
            self._httpd = httpd
            assert self._loop is not None
            self._loop.add(httpd)

    def _close_listener(self) -> SimHTTPServer | None:
        with self._listen_lock:
            httpd, self._httpd = self._httpd, None
            if httpd is None:
                return None
            assert self._loop is not None
            self._loop.remove(httpd)
            httpd.socket.close()
            httpd.close_connections()
            return httpd

    def _cancel_reopen(self) -> None:
        if self._reopen_timer is not None:
            self._reopen_timer.cancel()
            self._reopen_timer = None

    def _close_own_loop(self) -> None:
        if self._own_loop and self._loop is not None:
            self._loop.close()
        self._loop = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _authenticators(
    settings: SimSettings, users: UserStore, lockout: LockoutPolicy
) -> list[Authenticator]:
    # Imported here: pyspnego is only needed when Negotiate is offered.
    from winrm_sim.negotiate import NegotiateAuthenticator

    unknown = set(settings.auth_methods) - {"basic", "negotiate"}
    if unknown:
        raise ValueError(
            f"unknown auth methods {sorted(unknown)}: use basic, negotiate"
        )
    authenticators: list[Authenticator] = []
    if "negotiate" in settings.auth_methods:
        authenticators.append(NegotiateAuthenticator(users, lockout))
    if "basic" in settings.auth_methods:
        authenticators.append(
            BasicAuthenticator(users, settings.allow_unencrypted, lockout)
        )
    return authenticators


def _tls_setup(certfile: str | None, keyfile: str | None) -> TlsSetup | None:
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise ValueError("HTTPS needs both certfile and keyfile")
    return TlsSetup(
        context=tls.server_context(certfile, keyfile),
        channel_binding=tls.channel_binding(certfile),
        certfile=certfile,
    )


def _merge_settings(
    settings: SimSettings | None,
    hostname: str | None,
    latency: LatencyProfile | str | None,
    allow_unencrypted: bool | None,
) -> SimSettings:
    merged = settings or SimSettings()
    if isinstance(latency, str):
        latency = latency_profile(latency)
    overrides = {
        "hostname": hostname,
        "latency": latency,
        "allow_unencrypted": allow_unencrypted,
    }
    changes = {name: value for name, value in overrides.items() if value is not None}
    return dataclasses.replace(merged, **changes)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"
