"""Helpers for tests that drive a SimServer with the pywinrm client."""

from __future__ import annotations

import base64

import xmltodict
from winrm.protocol import Protocol

from winrm_sim.server import SimServer

SHELL_URI = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"

# Keeps pywinrm from reading proxy and CA bundle settings from the environment.
CLIENT_OPTIONS: dict[str, object] = {"proxy": None, "ca_trust_path": None}


def make_protocol(server: SimServer, **options: object) -> Protocol:
    """Return a pywinrm Protocol for Basic authentication.

    It logs in with the server's first user unless `username` and `password`
    are among the options.
    """
    user, password = server.credentials
    settings = {"username": user, "password": password, **CLIENT_OPTIONS, **options}
    return Protocol(server.url, transport="basic", **settings)


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
