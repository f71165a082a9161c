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


GUIDANCE = {
    Category.NETWORK: "Check the host name, the port, firewalls and that the WinRM "
    "service runs (winrm quickconfig).",
    Category.TLS: "Add the host's CA bundle to the target, or fix the certificate's "
    "host name and validity.",
    Category.AUTHENTICATION: "Check the credential's user name and password and that "
    "the host allows the target's authentication method.",
    Category.HOST_BUSY: "The host's WinRM quota is used up by other sessions; the run "
    "was retried. Wait, or raise MaxShellsPerUser on the host.",
    Category.PROTOCOL: "The host answered something unexpected; check its WinRM "
    "configuration and event log.",
    Category.SCRIPT: "The script failed on the host; read its output and error "
    "records.",
    Category.TIMEOUT: "The step or run exceeded its time limit and was stopped; "
    "raise the limit or make the script faster.",
    Category.CANCELLED: "Someone cancelled the run; the command was stopped on the "
    "host.",
    Category.RESOURCE_LIMIT: "The host stopped the command at a resource limit such "
    "as MaxMemoryPerShellMB; raise it or use less memory. Not retried.",
    Category.CONFIGURATION: "Fix the target's settings (transport, authentication, "
    "host name) or the host's WinRM policy.",
}


def guidance_for(category: str | None) -> str | None:
    """Return the one-line advice for an error category, if it is known."""
    try:
        return GUIDANCE[Category(category)]
    except ValueError:
        return None
