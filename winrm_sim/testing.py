"""Helpers for tests that drive a SimServer with pywinrm, pypsrp or HTTP."""

from __future__ import annotations

import base64
import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import xmltodict
from winrm.protocol import Protocol

from winrm_sim.server import SimServer

SHELL_URI = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"

# Keeps pywinrm from reading proxy and CA bundle settings from the environment.
CLIENT_OPTIONS: dict[str, object] = {"proxy": None, "ca_trust_path": None}


def make_protocol(
    server: SimServer, transport: str = "basic", **options: object
) -> Protocol:
    """Return a pywinrm Protocol for a transport such as basic, ntlm or kerberos.

    It logs in with the server's first user unless `username` and `password`
    are among the options. On HTTPS it trusts `ca_trust_path` when given and
    otherwise skips the certificate check.
    """
    user, password = server.credentials
    settings = {"username": user, "password": password, **CLIENT_OPTIONS, **options}
    if server.tls is not None and "ca_trust_path" not in options:
        settings["server_cert_validation"] = "ignore"
    return Protocol(server.url, transport=transport, **settings)


def make_pypsrp_client(server: SimServer, auth: str = "negotiate", **options: Any):
    """Return a pypsrp Client for the server's address, port and scheme.

    `ca_file` on HTTPS sets the certificate check; without it the check is off.
    """
    from pypsrp.client import Client

    user, password = server.credentials
    url = urlsplit(server.url)
    settings: dict[str, Any] = {
        "port": url.port,
        "username": user,
        "password": password,
        "ssl": url.scheme == "https",
        "auth": auth,
        "no_proxy": True,
        "cert_validation": options.pop("ca_file", False),
    }
    settings.update(options)
    return Client(url.hostname, **settings)


def encode_ps_command(script: str) -> str:
    """Return the command line pywinrm's Session.run_ps sends for a script."""
    encoded = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    return f"powershell -encodedcommand {encoded}"


def send_signal(protocol: Protocol, shell_id: str, command_id: str, code: str) -> None:
    """Send a Signal with any code name, such as `ctrl_c` or `Terminate`."""
    header = protocol.build_wsman_header(
        action=f"{SHELL_URI}/Signal",
        resource_uri=f"{SHELL_URI}/cmd",
        shell_id=shell_id,
    )
    request = {"env:Envelope": header}
    request["env:Envelope"]["env:Body"] = {
        "rsp:Signal": {
            "@CommandId": command_id,
            "rsp:Code": f"{SHELL_URI}/signal/{code}",
        }
    }
    protocol.send_message(xmltodict.unparse(request))


class InspectionClient:
    """Reads and changes a simulator through its /_sim/ endpoint, in any process.

    `base_url` is the host's endpoint URL (`.../wsman`) or its root URL.
    `ssl_context` is needed for HTTPS hosts with a test certificate.
    """

    def __init__(self, base_url: str, token: str, ssl_context: Any = None) -> None:
        parts = urlsplit(base_url)
        self.root = f"{parts.scheme}://{parts.netloc}/_sim/"
        self.token = token
        self.ssl_context = ssl_context

    def state(self) -> dict[str, Any]:
        """Return shells, commands, orphans and counters."""
        return self._call("GET", "state")

    def requests(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Return the last requests the host served."""
        return self._call("GET", f"requests?limit={limit}" if limit else "requests")

    def faults(self) -> dict[str, Any]:
        """Return the host's fault plan."""
        return self._call("GET", "faults")

    def change_faults(self, **changes: Any) -> dict[str, Any]:
        """Apply changes such as `stage=[{...}]` or `latency_s={...}`."""
        return self._call("POST", "faults", changes)

    def stage(self, operation: str, **fault: Any) -> dict[str, Any]:
        """Stage one response, with the arguments of `FaultPlan.stage`."""
        if isinstance(fault.get("body"), bytes):
            fault["body_base64"] = base64.b64encode(fault.pop("body")).decode()
        return self.change_faults(stage=[{"operation": operation, **fault}])

    def clear_faults(self) -> dict[str, Any]:
        """Remove every fault."""
        return self._call("DELETE", "faults")

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is built above
            self.root + path, data=data, method=method
        )
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Content-Type", "application/json")
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=self.ssl_context),
        )
        with opener.open(request, timeout=30) as response:
            return json.loads(response.read())
