"""A small `cmd.exe /c` interpreter for the command lines WinRS runs."""

from __future__ import annotations

import re
from collections.abc import Callable

from winrm_sim import powershell_cli
from winrm_sim.process import STOPPED_EXIT_CODE, ProcessContext

# cmd.exe rejects longer command lines.
MAX_COMMAND_LINE = 8191

_VARIABLE = re.compile(r"%([^%\s=]+)%")
_CHAIN_OPERATORS = ("&&", "||", "&")
_UNSUPPORTED_CHARACTERS = "<>|"


class CmdExit(Exception):
    """Raised by `exit`, so cmd.exe ends with this exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


Executable = Callable[[str, ProcessContext], int]


def run_cmd_c(command_line: str, context: ProcessContext) -> int:
    """Start cmd.exe with `/c command_line` and return its exit code."""
    if context.sleep(context.latency.cmd_start_ms / 1000):
        return STOPPED_EXIT_CODE
    if len(command_line) > MAX_COMMAND_LINE:
        context.stderr.write("The command line is too long.\r\n")
        return 1

    try:
        return run_line(_strip_outer_quotes(command_line.lstrip()), context)
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
    """Run one command with no chaining operators."""
    if not segment.strip():
        return 0
    # Leading blanks are dropped, but trailing ones stay because echo prints them.
    segment = segment.lstrip()
    if _has_unquoted(segment, _UNSUPPORTED_CHARACTERS):
        context.stderr.write(
            "winrm_sim: cmd.exe redirection and pipes (<, >, |) are not "
            "supported by the simulator.\r\n"
        )
        return 1

    name, arguments = split_program(segment)
    if name.lower().startswith("echo") and _is_echo(name):
        return _echo(segment[4:], context)

    program = program_name(name)
    handler = BUILTINS.get(program) or EXECUTABLES.get(program)
    if handler is None:
        context.stderr.write(
            f"'{name}' is not recognized as an internal or external command,\r\n"
            "operable program or batch file.\r\n"
        )
        return 1
    return handler(arguments, context)


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


def _is_echo(name: str) -> bool:
    rest = name[4:]
    return rest == "" or rest[0] in ".:(/\\,;="


def _echo(rest: str, context: ProcessContext) -> int:
    if rest.strip() == "":
        context.stdout.write("ECHO is on.\r\n")
        return 0
    # cmd drops the one separator character after `echo` and keeps the rest.
    context.stdout.write(rest[1:] + "\r\n")
    return 0


def _exit(arguments: str, context: ProcessContext) -> int:
    words = arguments.split()
    if words and words[0].lower() == "/b":
        words = words[1:]
    code = 0
    if words and re.fullmatch(r"-?\d+", words[0]):
        code = int(words[0])
    raise CmdExit(code)


def _cd(arguments: str, context: ProcessContext) -> int:
    if arguments.strip():
        context.stderr.write(
            "winrm_sim: changing the directory is not supported by the simulator.\r\n"
        )
        return 1
    context.stdout.write(context.working_directory + "\r\n")
    return 0


def _set(arguments: str, context: ProcessContext) -> int:
    if "=" in arguments:
        name, value = arguments.split("=", 1)
        context.env[name.strip()] = value
        return 0

    prefix = arguments.strip().lower()
    names = sorted(name for name in context.env if name.lower().startswith(prefix))
    if not names:
        context.stdout.write(
            f"Environment variable {arguments.strip()} not defined\r\n"
        )
        return 1
    for name in names:
        context.stdout.write(f"{name}={context.env[name]}\r\n")
    return 0


def _whoami(arguments: str, context: ProcessContext) -> int:
    if arguments.strip():
        context.stderr.write(
            f"ERROR: Invalid argument/option - '{arguments.split()[0]}'.\r\n"
            'Type "WHOAMI /?" for usage.\r\n'
        )
        return 1
    context.stdout.write(f"{context.hostname.lower()}\\{context.username.lower()}\r\n")
    return 0


def _hostname(arguments: str, context: ProcessContext) -> int:
    if arguments.strip():
        context.stderr.write(
            "sethostname: Use the Network Control Panel Applet to set hostname.\r\n"
        )
        return 1
    context.stdout.write(context.hostname + "\r\n")
    return 0


def _cmd(arguments: str, context: ProcessContext) -> int:
    words = arguments.split(None, 1)
    while words and words[0].lower() in ("/d", "/q", "/s"):
        words = words[1].split(None, 1) if len(words) > 1 else []
    if not words or words[0].lower() not in ("/c", "/k"):
        context.stderr.write(
            "winrm_sim: only `cmd /c COMMAND` is supported by the simulator.\r\n"
        )
        return 1
    return run_cmd_c(words[1] if len(words) > 1 else "", context)


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


BUILTINS: dict[str, Executable] = {
    "exit": _exit,
    "cd": _cd,
    "chdir": _cd,
    "set": _set,
}

EXECUTABLES: dict[str, Executable] = {
    "cmd": _cmd,
    "whoami": _whoami,
    "hostname": _hostname,
    "powershell": powershell_cli.run_powershell,
}
