"""HTTP/1.1 request handling for `POST /wsman`.

Every response is written with a single send on a TCP_NODELAY socket: a reply
split into header and body writes stalls about 40 ms on Linux loopback, where
Nagle's algorithm meets delayed ACKs.
"""

from __future__ import annotations

import logging
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

from winrm_sim import faults, operations
from winrm_sim.auth import ConnectionState
from winrm_sim.context import OperationContext
from winrm_sim.soap import parse_request

if TYPE_CHECKING:
    from winrm_sim.server import SimHTTPServer

logger = logging.getLogger(__name__)

SOAP_CONTENT_TYPE = "application/soap+xml;charset=UTF-8"
SERVER_HEADER = "Microsoft-HTTPAPI/2.0"
WSMAN_PATH = "/wsman"


class WsmanRequestHandler(BaseHTTPRequestHandler):
    """Serves one keep-alive connection."""

    protocol_version = "HTTP/1.1"
    server: SimHTTPServer

    def setup(self) -> None:
        """Disable Nagle's algorithm and create the connection's auth state."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.auth_state = ConnectionState()

    def do_POST(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        """Authenticate, then run the WS-Management operation in the body."""
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        if length > app.settings.max_envelope_size_kb * 1024:
            self.send_raw(413, close=True)
            return
        body = self.rfile.read(length)
        if self.path.split("?", 1)[0].lower() != WSMAN_PATH:
            self.send_raw(404)
            return

        result = app.auth.authenticate(
            self.headers.get("Authorization"), self.auth_state
        )
        if not result.accepted:
            app.state.count("auth_rejected")
            headers = app.auth.challenge_headers()
            self.send_raw(401, headers, close=result.close_connection)
            return

        time.sleep(app.settings.latency.request_ms / 1000)
        if not body:
            self.send_raw(200, result.headers)
            return
        status, payload = self._handle_soap(body, result.username or "")
        headers = [*result.headers, ("Content-Type", SOAP_CONTENT_TYPE)]
        self.send_raw(status, headers, payload)

    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        """Reject every method but POST, as the WinRM listener does."""
        self.send_raw(405, [("Allow", "POST")])

    do_PUT = do_DELETE = do_HEAD = do_GET

    def _handle_soap(self, body: bytes, username: str) -> tuple[int, bytes]:
        app = self.server.app
        content_type = self.headers.get("Content-Type", "")
        if content_type.lower().startswith("multipart/"):
            # TODO: message encryption (NTLM/Kerberos sealing) is not served yet.
            logger.warning("encrypted request rejected content_type=%s", content_type)
            return 500, b""

        context = OperationContext(
            state=app.state,
            username=username,
            client_ip=self.client_address[0],
            endpoint=f"http://{self.headers.get('Host', 'localhost')}{WSMAN_PATH}",
        )
        message_id = None
        try:
            request = parse_request(body)
            message_id = request.message_id
            return 200, operations.handle(request, context)
        except faults.WsmanFault as fault:
            logger.info(
                "fault code=%s reason=%s", fault.wsman_code, fault.reason.strip()
            )
            return 500, fault.to_envelope(message_id, app.settings.hostname)
        except Exception:
            logger.exception("request failed message_id=%s", message_id)
            fault = faults.internal_error()
            return 500, fault.to_envelope(message_id, app.settings.hostname)

    def send_raw(
        self,
        status: int,
        headers: list[tuple[str, str]] | None = None,
        body: bytes = b"",
        close: bool = False,
    ) -> None:
        """Write status line, headers and body in one send."""
        lines = [
            f"{self.protocol_version} {status} {self.responses.get(status, ('',))[0]}",
            f"Server: {SERVER_HEADER}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{name}: {value}" for name, value in headers or []]
        if close:
            lines.append("Connection: close")
            self.close_connection = True
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + body)
        self.log_request(status, len(body))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Send http.server's access log to the logging module at DEBUG."""
        logger.debug("%s %s", self.client_address[0], format % args)
