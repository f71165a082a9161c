"""Command-line handling of powershell.exe: flags and -EncodedCommand."""

from __future__ import annotations

import base64
import binascii
import logging

from winrm_sim import powershell
from winrm_sim.process import STOPPED_EXIT_CODE, ProcessContext

logger = logging.getLogger(__name__)

# Flags taking no value; PowerShell accepts any unambiguous prefix of the name.
_SWITCHES = ("noprofile", "noninteractive", "nologo", "mta", "sta")
_VALUED = ("executionpolicy", "encodedcommand", "windowstyle")
_ALIASES = {"e": "encodedcommand", "ec": "encodedcommand", "ep": "executionpolicy"}


class UsageError(ValueError):
    """The powershell.exe arguments are invalid or outside the simulator."""


def run_powershell(arguments: str, context: ProcessContext) -> int:
    """Start powershell.exe with a command-line argument string."""
    if context.sleep(context.latency.powershell_start_ms / 1000):
        return STOPPED_EXIT_CODE
    try:
        options = parse_arguments(split_arguments(arguments))
        script = decode_script(options.get("encodedcommand"))
    except UsageError as error:
        context.stderr.write(f"{error}\r\n")
        return 1

    return powershell.run_script(script, _script_host(context))


def split_arguments(arguments: str) -> list[str]:
    """Split an argument string on blanks, keeping double-quoted parts together."""
    words: list[str] = []
    current: list[str] = []
    quoted = False
    for character in arguments:
        if character == '"':
            quoted = not quoted
        elif character in " \t" and not quoted:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(character)
    if current:
        words.append("".join(current))
    return words


def parse_arguments(words: list[str]) -> dict[str, str]:
    """Map flag names to values (switches map to "")."""
    options: dict[str, str] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if not word.startswith(("-", "/")):
            raise UsageError(
                "winrm_sim: powershell.exe runs only scripts given with "
                f"-EncodedCommand; the argument {word!r} is not supported."
            )
        name = _flag_name(word[1:])
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
        raise UsageError(
            "winrm_sim: powershell.exe needs -EncodedCommand because an interactive "
            "session and -Command are not supported by the simulator."
        )
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-16-le")
    except (binascii.Error, UnicodeDecodeError):
        raise UsageError(
            "Cannot process the command because the value specified with "
            "-EncodedCommand is not properly encoded. The value must be Base64 encoded."
        ) from None


def _flag_name(typed: str) -> str:
    lowered = typed.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    matches = [name for name in _SWITCHES + _VALUED if name.startswith(lowered)]
    if len(matches) == 1 and lowered:
        return matches[0]
    raise UsageError(
        f"winrm_sim: the powershell.exe parameter -{typed} is not supported by the "
        "simulator."
    )


def _script_host(context: ProcessContext) -> powershell.ScriptHost:
    def read_line() -> str | None:
        line = context.stdin.readline()
        if line is None:
            return None
        return line.decode(context.codec, errors="replace").rstrip("\r\n")

    return powershell.ScriptHost(
        write_stdout=context.stdout.write,
        write_stderr=context.stderr.write,
        read_stdin_line=read_line,
        stop_event=context.stop_event,
        env=context.env,
        hostname=context.hostname,
        username=context.username,
        error_view_width=context.error_view_width,
    )
