"""Command-line handling of powershell.exe: -EncodedCommand, -Command and -File."""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from functools import partial

from winrm_sim.child_process import run_child
from winrm_sim.machine import machine_of
from winrm_sim.process import STOPPED_EXIT_CODE, ProcessContext

logger = logging.getLogger(__name__)

# Flags taking no value; PowerShell accepts any unambiguous prefix of the name.
_SWITCHES = ("noprofile", "noninteractive", "nologo", "mta", "sta", "noexit")
_VALUED = (
    "executionpolicy",
    "encodedcommand",
    "windowstyle",
    "outputformat",
    "inputformat",
    "version",
    "configurationname",
)
_TRAILING = ("command", "file")
_ALIASES = {
    "e": "encodedcommand",
    "ec": "encodedcommand",
    "ep": "executionpolicy",
    "c": "command",
    "f": "file",
    "?": "help",
}


class UsageError(ValueError):
    """The powershell.exe arguments are invalid or outside the simulator."""


@dataclass
class Invocation:
    """The script powershell.exe runs, and how it reports errors."""

    script: str
    errors_as_clixml: bool


def run_powershell(arguments: str, context: ProcessContext) -> int:
    """Start powershell.exe with a command-line argument string.

    Return the exit code as an unsigned 32-bit number, as Windows reports it.
    """
    if context.sleep(context.latency.powershell_start_ms / 1000):
        return STOPPED_EXIT_CODE
    try:
        options = parse_arguments(split_arguments(arguments))
        invocation = _invocation(options, context)
    except UsageError as error:
        context.stderr.write(f"{error}\r\n")
        # NOTE: Windows PowerShell 5.1 may exit with 64 for a bad command line;
        # the simulator keeps 1 until that is confirmed.
        return 1
    from winrm_sim import powershell

    host = _script_host(context, invocation.errors_as_clixml)
    return powershell.run_script(invocation.script, host) & 0xFFFFFFFF


def split_arguments(arguments: str) -> list[str]:
    """Split an argument string on blanks, keeping double-quoted parts together."""
    words: list[str] = []
    current: list[str] = []
    quoted = False
    started = False
    for character in arguments:
        if character == '"':
            quoted = not quoted
            started = True
        elif character in " \t" and not quoted:
            if current or started:
                words.append("".join(current))
                current = []
                started = False
        else:
            current.append(character)
    if current or started:
        words.append("".join(current))
    return words


def parse_arguments(words: list[str]) -> dict[str, str]:
    """Map flag names to values (switches map to ""). -Command takes the rest."""
    options: dict[str, str] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if not word.startswith(("-", "/")):
            options["command"] = " ".join(words[index:])
            return options
        name = _flag_name(word[1:])
        if name in _TRAILING:
            options[name] = " ".join(words[index + 1 :])
            if name == "file" and index + 1 >= len(words):
                raise UsageError("Missing the argument for the parameter -File.")
            return options
        if name in _VALUED:
            if index + 1 >= len(words):
                raise UsageError(f"Missing the argument for the parameter {word}.")
            options[name] = words[index + 1]
            index += 2
        else:
            options[name] = ""
            index += 1
    return options


def decode_script(encoded: str | None) -> str:
    """Decode a -EncodedCommand value: base64 of UTF-16LE text."""
    if encoded is None:
        raise UsageError("Missing the argument for the parameter -EncodedCommand.")
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise UsageError(
            "Cannot process the command because the value specified with "
            "-EncodedCommand is not properly encoded. The value must be Base64 encoded."
        ) from None
    # Like .NET's Encoding.Unicode, broken UTF-16 turns into U+FFFD, not an error.
    return data.decode("utf-16-le", errors="replace")


def _invocation(options: dict[str, str], context: ProcessContext) -> Invocation:
    if "encodedcommand" in options:
        return Invocation(decode_script(options["encodedcommand"]), True)
    if options.get("command", "").strip() == "-":
        return Invocation(_read_stdin(context), False)
    if "command" in options:
        return Invocation(options["command"], False)
    if "file" in options:
        return Invocation(_script_file(options["file"], context), False)
    raise UsageError(
        "winrm_sim: powershell.exe needs -EncodedCommand, -Command or -File because an "
        "interactive session is not supported by the simulator."
    )


def _read_stdin(context: ProcessContext) -> str:
    # NOTE: powershell.exe runs `-Command -` input line by line; the simulator
    # reads it to the end first and runs it as one script.
    lines = []
    while (line := context.stdin.readline()) is not None:
        lines.append(line.decode(context.codec, errors="replace"))
    return "".join(lines)


def _script_file(arguments: str, context: ProcessContext) -> str:
    from winrm_sim.vfs import FileSystemError, PathError, normalize

    words = split_arguments(arguments)
    machine = machine_of(context.env, context.hostname)
    try:
        data = machine.filesystem.read_bytes(
            normalize(words[0], context.working_directory)
        )
    except (FileSystemError, PathError):
        raise UsageError(
            f"The argument '{words[0]}' to the -File parameter does not exist. Provide "
            "the path to an existing '.ps1' file as an argument to the -File parameter."
        ) from None
    from winrm_sim.powershell.dotnet.io_statics import decode_text

    return decode_text(data)


def _flag_name(typed: str) -> str:
    lowered = typed.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    names = _SWITCHES + _VALUED + _TRAILING
    matches = [name for name in names if name.startswith(lowered)]
    if len(matches) == 1 and lowered:
        return matches[0]
    raise UsageError(
        f"winrm_sim: the powershell.exe parameter -{typed} is not supported by the "
        "simulator."
    )


def _script_host(context: ProcessContext, errors_as_clixml: bool):  # noqa: ANN202
    from winrm_sim.codepages import codepage_of
    from winrm_sim.powershell import ScriptHost

    def read_line() -> str | None:
        line = context.stdin.readline()
        if line is None:
            return None
        return line.decode(context.codec, errors="replace").rstrip("\r\n")

    def read_all() -> bytes:
        chunks = []
        while (line := context.stdin.readline()) is not None:
            chunks.append(line)
        return b"".join(chunks)

    return ScriptHost(
        write_stdout=context.stdout.write,
        write_stderr=context.stderr.write,
        read_stdin_line=read_line,
        stop_event=context.stop_event,
        env=context.env,
        hostname=context.hostname,
        username=context.username,
        error_view_width=context.error_view_width,
        codec=context.codec,
        codepage=codepage_of(context.codec),
        working_directory=context.working_directory,
        machine=machine_of(context.env, context.hostname),
        process_id=getattr(context.stop_event, "process_id", None) or 4242,
        write_stdout_bytes=_raw_writer(context.stdout),
        write_stderr_bytes=_raw_writer(context.stderr),
        read_stdin_bytes=read_all,
        run_native=partial(run_child, context),
        errors_as_clixml=errors_as_clixml,
    )


def _raw_writer(writer: object):  # noqa: ANN202
    process = getattr(writer, "_process", None)
    if process is not None:
        stream = getattr(writer, "_stream", "stdout")
        return lambda data: process.write(stream, data)
    return getattr(writer, "_write", None)
