"""Request context of a shell operation: sender, client address, target shell."""

from __future__ import annotations

import time
from dataclasses import dataclass

from winrm_sim import faults, quotas
from winrm_sim.soap import WsmanRequest
from winrm_sim.state import HostState, Shell


@dataclass
class OperationContext:
    """Sender, client address and endpoint of a request, and the addressed host."""

    state: HostState
    username: str
    client_ip: str
    endpoint: str


def shell_for(request: WsmanRequest, context: OperationContext) -> Shell:
    """Return the request's shell, which must belong to the authenticated user.

    A shell past its IdleTimeout is deleted here, so the request gets the same
    unknown-shell fault as on Windows even before the background sweep runs.
    """
    shell = context.state.shell(request.selectors.get("ShellId"))
    # Shells are per user, so another user's shell id is reported as not found.
    if shell.owner != context.username:
        raise faults.unknown_shell(shell.shell_id)
    if quotas.is_expired(shell, time.monotonic()):
        quotas.expire_shell(context.state, shell.shell_id)
        raise faults.unknown_shell(shell.shell_id)
    return shell
