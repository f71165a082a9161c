"""HTTP/1.1 connection handling: TLS, request bodies, routing and delivery.

`POST /wsman` goes to `wsman_endpoint`, `/_sim/...` to `inspection`. Every
reply is written with a single send on a TCP_NODELAY socket: a reply split
into header and body writes stalls about 40 ms on Linux loopback, where
Nagle's algorithm meets delayed ACKs. Staged faults may instead reset the
connection halfway through a reply, drop the reply, or cap its throughput.
"""

from __future__ import annotations

import logging
import socket
import struct
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

from winrm_sim import inspection, wsman_endpoint
from winrm_sim.auth import ConnectionState
from winrm_sim.request_log import RequestRecord
from winrm_sim.wsman_endpoint import HttpRequest, Reply

if TYPE_CHECKING:
    from winrm_sim.server import SimHTTPServer

logger = logging.getLogger(__name__)

SERVER_HEADER = "Microsoft-HTTPAPI/2.0"
WSMAN_PATH = "/wsman"
# Bodies up to this size are read (and dropped when too large) before the
# 413, so the client reads the reply instead of a reset from unread data.
MAX_DRAINED_BODY = 64 * 1024 * 1024
# Pieces a throughput-capped reply is sent in, per second.
_THROTTLE_STEPS_PER_S = 20


class WsmanRequestHandler(BaseHTTPRequestHandler):
    """Serves one keep-alive connection."""

    protocol_version = "HTTP/1.1"
    server: SimHTTPServer

    def setup(self) -> None:
        """Run the TLS handshake on HTTPS, then create the connection's state."""
        app = self.server.app
        if app.tls is not None:
            self.request = app.tls.context.wrap_socket(self.request, server_side=True)
            self.server.track_connection(self.request)
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.auth_state = ConnectionState(
            secure=app.tls is not None,
            channel_binding=app.tls.channel_binding if app.tls else None,
        )

    def finish(self) -> None:
        """Flush and close the connection's streams, and a TLS socket."""
        try:
            super().finish()
        finally:
            self.server.forget_connection(self.request)
            if self.server.app.tls is not None:
                # socketserver closes the plain socket it accepted, which the
                # TLS socket took over, so the TLS socket is closed here.
                self.request.close()

    def do_POST(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        """Serve the WS-Management endpoint or the inspection endpoint."""
        if self._route() == "inspection":
            self._serve_inspection()
            return
        record = self._new_record()
        reply = self._wsman_reply(record)
        # Logged before the reply goes out, so a client that got the reply
        # finds its request in the log.
        self._log_record(record, reply)
        self._deliver(reply, record.operation)

    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        """Serve inspection reads; reject other GETs as the WinRM listener does."""
        if self._route() == "inspection":
            self._serve_inspection()
            return
        self.send_raw(405, [("Allow", "POST")])

    def do_DELETE(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        """Serve inspection deletes; reject other DELETEs."""
        self.do_GET()

    do_PUT = do_HEAD = do_GET

    def _route(self) -> str:
        path = self.path.split("?", 1)[0]
        if path.startswith(inspection.PREFIX):
            return "inspection"
        return "wsman" if path.lower() == WSMAN_PATH else "other"

    def _wsman_reply(self, record: RequestRecord) -> Reply:
        app = self.server.app
        length = self._content_length()
        if length is None:
            return Reply(400, close=True)
        if length > MAX_DRAINED_BODY:
            return Reply(413, close=True)
        body = self.rfile.read(length)
        record.request_bytes = len(body)
        if self._route() != "wsman":
            return Reply(404)

        too_large = length > app.settings.max_envelope_size_kb * 1024
        request = HttpRequest(
            authorization=self.headers.get("Authorization"),
            content_type=self.headers.get("Content-Type", ""),
            host_header=self.headers.get("Host", ""),
            client_ip=self.client_address[0],
            body=body,
            too_large=too_large,
        )
        return wsman_endpoint.serve(app, self.auth_state, request, record)

    def _content_length(self) -> int | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        return length if length >= 0 else None

    def _serve_inspection(self) -> None:
        length = self._content_length()
        if length is None or length > MAX_DRAINED_BODY:
            self.send_raw(400 if length is None else 413, close=True)
            return
        body = self.rfile.read(length)
        response = inspection.handle(
            self.server.app, self.command, self.path, self.headers, body
        )
        self.send_raw(response.status, response.headers, response.body)
        if response.after is not None:
            response.after()

    def _deliver(self, reply: Reply, operation: str | None) -> None:
        if reply.delivery == "drop":
            logger.info("dropping the reply operation=%s", operation)
            self.close_connection = True
            return
        data = self._head(reply) + reply.body
        if reply.delivery == "reset":
            self._send_then_reset(data, len(data) - len(reply.body) // 2)
            return
        self._send(data)
        self.log_request(reply.status, len(reply.body))

    def send_raw(
        self,
        status: int,
        headers: list[tuple[str, str]] | None = None,
        body: bytes = b"",
        close: bool = False,
    ) -> None:
        """Write status line, headers and body in one send."""
        reply = Reply(status, list(headers or []), body, close=close)
        self._send(self._head(reply) + body)
        self.log_request(status, len(body))

    def _head(self, reply: Reply) -> bytes:
        reason = self.responses.get(reply.status, ("",))[0]
        lines = [
            f"{self.protocol_version} {reply.status} {reason}",
            f"Server: {SERVER_HEADER}",
            f"Content-Length: {len(reply.body)}",
        ]
        lines += [f"{name}: {value}" for name, value in reply.headers]
        if reply.close:
            lines.append("Connection: close")
            self.close_connection = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(self, data: bytes) -> None:
        cap = self.server.app.faults.throughput_bytes_per_s
        if not cap:
            self.wfile.write(data)
            return
        step = max(1, cap // _THROTTLE_STEPS_PER_S)
        for start in range(0, len(data), step):
            self.wfile.write(data[start : start + step])
            self.wfile.flush()
            time.sleep(1 / _THROTTLE_STEPS_PER_S)

    def _send_then_reset(self, data: bytes, cut: int) -> None:
        """Send the first `cut` bytes, then reset the connection (RST, not FIN)."""
        self.wfile.write(data[:cut])
        self.wfile.flush()
        linger = struct.pack("ii", 1, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.close_connection = True
        self.connection.close()
        logger.info("connection reset after %d of %d bytes", cut, len(data))

    def _new_record(self) -> RequestRecord:
        return RequestRecord(
            time=time.time(),
            client=self.client_address[0],
            method=self.command,
            path=self.path,
        )

    def _log_record(self, record: RequestRecord, reply: Reply) -> None:
        record.status = reply.status
        record.response_bytes = len(reply.body)
        record.duration_ms = round((time.time() - record.time) * 1000, 3)
        self.server.app.requests.add(record)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Send http.server's access log to the logging module at DEBUG."""
        logger.debug("%s %s", self.client_address[0], format % args)
