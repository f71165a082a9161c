"""WinRS quotas and the shell IdleTimeout of a simulated host.

MaxShellsPerUser counts the open shells of a user. MaxConcurrentOperationsPerUser
counts the Commands started in the user's open shells: as on Windows, a Signal
terminate does not give an operation back, only deleting its shell does.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from winrm_sim import faults
from winrm_sim.soap import parse_duration
from winrm_sim.state import HostState, Shell

logger = logging.getLogger(__name__)

# Seconds between two sweeps of the background IdleTimeout check.
SWEEP_INTERVAL_S = 0.25


def check_shell_quota(state: HostState, username: str) -> None:
    """Raise the QuotaLimit fault when the user has MaxShellsPerUser shells open.

    Call it while holding `state.lock` and add the new shell before releasing it.
    """
    limit = state.settings.max_shells_per_user
    open_shells = sum(1 for shell in state.shells.values() if shell.owner == username)
    if open_shells >= limit:
        state.count("quota_faults")
        logger.info("shell quota reached user=%s limit=%d", username, limit)
        raise faults.shell_quota_exceeded(limit)


def count_operation(state: HostState, shell: Shell) -> None:
    """Count a new Command, or raise the fault when the user has no operation left."""
    limit = state.settings.max_concurrent_operations_per_user
    with state.lock:
        used = sum(
            other.operations
            for other in state.shells.values()
            if other.owner == shell.owner
        )
        if used >= limit:
            state.counters["quota_faults"] += 1
            logger.info("operation quota reached user=%s limit=%d", shell.owner, limit)
            raise faults.operation_quota_exceeded(limit)
        shell.operations += 1


def idle_timeout_s(state: HostState, requested: str | None) -> float:
    """Return a new shell's IdleTimeout: the client's rsp:IdleTimeOut, capped.

    NOTE: a value that is not an xs:duration falls back to the service setting.
    pywinrm sends whatever value it is given, and the fault Windows returns for
    an invalid one is not known here.
    """
    limit = state.settings.idle_timeout_ms / 1000
    if not requested:
        return limit
    try:
        return min(parse_duration(requested), limit)
    except ValueError:
        logger.warning("ignoring invalid IdleTimeOut value=%r", requested)
        return limit


def format_duration(seconds: float) -> str:
    """Format seconds as Windows writes IdleTimeOut, such as `PT7200.000S`."""
    return f"PT{seconds:.3f}S"


def is_expired(shell: Shell, now: float) -> bool:
    """Return True when a shell saw no request for longer than its IdleTimeout."""
    return shell.busy == 0 and now - shell.last_activity > shell.idle_timeout_s


def expire_idle_shells(state: HostState) -> list[str]:
    """Delete the shells past their IdleTimeout, stopping their processes."""
    now = time.monotonic()
    with state.lock:
        expired = [s.shell_id for s in state.shells.values() if is_expired(s, now)]
    for shell_id in expired:
        expire_shell(state, shell_id)
    return expired


def expire_shell(state: HostState, shell_id: str) -> None:
    """Delete one shell because of its IdleTimeout."""
    try:
        state.remove_shell(shell_id, stop_processes=True)
    except faults.WsmanFault:
        return
    state.count("shells_expired")
    logger.info("shell expired after IdleTimeout shell_id=%s", shell_id)


@contextmanager
def shell_activity(state: HostState, shell: Shell) -> Iterator[None]:
    """Mark a shell busy for the duration of a request, then note the activity."""
    with state.lock:
        shell.busy += 1
        shell.last_activity = time.monotonic()
    try:
        yield
    finally:
        with state.lock:
            shell.busy -= 1
            shell.last_activity = time.monotonic()


class IdleSweeper:
    """One background thread that expires idle shells of every registered host."""

    def __init__(self) -> None:
        self._states: weakref.WeakSet[HostState] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def register(self, state: HostState) -> None:
        """Check this host's shells from now on, starting the thread if needed."""
        with self._lock:
            self._states.add(state)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="winrm-sim-idle-sweeper", daemon=True
                )
                self._thread.start()

    def unregister(self, state: HostState) -> None:
        """Stop checking a host."""
        with self._lock:
            self._states.discard(state)

    def _run(self) -> None:
        while True:
            time.sleep(SWEEP_INTERVAL_S)
            with self._lock:
                states = list(self._states)
            for state in states:
                expire_idle_shells(state)


SWEEPER = IdleSweeper()
