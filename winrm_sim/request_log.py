"""The log of recent HTTP requests a simulated host served, for inspection."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

DEFAULT_LENGTH = 1000


@dataclass
class RequestRecord:
    """One HTTP request and the reply it got."""

    time: float
    client: str
    method: str
    path: str
    status: int = 0
    operation: str | None = None
    user: str | None = None
    scheme: str | None = None
    encrypted: bool = False
    request_bytes: int = 0
    response_bytes: int = 0
    # Milliseconds from the request's arrival until its reply was ready to send.
    duration_ms: float = 0.0
    # The f:WSManFault or MSFT_WmiError code of a fault reply.
    fault_code: int | None = None
    # The kind of a staged fault that replaced or broke the reply.
    injected: str | None = None


class RequestLog:
    """The last `length` requests, oldest first."""

    def __init__(self, length: int = DEFAULT_LENGTH) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=length)
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        """Append a finished request."""
        with self._lock:
            self._records.append(record)

    def recent(self, limit: int | None = None) -> list[RequestRecord]:
        """Return the last `limit` records (all when None), oldest first."""
        with self._lock:
            records = list(self._records)
        return records[-limit:] if limit else records

    def to_list(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Return the last records as JSON-ready dictionaries."""
        return [asdict(record) for record in self.recent(limit)]

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()
