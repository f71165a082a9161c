"""A small PowerShell evaluator for scripts sent with -EncodedCommand.

The interface is one function: `run_script(script, host) -> exit code`. Output
goes to `host.write_stdout`. Errors, warnings, verbose and debug lines go to
`host.write_stderr` as one CLIXML document, completed before this returns.
"""

from __future__ import annotations

from winrm_sim.powershell.host import ScriptHost
from winrm_sim.powershell.interpreter import Interpreter

__all__ = ["ScriptHost", "run_script"]


def run_script(script: str, host: ScriptHost) -> int:
    """Run a script and return its exit code.

    The code is N after `exit N`, 1 when an error record was written, else 0.
    """
    return Interpreter(script, host).run()
