"""Faults on demand: what a test wants one simulated host to do wrong.

A `FaultPlan` contains staged responses for the next matching requests, added
latency per operation, a slow first logon per user and a throughput cap. The
HTTP handler consults it for every WS-Management request. Refusing
connections is a server action: see `SimServer.refuse_connections`.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import asdict, dataclass
from typing import Any

OPERATIONS = ("Create", "Command", "Receive", "Send", "Signal", "Delete", "Get")
ANY_OPERATION = "*"

# respond: skip the operation and send `status` and `body` instead.
# html: skip the operation and send an HTML page, as a proxy in the way would.
# reset: run the operation, send part of the reply, then reset the connection.
# drop: run the operation, then close the connection without a reply.
KINDS = ("respond", "html", "reset", "drop")
_DEFAULT_STATUS = {"respond": 500, "html": 200, "reset": 200, "drop": 200}

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head>"
    b"<body><h1>Service Unavailable</h1><p>The proxy could not reach the "
    b"server.</p></body></html>"
)


@dataclass
class StagedFault:
    """A response staged for the next `times` requests of one operation."""

    operation: str
    kind: str
    status: int
    body: bytes = b""
    content_type: str | None = None
    times: int = 1
    delay_s: float = 0.0
    used: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the fault as JSON-ready values, with the body in base64."""
        values = asdict(self)
        values["body_base64"] = base64.b64encode(values.pop("body")).decode()
        return values


class FaultPlan:
    """The faults of one host. All methods are thread-safe."""

    def __init__(self) -> None:
        self.latency_s: dict[str, float] = {}
        self.first_logon_delay_s = 0.0
        # Cap on the bytes per second of every reply, None for no cap.
        self.throughput_bytes_per_s: int | None = None
        self.staged: list[StagedFault] = []
        self._logged_on: set[str] = set()
        self._lock = threading.Lock()

    def stage(
        self,
        operation: str = ANY_OPERATION,
        *,
        kind: str = "respond",
        status: int | None = None,
        body: bytes = b"",
        content_type: str | None = None,
        times: int = 1,
        delay_s: float = 0.0,
    ) -> StagedFault:
        """Stage a response for the next `times` requests of `operation`.

        `operation` is an action name such as `Create` or `Receive`, matched
        without regard to case, or `*` for any. Raise ValueError for an
        unknown operation or kind.
        """
        kind = _kind(kind)
        fault = StagedFault(
            operation=_operation_name(operation),
            kind=kind,
            status=status if status is not None else _DEFAULT_STATUS[kind],
            body=body,
            content_type=content_type,
            times=times,
            delay_s=delay_s,
        )
        with self._lock:
            self.staged.append(fault)
        return fault

    def take(self, operation: str) -> StagedFault | None:
        """Return and use up one staged fault matching an operation, if any."""
        with self._lock:
            for fault in self.staged:
                if fault.operation in (operation, ANY_OPERATION):
                    fault.used += 1
                    if fault.used >= fault.times:
                        self.staged.remove(fault)
                    return fault
        return None

    def set_latency(self, operation: str, seconds: float) -> None:
        """Add `seconds` of delay to every request of an operation (`*` for all)."""
        with self._lock:
            self.latency_s[_operation_name(operation)] = seconds

    def delay_for(self, operation: str) -> float:
        """Return the added delay of an operation in seconds."""
        with self._lock:
            return self.latency_s.get(operation, 0.0) + self.latency_s.get(
                ANY_OPERATION, 0.0
            )

    def logon_delay_for(self, username: str) -> float:
        """Return the first-logon delay the first time a user logs on, else 0."""
        with self._lock:
            key = username.casefold()
            if key in self._logged_on:
                return 0.0
            self._logged_on.add(key)
            return self.first_logon_delay_s

    def clear(self) -> None:
        """Remove every fault; users who logged on stay logged on before."""
        with self._lock:
            self.staged.clear()
            self.latency_s.clear()
            self.first_logon_delay_s = 0.0
            self.throughput_bytes_per_s = None

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready values."""
        with self._lock:
            return {
                "latency_s": dict(self.latency_s),
                "first_logon_delay_s": self.first_logon_delay_s,
                "throughput_bytes_per_s": self.throughput_bytes_per_s,
                "staged": [fault.to_dict() for fault in self.staged],
            }

    def apply(self, changes: dict[str, Any]) -> None:
        """Apply a JSON request of the inspection endpoint.

        Keys: `clear`, `stage` (a list of `stage()` arguments, with `body` as
        text or `body_base64`), `latency_s` (operation to seconds),
        `first_logon_delay_s` and `throughput_bytes_per_s`. Raise ValueError
        or TypeError for values of the wrong kind.
        """
        if changes.get("clear"):
            self.clear()
        for operation, seconds in dict(changes.get("latency_s") or {}).items():
            self.set_latency(operation, float(seconds))
        if "first_logon_delay_s" in changes:
            self.first_logon_delay_s = float(changes["first_logon_delay_s"])
        if "throughput_bytes_per_s" in changes:
            cap = changes["throughput_bytes_per_s"]
            self.throughput_bytes_per_s = int(cap) if cap else None
        for item in changes.get("stage") or []:
            self.stage(**_stage_arguments(dict(item)))


def operation_of(action: str | None) -> str:
    """Return the operation name of a WS-Management action URI."""
    if not action:
        return "Unknown"
    return action.rsplit("/", 1)[-1]


def _stage_arguments(item: dict[str, Any]) -> dict[str, Any]:
    if "body_base64" in item:
        item["body"] = base64.b64decode(item.pop("body_base64"), validate=True)
    elif isinstance(item.get("body"), str):
        item["body"] = item["body"].encode("utf-8")
    allowed = {
        "operation",
        "kind",
        "status",
        "body",
        "content_type",
        "times",
        "delay_s",
    }
    unknown = set(item) - allowed
    if unknown:
        raise ValueError(f"unknown stage fields: {', '.join(sorted(unknown))}")
    return item


def _operation_name(operation: str) -> str:
    if operation == ANY_OPERATION:
        return operation
    for name in OPERATIONS:
        if name.lower() == operation.lower():
            return name
    known = ", ".join(OPERATIONS)
    raise ValueError(f"unknown operation {operation!r}: use one of {known} or *")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}: use one of {', '.join(KINDS)}")
    return kind
