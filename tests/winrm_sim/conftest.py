"""Fixtures for the winrm_sim tests: a running simulator and pywinrm clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import winrm
from winrm.protocol import Protocol

from winrm_sim.pytest_plugin import winrm_host  # noqa: F401 - fixture
from winrm_sim.server import SimServer
from winrm_sim.testing import CLIENT_OPTIONS, make_protocol


@pytest.fixture
def session(winrm_host: SimServer) -> Iterator[winrm.Session]:  # noqa: F811
    """Yield a pywinrm Session for the running simulator."""
    client = winrm.Session(
        winrm_host.url, auth=winrm_host.credentials, transport="basic", **CLIENT_OPTIONS
    )
    yield client
    client.protocol.transport.close_session()


@pytest.fixture
def protocol(winrm_host: SimServer) -> Iterator[Protocol]:  # noqa: F811
    """Yield a pywinrm Protocol for the running simulator."""
    client = make_protocol(winrm_host)
    yield client
    client.transport.close_session()
