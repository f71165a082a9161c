"""Start a program from inside another one, as `cmd /c whoami` or PowerShell does.

The child gets a copy of the parent's environment, its own stop flag that the
parent's stop also sets, and an entry in the host's process table, which
enforces MaxProcessesPerShell.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

from winrm_sim.codepages import encode_text
from winrm_sim.machine import ProcessLimitError, StopSignal, machine_of
from winrm_sim.process import ProcessContext, StdinPipe

# ERROR_NOT_ENOUGH_QUOTA, what CreateProcess fails with inside a full job object.
NOT_ENOUGH_QUOTA = 1816
QUOTA_MESSAGE = "Not enough quota is available to process this command.\r\n"


class CallbackWriter:
    """A text writer that encodes in the console code page and calls a function."""

    def __init__(self, write: Callable[[bytes], None], codec: str) -> None:
        self._write = write
        self._codec = codec

    def write(self, text: str) -> None:
        """Encode text and pass it on. Empty text writes nothing."""
        if text:
            self._write(encode_text(text, self._codec))


def program_for(name: str) -> Callable[[str, ProcessContext], int] | None:
    """Return the simulated program of that file name, or None."""
    from winrm_sim import cmd_shell, native_programs, powershell_cli

    base = name.replace("/", "\\").rsplit("\\", 1)[-1].lower()
    base = base.removesuffix(".exe").removesuffix(".com")
    if base == "cmd":
        return cmd_shell.run_cmd_program
    if base == "powershell":
        return powershell_cli.run_powershell
    return native_programs.PROGRAMS.get(base)


def run_child(
    parent: ProcessContext,
    name: str,
    arguments: str,
    write_out: Callable[[bytes], None],
    write_err: Callable[[bytes], None],
    stdin_text: str | None = None,
) -> int:
    """Run a program as a child of `parent` and return its exit code."""
    program = program_for(name)
    if program is None:
        write_err(
            encode_text(
                f"'{name}' is not recognized as an internal or external command,\r\n"
                "operable program or batch file.\r\n",
                parent.codec,
            )
        )
        return 1

    machine = machine_of(parent.env, parent.hostname)
    stop = StopSignal(parent.stop_event)
    try:
        entry = machine.start_process(
            _process_name(name),
            getattr(parent.env, "shell_key", None),
            f"{parent.hostname}\\{parent.username}",
            f"{name} {arguments}".strip(),
            stop.set,
        )
    except ProcessLimitError:
        write_err(encode_text(QUOTA_MESSAGE, parent.codec))
        return NOT_ENOUGH_QUOTA
    stop.process_id = entry.pid

    # Without input of its own a child reads the parent's stdin, as an
    # inherited handle does on Windows.
    pipe = parent.stdin
    if stdin_text is not None:
        pipe = StdinPipe(stop)  # type: ignore[arg-type]
        pipe.feed(encode_text(stdin_text, parent.codec))
        pipe.close()

    child = dataclasses.replace(
        parent,
        stdout=CallbackWriter(write_out, parent.codec),
        stderr=CallbackWriter(write_err, parent.codec),
        stdin=pipe,
        stop_event=stop,  # type: ignore[arg-type]
        env=parent.env.copy(),
    )
    try:
        return program(arguments, child)
    finally:
        machine.end_process(entry)


def _process_name(name: str) -> str:
    base = name.replace("/", "\\").rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[0] if base.lower().endswith((".exe", ".com")) else base


def standalone_context(
    hostname: str, username: str, env: object, working_directory: str, codec: str
) -> ProcessContext:
    """Return a ProcessContext for a script run outside a server (in-process tests)."""
    stop = threading.Event()
    sink = CallbackWriter(lambda data: None, codec)
    return ProcessContext(
        stdout=sink,  # type: ignore[arg-type]
        stderr=sink,  # type: ignore[arg-type]
        stdin=StdinPipe(stop),
        stop_event=stop,
        env=env,  # type: ignore[arg-type]
        hostname=hostname,
        username=username,
        working_directory=working_directory,
        codec=codec,
    )
