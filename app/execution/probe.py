"""The "test connection" check of a target."""

import time

from app.execution.client import classify, protocol_for
from app.execution.errors import Category, ExecutionError
from app.execution.shell import RemoteShell
from app.targets.models import Target

PROBE_COMMAND = "hostname"


def test_connection(target: Target) -> str:
    """Open a shell on ``target``, run ``hostname`` and delete the shell.

    Returns a one-line success message; raises ExecutionError saying what failed.
    """
    output: list[bytes] = []
    started = time.monotonic()
    try:
        with protocol_for(target) as protocol:
            shell = RemoteShell(protocol, target.codepage)
            try:
                shell.open()
                deadline = started + target.read_timeout_sec
                result = shell.run(
                    PROBE_COMMAND,
                    [],
                    lambda stream, data: output.append(data),
                    lambda: "timed_out" if time.monotonic() > deadline else None,
                )
            finally:
                shell.close()
    except Exception as exc:
        raise classify(exc, target) from exc

    if result.stopped:
        raise ExecutionError(
            Category.TIMEOUT,
            f"{PROBE_COMMAND} on {target.name} did not finish within "
            f"{target.read_timeout_sec} s",
        )
    if result.exit_code != 0:
        raise ExecutionError(
            Category.SCRIPT,
            f"{PROBE_COMMAND} on {target.name} ended with exit code {result.exit_code}",
        )
    name = b"".join(output).decode("utf-8", "replace").strip()
    elapsed = int((time.monotonic() - started) * 1000)
    return f"Connected to {name or target.host} in {elapsed} ms"


test_connection.__test__ = False
