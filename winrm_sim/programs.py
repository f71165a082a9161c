"""Choose the simulated program that runs a Command's command line."""

from __future__ import annotations

from functools import partial

from winrm_sim import child_process, cmd_shell, faults
from winrm_sim.process import ProcessContext, Program


def program_for(command_line: str, skip_cmd_shell: bool) -> Program:
    """Return the program for a command line.

    WinRS runs the line with `cmd.exe /c` unless WINRS_SKIP_CMD_SHELL is set.
    Then the first word must be the full path of an executable the simulator
    provides, or the Command fails with the file-not-found fault.
    """
    if not skip_cmd_shell:
        return partial(cmd_shell.run_cmd_c, command_line)

    name, arguments = cmd_shell.split_program(command_line.strip())
    executable = child_process.program_for(name)
    if executable is None or not _is_full_path(name):
        raise faults.file_not_found()
    return partial(_run_directly, executable, arguments)


def _run_directly(
    executable: cmd_shell.Executable, arguments: str, context: ProcessContext
) -> int:
    try:
        return executable(arguments, context) & 0xFFFFFFFF
    except cmd_shell.CmdExit as exit_request:
        return exit_request.code & 0xFFFFFFFF


def _is_full_path(name: str) -> bool:
    return name.startswith("\\\\") or (len(name) > 2 and name[1:3] == ":\\")
