"""Run native programs for a script that runs outside a server (in-process)."""

from __future__ import annotations

from typing import Any

from winrm_sim.child_process import run_child, standalone_context
from winrm_sim.environment import Environment


def run_in_process(
    interpreter: Any,
    name: str,
    arguments: str,
    write_out: Any,
    write_err: Any,
    stdin_text: str | None,
) -> int:
    """Run a native program with a context built from the script host."""
    host = interpreter.host
    env = host.env if isinstance(host.env, Environment) else Environment(dict(host.env))
    context = standalone_context(
        host.hostname, host.username, env, interpreter.location, host.codec
    )
    context.stop_event = host.stop_event
    return run_child(context, name, arguments, write_out, write_err, stdin_text)
