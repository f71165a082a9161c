"""Build the command line (and stdin) that runs a step on the host.

A PowerShell step runs inside a generated wrapper. Parameter values and the
script travel as base64 of a JSON document that the wrapper decodes, so no
value is ever part of the script text: quotes, ``$( )``, backticks or new lines
in a value stay inert data. Each value is set as a variable of the parameter's
name, and a script that opens with a ``param()`` block also receives the values
it declares through splatting, with PowerShell's own type conversion.
"""

import base64
import json
import re
from dataclasses import dataclass

POWERSHELL = "powershell.exe"
POWERSHELL_FLAGS = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass"]
# cmd.exe rejects command lines longer than 8191 characters; the margin leaves
# room for the executable name and the flags.
MAX_COMMAND_LINE = 8000

_PARAM_BLOCK = re.compile(
    r"\A(?:\s|#[^\n]*\n|<#.*?#>)*(?:\[CmdletBinding\([^)]*\)\]\s*)?param\s*\(",
    re.IGNORECASE | re.DOTALL,
)
_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

STDIN_BOOTSTRAP = (
    "$OpscText = [Console]::In.ReadToEnd()\n"
    "$OpscCode = [Text.Encoding]::UTF8.GetString("
    "[Convert]::FromBase64String($OpscText))\n"
    ". ([ScriptBlock]::Create($OpscCode))\n"
)


@dataclass(frozen=True)
class StepCommand:
    command: str
    args: list[str]
    stdin: bytes | None = None


def encode_powershell(script: str) -> str:
    """Base64 of the script in UTF-16LE without a BOM, as -EncodedCommand takes."""
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


def declared_parameters(script: str) -> list[str]:
    """Names declared by the ``param()`` block that opens ``script``, if any."""
    match = _PARAM_BLOCK.match(script)
    if match is None:
        return []
    depth, end = 1, match.end()
    while end < len(script) and depth:
        depth += {"(": 1, ")": -1}.get(script[end], 0)
        end += 1
    block = script[match.end() : end - 1]
    # Only top-level `$Name` tokens: defaults such as `= $env:X` are skipped
    # because the name is read after a type or at the start of an entry.
    names = []
    for entry in _split_top_level(block):
        found = _VARIABLE.search(entry.split("=", 1)[0])
        if found:
            names.append(found.group(1))
    return names


def _split_top_level(block: str) -> list[str]:
    entries, depth, current = [], 0, []
    for char in block:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
    entries.append("".join(current))
    return entries


def powershell_wrapper(script: str, values: dict, stop_on_error: bool = True) -> str:
    """Return the PowerShell text that binds ``values`` and runs ``script``.

    The script itself travels in the same base64 JSON document and becomes a
    script block with [ScriptBlock]::Create, so the line numbers in its error
    records are those of the job's script.
    """
    document = json.dumps({"values": values, "script": script})
    payload = base64.b64encode(document.encode("utf-8")).decode("ascii")
    declared = {name.lower() for name in declared_parameters(script)}
    splat = [name for name in values if name.lower() in declared]
    lines = []
    if stop_on_error:
        lines.append("$ErrorActionPreference = 'Stop'")
    lines += [
        "$ProgressPreference = 'SilentlyContinue'",
        "$OpscJson = [Text.Encoding]::UTF8.GetString("
        f"[Convert]::FromBase64String('{payload}'))",
        "$OpscData = $OpscJson | ConvertFrom-Json",
        "$OpscValues = $OpscData.values",
        "$OpscSplat = @{}",
        "foreach ($OpscProperty in $OpscValues.PSObject.Properties) {",
        "    Set-Variable -Name $OpscProperty.Name -Value $OpscProperty.Value",
        "}",
    ]
    for name in splat:
        lines.append(f"$OpscSplat['{name}'] = $OpscValues.{name}")
    lines += [
        "$OpscScript = [ScriptBlock]::Create($OpscData.script)",
        "& $OpscScript @OpscSplat",
        "",
    ]
    return "\n".join(lines)


def powershell_step(script: str, values: dict, stop_on_error: bool = True):
    """Return the StepCommand for a PowerShell step, inline or through stdin."""
    wrapper = powershell_wrapper(script, values, stop_on_error)
    inline = [*POWERSHELL_FLAGS, "-EncodedCommand", encode_powershell(wrapper)]
    if len(" ".join([POWERSHELL, *inline])) <= MAX_COMMAND_LINE:
        return StepCommand(POWERSHELL, inline)

    bootstrap = [
        *POWERSHELL_FLAGS,
        "-EncodedCommand",
        encode_powershell(STDIN_BOOTSTRAP),
    ]
    stdin = base64.b64encode(wrapper.encode("utf-8"))
    return StepCommand(POWERSHELL, bootstrap, stdin=stdin)


def command_step(script: str) -> StepCommand:
    """Return the StepCommand for a cmd.exe command line, sent as written."""
    return StepCommand(script, [])


def build_step_command(job_step, values: dict) -> StepCommand:
    """Return the StepCommand that runs ``job_step`` with the run's values."""
    if job_step.kind == "command":
        return command_step(job_step.script)
    return powershell_step(job_step.script, values, job_step.stop_on_error)
