"""A winrm_sim host in a child process, with the time of every Command it starts.

The host runs outside the benchmark process so that no client being measured
shares a Python interpreter (and its GIL) with the server.
"""

import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass

from winrm_sim import SimServer

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 30.0


class CommandClock(Counter):
    """Host counters that also store when each Command started (time.monotonic).

    CLOCK_MONOTONIC is shared by every process on Linux, so the parent can
    subtract its own time.monotonic() readings from these.
    """

    def __init__(self) -> None:
        super().__init__()
        self.command_times: list[float] = []

    def __setitem__(self, key, value) -> None:
        if key == "commands_started":
            self.command_times.append(time.monotonic())
        super().__setitem__(key, value)


@dataclass
class HostActivity:
    """Counters and Command start times of a host since the previous reading."""

    counters: dict[str, int]
    command_times: list[float]


def _serve(profile: str, users: dict[str, str], connection) -> None:
    # Basic over HTTP, which every variant uses, needs AllowUnencrypted.
    server = SimServer(HOST, 0, users, latency=profile, allow_unencrypted=True)
    server.start()
    server.state.counters = CommandClock()
    connection.send(server.port)
    try:
        while connection.recv() == "take":
            with server.state.lock:
                counters = server.state.counters
                server.state.counters = CommandClock()
            connection.send(HostActivity(dict(counters), counters.command_times))
    except EOFError:
        pass
    finally:
        server.stop()
        connection.close()


class SimHost:
    """Start and stop a winrm_sim server with a latency profile in a child process."""

    def __init__(self, profile: str, users: dict[str, str]) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(profile, users, child_end),
            name=f"winrm-sim-{profile}",
            daemon=True,
        )
        self._process.start()
        child_end.close()
        try:
            if not self._connection.poll(START_TIMEOUT_SECONDS):
                raise EOFError
            self.port: int = self._connection.recv()
        except EOFError:
            self.stop()
            raise RuntimeError(
                f"winrm_sim ({profile} profile) did not start within "
                f"{START_TIMEOUT_SECONDS:.0f} s (exit code {self._process.exitcode}); "
                "its traceback, if any, is on stderr above"
            ) from None
        self.url = f"http://{HOST}:{self.port}/wsman"

    def take_activity(self) -> HostActivity:
        """Return the counters and Command times since the last call, then reset."""
        self._connection.send("take")
        return self._connection.recv()

    def stop(self) -> None:
        """Stop the server and its process."""
        try:
            self._connection.send("stop")
        except OSError:
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._connection.close()
