"""A throwaway MIT Kerberos realm on loopback for Kerberos tests.

`KerberosRealm` wraps k5test: it creates a KDC database in a temp dir, starts
krb5kdc bound to 127.0.0.1 only, adds service principals for the simulated
hosts (HTTP/ for pywinrm, host/ for pypsrp, WSMAN/) to a keytab, and adds
user principals. `environment()` returns the KRB5_* variables that clients
and the acceptor need; `activate()` sets them in this process.

Needs the Debian packages krb5-kdc, krb5-admin-server and krb5-user
(scripts/install-kerberos.sh installs them) and the k5test Python package.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import socket
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = (
    "run scripts/install-kerberos.sh as root, then pip install -r requirements-dev.txt"
)
REQUIRED_TOOLS = ("krb5kdc", "kdb5_util", "kadmin.local", "kinit")
REALM = "WINRM-SIM.TEST"
SERVICES = ("HTTP", "host", "WSMAN")
_SEARCH_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


class KerberosUnavailable(RuntimeError):
    """The KDC tools or Python packages for a test realm are missing."""


def missing_requirements() -> list[str]:
    """Return what is missing to start a realm: tools and Python modules."""
    search = os.pathsep.join([os.environ.get("PATH", ""), _SEARCH_PATH])
    missing = [
        tool for tool in REQUIRED_TOOLS if shutil.which(tool, path=search) is None
    ]
    for module in ("k5test", "gssapi", "krb5"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"Python package {module}")
    return missing


class KerberosRealm:
    """A started test realm; stop it with `stop()` or use it as a context manager."""

    def __init__(
        self,
        hostnames: Iterable[str] = ("localhost",),
        users: Mapping[str, str] | None = None,
        realm: str = REALM,
    ) -> None:
        self.users = {name: _checked_password(pw) for name, pw in (users or {}).items()}
        missing = missing_requirements()
        if missing:
            raise KerberosUnavailable(
                f"cannot start a Kerberos test realm, missing: {', '.join(missing)}; "
                f"{INSTALL_HINT}"
            )
        from k5test import K5Realm

        port = free_port()
        self.realm_name = realm
        self.port = port
        self._realm = K5Realm(
            realm=realm,
            portbase=port,
            krb5_conf=_krb5_conf(),
            kdc_conf=_kdc_conf(),
            create_host=False,
            get_creds=False,
        )
        self.keytab = self._realm.keytab
        # The KDC runs as a child process: stop it also when the caller exits
        # without calling stop(), as after an error or Ctrl+C.
        atexit.register(self.stop)
        try:
            for hostname in hostnames:
                self.add_service_host(hostname)
            for name, password in self.users.items():
                self._realm.addprinc(self.principal(name), password)
        except Exception:
            self.stop()
            raise

    def principal(self, user: str) -> str:
        """Return `user@REALM`."""
        return f"{user}@{self.realm_name}"

    def add_service_host(self, hostname: str) -> None:
        """Add the HTTP, host and WSMAN principals of a host to the keytab."""
        for service in SERVICES:
            principal = f"{service}/{hostname}@{self.realm_name}"
            self._realm.addprinc(principal)
            self._realm.extract_keytab(principal, self.keytab)

    def environment(self) -> dict[str, str]:
        """Return KRB5_CONFIG, KRB5_KTNAME, KRB5CCNAME and the other variables."""
        return dict(self._realm.env)

    def kinit(self, user: str) -> None:
        """Get a ticket for a user into the realm's credential cache (KRB5CCNAME)."""
        self._realm.kinit(self.principal(user), self.users[user])

    @contextmanager
    def activate(self) -> Iterator[KerberosRealm]:
        """Set the realm's KRB5_* variables in this process, then restore them."""
        changed = {
            key: value
            for key, value in self.environment().items()
            if key.startswith("KRB5")
        }
        saved = {key: os.environ.get(key) for key in changed}
        os.environ.update(changed)
        try:
            yield self
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def stop(self) -> None:
        """Stop the KDC and remove the realm's temp dir. Later calls do nothing."""
        atexit.unregister(self.stop)
        if not os.path.isdir(self._realm.tmpdir):
            return
        self._realm.stop()
        shutil.rmtree(self._realm.tmpdir, ignore_errors=True)

    def __enter__(self) -> KerberosRealm:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def isolated_krb5_config(directory: str) -> str:
    """Write a krb5.conf without realms or DNS lookups and return its path.

    Clients with pyspnego and gssapi try Kerberos before NTLM. With the
    system krb5.conf that can mean asking a KDC on the network for a ticket,
    so tests that use NTLM point KRB5_CONFIG here instead.
    """
    path = Path(directory) / "krb5-isolated.conf"
    path.write_text(
        "[libdefaults]\n"
        "  dns_lookup_kdc = false\n"
        "  dns_lookup_realm = false\n"
        "  rdns = false\n"
        "  dns_canonicalize_hostname = false\n"
    )
    return str(path)


def _checked_password(password: str) -> str:
    # k5test passes the password inside a kadmin.local query, which does not
    # understand shell quoting, so only characters that need none work.
    if not password or shlex.quote(password) != password:
        raise ValueError(
            "a test realm password may only contain letters, digits and @%+=:,./-"
        )
    return password


def free_port() -> int:
    """Return a port that is free on 127.0.0.1 for both TCP and UDP right now."""
    for _ in range(20):
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port
    raise OSError("no port free for both TCP and UDP on 127.0.0.1")


def _krb5_conf() -> dict:
    # Everything on loopback: the KDC address, and host names taken as given.
    return {
        "libdefaults": {
            "rdns": "false",
            "dns_canonicalize_hostname": "false",
            "dns_lookup_kdc": "false",
            "dns_lookup_realm": "false",
            "udp_preference_limit": "1",
        },
        "realms": {
            "$realm": {
                "kdc": "127.0.0.1:$port0",
                "admin_server": "127.0.0.1:$port1",
                "kpasswd_server": "127.0.0.1:$port2",
            }
        },
    }


def _kdc_conf() -> dict:
    # krb5kdc binds kdc_ports to every address; kdc_listen keeps it on loopback.
    return {
        "realms": {
            "$realm": {
                "kdc_listen": "127.0.0.1:$port0",
                "kdc_tcp_listen": "127.0.0.1:$port0",
            }
        },
    }
