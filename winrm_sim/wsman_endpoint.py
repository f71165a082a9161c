"""The `/wsman` endpoint: authentication, message encryption and dispatch.

`serve` turns one HTTP request into a `Reply` in the order a Windows host
works: authenticate the connection, reject an oversized body (413), unseal an
encrypted body or reject a plain one over HTTP when AllowUnencrypted is false
(500), run the operation, and seal the reply like the request was sealed.
Staged faults of the host's `FaultPlan` replace or break the reply.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from winrm_sim import encryption, faults, operations
from winrm_sim.auth import AuthOutcome, AuthResult, ConnectionState
from winrm_sim.context import OperationContext
from winrm_sim.fault_injection import HTML_PAGE, StagedFault, operation_of
from winrm_sim.request_log import RequestRecord
from winrm_sim.soap import WsmanRequest, parse_request

if TYPE_CHECKING:
    from winrm_sim.server import SimServer

logger = logging.getLogger(__name__)

SOAP_CONTENT_TYPE = "application/soap+xml;charset=UTF-8"
Headers = list[tuple[str, str]]


@dataclass
class HttpRequest:
    """The parts of an HTTP request that the endpoint uses."""

    authorization: str | None
    content_type: str
    host_header: str
    client_ip: str
    body: bytes
    too_large: bool = False


@dataclass
class Reply:
    """An HTTP reply and how to deliver it: `normal`, `reset` or `drop`."""

    status: int
    headers: Headers = field(default_factory=list)
    body: bytes = b""
    close: bool = False
    delivery: str = "normal"
    # False for staged replies, which go out exactly as staged.
    sealable: bool = True


class Rejected(Exception):
    """A request refused before any operation ran, with the HTTP status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def serve(
    app: SimServer,
    connection: ConnectionState,
    request: HttpRequest,
    record: RequestRecord,
) -> Reply:
    """Authenticate one POST to /wsman and return its reply."""
    result = app.auth.authenticate(request.authorization, connection)
    if not result.accepted:
        return _unauthenticated_reply(app, result, request)

    record.user, record.scheme = result.username, connection.scheme
    time.sleep(app.faults.logon_delay_for(result.username or ""))
    reply = _authenticated_reply(app, connection, request, record)
    if result.token_header:
        # The last token of the handshake rides on the first reply after it.
        reply.headers.insert(0, ("WWW-Authenticate", result.token_header))
    return reply


def _unauthenticated_reply(
    app: SimServer, result: AuthResult, request: HttpRequest
) -> Reply:
    if result.outcome is AuthOutcome.CONTINUE:
        return Reply(401, [("WWW-Authenticate", result.token_header or "Negotiate")])
    app.state.count("auth_rejected" if request.authorization else "auth_challenged")
    return Reply(401, app.auth.challenge_headers(), close=result.close_connection)


def _authenticated_reply(
    app: SimServer,
    connection: ConnectionState,
    request: HttpRequest,
    record: RequestRecord,
) -> Reply:
    if request.too_large:
        app.state.count("envelope_too_large")
        _consume_sealed(connection, request)
        return Reply(413)
    time.sleep(app.settings.latency.request_ms / 1000)
    if not request.body:
        return Reply(200)

    try:
        soap, protocol = _plaintext(app, connection, request)
    except Rejected as rejection:
        logger.warning(
            "request rejected status=%d reason=%s", rejection.status, rejection
        )
        return Reply(rejection.status)
    record.encrypted = protocol is not None
    reply = _dispatch(app, record.user or "", request, soap, record)
    if protocol is not None and reply.sealable:
        _seal(reply, connection, protocol)
    return reply


def _consume_sealed(connection: ConnectionState, request: HttpRequest) -> None:
    """Unseal and drop a rejected sealed body, keeping NTLM's RC4 state in step.

    NOTE: whether Windows closes the connection after a 413 is not known here.
    It stays open, and so the session can go on with smaller requests.
    """
    if encryption.is_encrypted(request.content_type) and connection.can_seal:
        try:
            encryption.unwrap(request.body, connection.context)
        except encryption.EncryptionError as error:
            logger.info("oversized sealed body not readable error=%s", error)


def _plaintext(
    app: SimServer, connection: ConnectionState, request: HttpRequest
) -> tuple[bytes, str | None]:
    if encryption.is_encrypted(request.content_type):
        if not connection.can_seal:
            raise Rejected(400, "encrypted body on a connection without a context")
        try:
            protocol = encryption.protocol_of(request.content_type)
            return encryption.unwrap(request.body, connection.context), protocol
        except encryption.EncryptionError as error:
            raise Rejected(400, str(error)) from None

    if not connection.secure and not app.settings.allow_unencrypted:
        app.state.count("unencrypted_rejected")
        raise Rejected(500, "unencrypted body over HTTP and AllowUnencrypted is false")
    return request.body, None


def _dispatch(
    app: SimServer,
    username: str,
    request: HttpRequest,
    soap: bytes,
    record: RequestRecord,
) -> Reply:
    message_id = None
    staged = None
    try:
        parsed = parse_request(soap)
        message_id = parsed.message_id
        staged = _take_staged(app, parsed, record)
        if staged is not None and staged.kind in ("respond", "html"):
            return _injected_reply(staged)
        body = operations.handle(parsed, _operation_context(app, username, request))
        reply = Reply(200, [("Content-Type", SOAP_CONTENT_TYPE)], body)
    except faults.WsmanFault as fault:
        reply = _fault_reply(app, fault, message_id, record)
    except Exception:
        logger.exception("request failed message_id=%s", message_id)
        reply = _fault_reply(app, faults.internal_error(), message_id, record)

    if staged is not None:
        reply.delivery = staged.kind
    return reply


def _take_staged(
    app: SimServer, parsed: WsmanRequest, record: RequestRecord
) -> StagedFault | None:
    """Return the staged fault for this operation, after the configured delays."""
    record.operation = operation_of(parsed.action)
    staged = app.faults.take(record.operation)
    delay = app.faults.delay_for(record.operation)
    if staged is not None:
        record.injected = staged.kind
        delay += staged.delay_s
    time.sleep(delay)
    return staged


def _operation_context(
    app: SimServer, username: str, request: HttpRequest
) -> OperationContext:
    scheme = "https" if app.tls is not None else "http"
    return OperationContext(
        state=app.state,
        username=username,
        client_ip=request.client_ip,
        endpoint=f"{scheme}://{request.host_header or 'localhost'}/wsman",
    )


def _fault_reply(
    app: SimServer,
    fault: faults.WsmanFault,
    message_id: str | None,
    record: RequestRecord,
) -> Reply:
    record.fault_code = fault.wsman_code
    logger.info("fault code=%s reason=%s", fault.wsman_code, fault.reason.strip())
    envelope = fault.to_envelope(message_id, app.settings.hostname)
    return Reply(500, [("Content-Type", SOAP_CONTENT_TYPE)], envelope)


def _injected_reply(staged: StagedFault) -> Reply:
    body = staged.body
    content_type = staged.content_type
    if staged.kind == "html":
        body = body or HTML_PAGE
        content_type = content_type or "text/html; charset=utf-8"
    headers = [("Content-Type", content_type)] if content_type else []
    return Reply(staged.status, headers, body, sealable=False)


def _seal(reply: Reply, connection: ConnectionState, protocol: str) -> None:
    if not reply.body:
        return
    content_type, reply.body = encryption.wrap(reply.body, connection.context, protocol)
    reply.headers = [(k, v) for k, v in reply.headers if k != "Content-Type"]
    reply.headers.append(("Content-Type", content_type))
