"""The simulated Windows host: an HTTP server on `/wsman` plus its state."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import socket
import sys
import threading
from collections.abc import Mapping
from http.server import ThreadingHTTPServer
from types import TracebackType

from winrm_sim.auth import AuthManager, BasicAuthenticator, UserStore
from winrm_sim.http_handler import WSMAN_PATH, WsmanRequestHandler
from winrm_sim.settings import LatencyProfile, SimSettings, latency_profile
from winrm_sim.state import HostState

logger = logging.getLogger(__name__)

# Seconds to wait for each program thread after the server stops.
_PROCESS_JOIN_TIMEOUT = 2.0


class SimHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that can close its open keep-alive connections."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: SimServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, WsmanRequestHandler)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        """Remember the connection, then serve it on a new thread."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:  # noqa: ANN001
        """Forget the connection and close it."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """Log a failed connection instead of printing a traceback to stderr."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("client closed the connection client=%s", client_address)
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
    """A simulated Windows host serving WinRM (WS-Management) over HTTP.

    Use it as a context manager, or call `start()` and `stop()`. `state` contains
    the shells, commands and counters. `url` is the endpoint for clients.
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
    ) -> None:
        self.settings = _merge_settings(settings, hostname, latency, allow_unencrypted)
        self.host = host
        self.port = port
        self.users = UserStore(users or {}, self.settings.hostname)
        self.auth = AuthManager(
            [BasicAuthenticator(self.users, self.settings.allow_unencrypted)]
        )
        self.state = HostState(self.settings)
        self._httpd: SimHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if not self.users.names():
            logger.warning("no users configured: every request will be rejected")

    @property
    def url(self) -> str:
        """Return the endpoint URL, such as `http://127.0.0.1:5985/wsman`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{WSMAN_PATH}"

    @property
    def credentials(self) -> tuple[str, str]:
        """Return the first configured user name and password."""
        names = self.users.names()
        if not names:
            raise ValueError("no users configured: pass users={'name': 'password'}")
        name = names[0]
        return name, self.users.password(name) or ""

    def start(self) -> SimServer:
        """Bind the socket and serve on a background thread."""
        if not _is_loopback(self.host):
            logger.warning("serving on non-loopback address host=%s", self.host)
        self._httpd = SimHTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"winrm-sim-{self.port}",
            daemon=True,
        )
        self._thread.start()
        logger.info(
            "winrm_sim started url=%s hostname=%s", self.url, self.settings.hostname
        )
        return self

    def stop(self) -> None:
        """Stop all processes, close connections and release the port."""
        if self._httpd is None:
            return
        processes = self.state.processes()
        self.state.shutdown()
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        for process in processes:
            process.join(_PROCESS_JOIN_TIMEOUT)
        self._httpd = None
        logger.info("winrm_sim stopped url=%s", self.url)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


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
