"""pytest fixtures for tests that need a simulated Windows host.

Load it from a conftest with `pytest_plugins = ["winrm_sim.pytest_plugin"]`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from winrm_sim.server import SimServer

WINRM_HOST_USER = "winrm-sim"
# A fixed test password of a simulator that listens on loopback only.
WINRM_HOST_PASSWORD = "Sim-Passw0rd!"  # noqa: S105


@pytest.fixture
def winrm_host() -> Iterator[SimServer]:
    """Yield a running simulator on a free loopback port with one user.

    The user is WINRM_HOST_USER with WINRM_HOST_PASSWORD, also available as
    `server.credentials`.
    """
    server = SimServer("127.0.0.1", 0, {WINRM_HOST_USER: WINRM_HOST_PASSWORD})
    with server:
        yield server
