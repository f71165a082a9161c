"""A small `cmd.exe /c` interpreter for the command lines WinRS runs."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from winrm_sim import cmd_builtins
from winrm_sim.child_process import (
    NOT_ENOUGH_QUOTA,
    QUOTA_MESSAGE,
    CallbackWriter,
    program_for,
    run_child,
)
from winrm_sim.cmd_builtins import CmdExit
from winrm_sim.machine import ProcessLimitError, machine_of
from winrm_sim.process import STOPPED_EXIT_CODE, ProcessContext
from winrm_sim.vfs import FileSystemError, PathError, normalize

# cmd.exe rejects longer command lines.
MAX_COMMAND_LINE = 8191

_VARIABLE = re.compile(r"%([^%\s=]+)%")
_CHAIN_OPERATORS = ("&&", "||", "&")
_REDIRECTION = re.compile(r"([12]?)(>>?)(&[12])?")

Executable = Callable[[str, ProcessContext], int]

__all__ = ["MAX_COMMAND_LINE", "CmdExit", "run_cmd_c", "split_program", "program_name"]


def run_cmd_c(command_line: str, context: ProcessContext) -> int:
    """Start cmd.exe with `/c command_line` and return its exit code.

    The code is returned as Windows reports it: an unsigned 32-bit number, so
    `exit /b -1` gives 4294967295.
    """
    if context.sleep(context.latency.cmd_start_ms / 1000):
        return STOPPED_EXIT_CODE
    if len(command_line) > MAX_COMMAND_LINE:
        context.stderr.write("The command line is too long.\r\n")
        return 1
    machine = machine_of(context.env, context.hostname)
    machine.prepare_profile(context.username)
    try:
        entry = machine.start_process(
            "cmd",
            getattr(context.env, "shell_key", None),
            f"{context.hostname}\\{context.username}",
            f"cmd.exe /c {command_line}"[:200],
            lambda: context.stop_event.set(),
        )
    except ProcessLimitError:
        # NOTE: the fault or message WinRS gives when the shell's job object is
        # full is not confirmed; this is the Win32 message of CreateProcess.
        context.stderr.write(QUOTA_MESSAGE)
        return NOT_ENOUGH_QUOTA
    try:
        return run_cmd_program("/c " + command_line, context) & 0xFFFFFFFF
    finally:
        machine.end_process(entry)


def run_cmd_program(arguments: str, context: ProcessContext) -> int:
    """Run `cmd [/d] [/q] [/s] /c command` (the cmd.exe program itself)."""
    words = arguments.split(None, 1)
    while words and words[0].lower() in ("/d", "/q", "/s", "/u", "/a"):
        words = words[1].split(None, 1) if len(words) > 1 else []
    if not words or words[0].lower() not in ("/c", "/k"):
        context.stderr.write(
            "winrm_sim: only `cmd /c COMMAND` is supported by the simulator.\r\n"
        )
        return 1
    line = words[1] if len(words) > 1 else ""
    context = dataclasses.replace(context)
    try:
        return run_line(_strip_outer_quotes(line.lstrip()), context)
    except CmdExit as exit_request:
        return exit_request.code


def run_line(line: str, context: ProcessContext) -> int:
    """Run commands joined by `&`, `&&` and `||` and return the last exit code."""
    line = _expand_variables(line, context)
    errorlevel = 0
    for operator, segment in _split_chain(line):
        if operator == "&&" and errorlevel != 0:
            continue
        if operator == "||" and errorlevel == 0:
            continue
        if context.stop_event.is_set():
            return STOPPED_EXIT_CODE
        errorlevel = run_simple_command(segment, context)
    return errorlevel


def run_simple_command(segment: str, context: ProcessContext) -> int:
    """Run one command with no chaining operators, applying its redirections."""
    if not segment.strip():
        return 0
    if _has_unquoted(segment, "|<"):
        context.stderr.write(
            "winrm_sim: cmd.exe pipes and input redirection (|, <) are not "
            "supported by the simulator.\r\n"
        )
        return 1
    try:
        segment, context, finish = _apply_redirections(segment, context)
    except (FileSystemError, PathError):
        context.stderr.write("The system cannot find the path specified.\r\n")
        return 1
    try:
        return _run_command(segment, context)
    finally:
        finish()


def _run_command(segment: str, context: ProcessContext) -> int:
    # Leading blanks are dropped, but trailing ones stay because echo prints them.
    segment = segment.lstrip()
    name, arguments = split_program(segment)
    if name.lower().startswith("echo") and cmd_builtins.is_echo(name):
        return cmd_builtins.echo(segment[4:], context)
    builtin = cmd_builtins.BUILTINS.get(name.lower())
    if builtin is not None:
        return builtin(arguments, context)
    if program_for(name) is None:
        context.stderr.write(
            f"'{name}' is not recognized as an internal or external command,\r\n"
            "operable program or batch file.\r\n"
        )
        return 1
    return run_child(
        context,
        name,
        arguments,
        _bytes_writer(context.stdout),
        _bytes_writer(context.stderr),
    )


def _bytes_writer(writer: object) -> Callable[[bytes], None]:
    raw = getattr(writer, "write_bytes", None)
    if callable(raw):
        return raw
    inner = getattr(writer, "_write", None)
    if isinstance(writer, CallbackWriter) and callable(inner):
        return inner
    process = getattr(writer, "_process", None)
    stream = getattr(writer, "_stream", "stdout")
    return lambda data: process.write(stream, data)  # type: ignore[union-attr]


def _apply_redirections(
    segment: str, context: ProcessContext
) -> tuple[str, ProcessContext, Callable[[], None]]:
    targets: dict[str, Callable[[bytes], None]] = {
        "1": _bytes_writer(context.stdout),
        "2": _bytes_writer(context.stderr),
    }
    files: list[tuple[str, bytearray, bool]] = []
    command = []
    changed = False
    index, quoted = 0, False
    while index < len(segment):
        char = segment[index]
        if char == '"':
            quoted = not quoted
        match = None if quoted else _REDIRECTION.match(segment, index)
        if match and (match[1] == "" or index == 0 or segment[index - 1] in " \t"):
            changed = True
            stream = match[1] or "1"
            index = match.end()
            if match[3]:
                targets[stream] = targets[match[3][1]]
                continue
            target, index = _redirect_target(segment, index)
            if target.lower() == "nul":
                targets[stream] = lambda data: None
                continue
            path = normalize(target, context.working_directory)
            buffer = bytearray()
            files.append((path, buffer, match[2] == ">>"))
            targets[stream] = buffer.extend
            continue
        command.append(char)
        index += 1
    if not changed:
        return segment, context, lambda: None
    machine = machine_of(context.env, context.hostname)
    for path, _, _ in files:
        parent = path.rsplit("\\", 1)[0]
        if not machine.filesystem.is_directory(
            parent if len(parent) > 2 else parent + "\\"
        ):
            raise FileSystemError("parent_not_found", path)
    redirected = dataclasses.replace(
        context,
        stdout=CallbackWriter(targets["1"], context.codec),
        stderr=CallbackWriter(targets["2"], context.codec),
    )

    def finish() -> None:
        for path, buffer, append in files:
            machine.filesystem.write_bytes(
                path,
                bytes(buffer),
                append=append,
                owner=f"{context.hostname}\\{context.username}",
            )

    return "".join(command), redirected, finish


def _redirect_target(segment: str, index: int) -> tuple[str, int]:
    while index < len(segment) and segment[index] in " \t":
        index += 1
    if index < len(segment) and segment[index] == '"':
        end = segment.find('"', index + 1)
        end = len(segment) if end == -1 else end
        return segment[index + 1 : end], end + 1
    end = index
    while end < len(segment) and segment[end] not in " \t<>":
        end += 1
    return segment[index:end], end


def split_program(segment: str) -> tuple[str, str]:
    """Split a command into the program name (quotes removed) and the rest."""
    if segment.startswith('"'):
        end = segment.find('"', 1)
        end = len(segment) if end == -1 else end
        return segment[1:end], segment[end + 1 :].strip()

    parts = segment.split(None, 1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def program_name(name: str) -> str:
    """Return the lower-case file name of a program without path or `.exe`."""
    base = name.replace("/", "\\").rsplit("\\", 1)[-1].lower()
    return base.removesuffix(".exe")


def _expand_variables(line: str, context: ProcessContext) -> str:
    # Unknown variables stay as typed, as on the cmd.exe command line.
    return _VARIABLE.sub(lambda match: context.env.get(match[1], match[0]), line)


def _strip_outer_quotes(line: str) -> str:
    # NOTE: this is cmd's simple rule, as with /S, which drops the first and the
    # last quote. The rule that keeps quotes around one executable is not built.
    if line.startswith('"') and line.count('"') >= 2:
        last = line.rfind('"')
        return line[1:last] + line[last + 1 :]
    return line


def _split_chain(line: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    operator, start, index, quoted = "", 0, 0, False
    while index < len(line):
        if line[index] == '"':
            quoted = not quoted
        elif not quoted and line.startswith(">&", index):
            index += 2
            continue
        elif not quoted:
            found = next(
                (op for op in _CHAIN_OPERATORS if line.startswith(op, index)), None
            )
            if found:
                parts.append((operator, line[start:index]))
                operator, index = found, index + len(found)
                start = index
                continue
        index += 1
    parts.append((operator, line[start:]))
    return parts


def _has_unquoted(text: str, characters: str) -> bool:
    quoted = False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in characters:
            return True
    return False
