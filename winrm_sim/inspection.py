"""The inspection endpoint: a JSON view of a simulated host under `/_sim/`.

It is apart from the WS-Management endpoint and protected by its own token,
sent as `Authorization: Bearer <token>`:

- `GET /_sim/state`: shells, commands, orphan processes, counters, locked accounts
- `GET /_sim/requests?limit=N`: the last requests served
- `GET /_sim/faults`, `POST /_sim/faults` (JSON, see `FaultPlan.apply`, plus
  `refuse_connections_s`), `DELETE /_sim/faults`: the host's fault plan
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from winrm_sim.state import Command, Shell

if TYPE_CHECKING:
    from winrm_sim.server import SimServer

logger = logging.getLogger(__name__)

PREFIX = "/_sim/"
_COMMAND_LINE_SHOWN = 200


@dataclass
class InspectionResponse:
    """A JSON reply and an optional action to run once it was sent."""

    status: int
    payload: Any
    after: Callable[[], None] | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        """Return the payload as UTF-8 JSON."""
        return json.dumps(self.payload, sort_keys=True).encode("utf-8")

    def __post_init__(self) -> None:
        self.headers = [("Content-Type", "application/json"), *self.headers]


def handle(
    app: SimServer, method: str, path: str, headers: Message, body: bytes
) -> InspectionResponse:
    """Check the token and serve one inspection request."""
    if not _token_matches(app.inspection_token, headers.get("Authorization")):
        return InspectionResponse(
            401,
            {"error": "missing or wrong inspection token"},
            headers=[("WWW-Authenticate", 'Bearer realm="winrm_sim"')],
        )
    url = urlsplit(path)
    route = (method, url.path.removeprefix(PREFIX).rstrip("/"))
    if route == ("GET", "state"):
        return InspectionResponse(200, state_snapshot(app))
    if route == ("GET", "requests"):
        return InspectionResponse(200, app.requests.to_list(_limit(url.query)))
    if route[1] == "faults":
        return _faults(app, method, body)
    return InspectionResponse(404, {"error": f"no inspection resource {url.path}"})


def _faults(app: SimServer, method: str, body: bytes) -> InspectionResponse:
    if method == "GET":
        return InspectionResponse(200, app.faults.to_dict())
    if method == "DELETE":
        app.faults.clear()
        return InspectionResponse(200, app.faults.to_dict())
    if method != "POST":
        return InspectionResponse(405, {"error": f"method {method} not allowed"})

    try:
        changes = json.loads(body or b"{}")
        refusal_s = changes.pop("refuse_connections_s", None)
        refusal_s = None if refusal_s is None else float(refusal_s)
        app.faults.apply(changes)
    except (ValueError, TypeError, AttributeError) as error:
        logger.warning("invalid fault request rejected error=%s", error)
        return InspectionResponse(400, {"error": f"invalid fault request: {error}"})
    after = None
    if refusal_s is not None:
        # Stop listening only after this reply went out on the connection it closes.
        def after() -> None:
            app.refuse_connections(refusal_s)

    logger.info("fault plan changed by inspection request")
    return InspectionResponse(200, app.faults.to_dict(), after)


def state_snapshot(app: SimServer) -> dict[str, Any]:
    """Return the host's shells, orphans, counters and settings as JSON values."""
    state = app.state
    with state.lock:
        shells = [_shell(shell) for shell in state.shells.values()]
        orphans = [
            {
                "shell_id": orphan.shell_id,
                "owner": orphan.owner,
                **_command(orphan.command),
            }
            for orphan in state.orphans
            if not orphan.command.process.finished
        ]
        counters = dict(state.counters)
    return {
        "hostname": app.settings.hostname,
        "url": app.url,
        "listening": app.listening,
        "settings": _settings(app),
        "shells": shells,
        "orphans": orphans,
        "counters": counters,
        "locked_accounts": app.lockout.locked_accounts(),
    }


def _shell(shell: Shell) -> dict[str, Any]:
    now = time.monotonic()
    return {
        "shell_id": shell.shell_id,
        "owner": shell.owner,
        "client_ip": shell.client_ip,
        "codepage": shell.codepage,
        "age_s": round(now - shell.created_at, 3),
        "idle_s": round(now - shell.last_activity, 3),
        "idle_timeout_s": shell.idle_timeout_s,
        "operations": shell.operations,
        "commands": [_command(command) for command in shell.commands.values()],
    }


def _command(command: Command) -> dict[str, Any]:
    process = command.process
    return {
        "command_id": command.command_id,
        "command_line": command.command_line[:_COMMAND_LINE_SHOWN],
        "state": "done" if process.finished else "running",
        "exit_code": process.exit_code,
        "stop_reason": process.stop_reason,
        "stdin_closed": process.stdin.closed,
        "output_bytes": {name: len(data) for name, data in process.history.items()},
    }


def _settings(app: SimServer) -> dict[str, Any]:
    settings = app.settings
    return {
        "allow_unencrypted": settings.allow_unencrypted,
        "auth_methods": sorted(settings.auth_methods),
        "https": app.tls is not None,
        "max_envelope_size_kb": settings.max_envelope_size_kb,
        "max_timeout_ms": settings.max_timeout_ms,
        "max_shells_per_user": settings.max_shells_per_user,
        "max_concurrent_operations_per_user": (
            settings.max_concurrent_operations_per_user
        ),
        "idle_timeout_ms": settings.idle_timeout_ms,
        "lockout_threshold": settings.lockout_threshold,
    }


def _token_matches(expected: str, header: str | None) -> bool:
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


def _limit(query: str) -> int | None:
    values = parse_qs(query).get("limit")
    if not values or not values[0].isdigit():
        return None
    return int(values[0])
