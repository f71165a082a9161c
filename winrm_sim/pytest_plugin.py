"""pytest fixtures for tests that need a simulated Windows host.

Load it from a conftest with `pytest_plugins = ["winrm_sim.pytest_plugin"]`.

- `winrm_host`: a running HTTP host with one user and AllowUnencrypted on, so
  that Basic over plain HTTP works as many test setups expect
- `make_winrm_host`: a factory of more hosts, stopped at the end of the test
- `sim_certificates`: a test CA and host certificates (session)
- `isolated_kerberos`: KRB5_CONFIG without realms, for NTLM clients (session)
- `kerberos_realm`: a started MIT KDC on loopback with the realm's KRB5_*
  variables set (session); it fails, not skips, when the KDC is missing
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from winrm_sim.certificates import CertificateSet, make_certificate_set
from winrm_sim.kdc import KerberosRealm, KerberosUnavailable, isolated_krb5_config
from winrm_sim.server import SimServer

WINRM_HOST_USER = "winrm-sim"
# Fixed test passwords of simulators and KDCs that listen on loopback only.
WINRM_HOST_PASSWORD = "Sim-Passw0rd!"  # noqa: S105
KERBEROS_USER = "krbuser"
KERBEROS_PASSWORD = "Krb-Passw0rd.42"  # noqa: S105


@pytest.fixture
def winrm_host() -> Iterator[SimServer]:
    """Yield a running simulator on a free loopback port with one user.

    The user is WINRM_HOST_USER with WINRM_HOST_PASSWORD, also available as
    `server.credentials`. AllowUnencrypted is on, so Basic over HTTP works;
    use `make_winrm_host` for a host with Windows' default (off).
    """
    server = SimServer(
        "127.0.0.1",
        0,
        {WINRM_HOST_USER: WINRM_HOST_PASSWORD},
        allow_unencrypted=True,
    )
    with server:
        yield server


@pytest.fixture
def make_winrm_host() -> Iterator[Callable[..., SimServer]]:
    """Yield a factory that starts a SimServer; all are stopped after the test.

    It takes SimServer's keyword arguments; `users` defaults to the
    `winrm_host` account and the address to a free port on 127.0.0.1.
    """
    servers: list[SimServer] = []

    def make(**options: Any) -> SimServer:
        options.setdefault("users", {WINRM_HOST_USER: WINRM_HOST_PASSWORD})
        server = SimServer(
            options.pop("host", "127.0.0.1"), options.pop("port", 0), **options
        )
        servers.append(server.start())
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def sim_certificates(tmp_path_factory: pytest.TempPathFactory) -> CertificateSet:
    """Return a test CA, a host certificate for localhost and broken variants."""
    return make_certificate_set(str(tmp_path_factory.mktemp("winrm-sim-certs")))


@pytest.fixture(scope="session")
def isolated_kerberos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Point KRB5_CONFIG at a file without realms for the whole session.

    pyspnego clients try Kerberos first when gssapi is installed; with no
    realm configured that attempt fails at once instead of reaching a KDC.
    """
    path = isolated_krb5_config(str(tmp_path_factory.mktemp("winrm-sim-krb5")))
    saved = os.environ.get("KRB5_CONFIG")
    os.environ["KRB5_CONFIG"] = path
    yield path
    if saved is None:
        os.environ.pop("KRB5_CONFIG", None)
    else:
        os.environ["KRB5_CONFIG"] = saved


@pytest.fixture(scope="session")
def kerberos_realm(isolated_kerberos: str) -> Iterator[KerberosRealm]:
    """Yield a started test realm whose KRB5_* variables are set in this process.

    It has the service principals of `localhost` and the user KERBEROS_USER
    with KERBEROS_PASSWORD, with a ticket for that user in KRB5CCNAME. The
    test fails with the install hint when the KDC tools are missing.
    """
    if importlib.util.find_spec("kerberos") is None:
        pytest.fail(
            "pywinrm's Kerberos transport needs pykerberos: run "
            "scripts/install-kerberos.sh, then pip install -r requirements-dev.txt",
            pytrace=False,
        )
    try:
        realm = KerberosRealm(users={KERBEROS_USER: KERBEROS_PASSWORD})
    except KerberosUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    with realm, realm.activate():
        realm.kinit(KERBEROS_USER)
        yield realm
