"""Classified execution errors: what failed, whether a retry can help, what to do."""

import enum


class Category(enum.StrEnum):
    NETWORK = "network"
    TLS = "tls"
    AUTHENTICATION = "authentication"
    HOST_BUSY = "host_busy"
    PROTOCOL = "protocol"
    SCRIPT = "script"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    RESOURCE_LIMIT = "resource_limit"
    CONFIGURATION = "configuration"


class ExecutionError(Exception):
    """A failure while reaching a target or running a command on it."""

    def __init__(
        self, category: Category, message: str, *, retryable: bool = False
    ) -> None:
        super().__init__(message)
        self.category = category
        self.message = message
        self.retryable = retryable

    def __str__(self) -> str:
        return f"{self.category.value}: {self.message}"
