"""Build the command line for a step from its script and the run's parameters."""

import base64

from app.jobs.parameters import env_name

POWERSHELL = "powershell.exe"
POWERSHELL_FLAGS = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass"]


def parameter_preamble(names: list[str]) -> str:
    """PowerShell lines that bind each parameter to a variable of its name.

    The values travel as shell environment variables, so no value is ever part
    of the script text and quotes or ``$( )`` in a value stay inert data.
    """
    return "".join(f"${name} = $env:{env_name(name)}\n" for name in names)


def encode_powershell(script: str) -> str:
    """Base64 of the script in UTF-16LE without a BOM, as -EncodedCommand takes."""
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


def command_for_step(kind: str, script: str, parameter_names: list[str]) -> tuple:
    """Return ``(command, args)`` for a step of kind powershell or command."""
    if kind == "command":
        return script, []
    full_script = parameter_preamble(parameter_names) + script
    args = [*POWERSHELL_FLAGS, "-EncodedCommand", encode_powershell(full_script)]
    # TODO: a script whose encoded form passes cmd.exe's 8191-character limit
    # fails on the host with "The command line is too long"; send it via stdin.
    return POWERSHELL, args
