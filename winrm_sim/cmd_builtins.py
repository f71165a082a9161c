"""Built-in commands of cmd.exe: echo, exit, cd, set, type, dir, md, del, ver."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from winrm_sim.machine import machine_of
from winrm_sim.process import ProcessContext
from winrm_sim.vfs import Entry, FileSystemError, PathError, normalize

# Free space dir reports for every drive, in bytes.
_FREE_BYTES = 52_428_800_000
_VOLUME_SERIAL = "1A2B-3C4D"


class CmdExit(Exception):
    """Raised by `exit`, so cmd.exe ends with this exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def is_echo(name: str) -> bool:
    """Return True when a command word is `echo`, `echo.` or `echo:`..."""
    rest = name[4:]
    return rest == "" or rest[0] in ".:(/\\,;="


def echo(rest: str, context: ProcessContext) -> int:
    """Print the text after `echo`, or `ECHO is on.` without text."""
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
    target = arguments.strip().strip('"')
    if target.lower().startswith("/d"):
        target = target[2:].strip().strip('"')
    if not target:
        context.stdout.write(context.working_directory + "\r\n")
        return 0
    machine = machine_of(context.env, context.hostname)
    try:
        path = normalize(target, context.working_directory)
    except PathError:
        path = ""
    if not path or not machine.filesystem.is_directory(path):
        context.stderr.write("The system cannot find the path specified.\r\n")
        return 1
    context.working_directory = machine.filesystem.display_path(path)
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


def _type(arguments: str, context: ProcessContext) -> int:
    machine = machine_of(context.env, context.hostname)
    code = 0
    for word in _words(arguments):
        try:
            data = machine.filesystem.read_bytes(
                normalize(word, context.working_directory)
            )
        except (FileSystemError, PathError):
            context.stderr.write("The system cannot find the file specified.\r\n")
            code = 1
            continue
        _write_bytes(context, data)
    return code


def _write_bytes(context: ProcessContext, data: bytes) -> None:
    # type copies the file's bytes unchanged, whatever the code page.
    writer = context.stdout
    raw = getattr(writer, "_write", None)
    if raw is not None and not hasattr(writer, "_process"):
        raw(data)
        return
    process = getattr(writer, "_process", None)
    if process is not None:
        process.write(getattr(writer, "_stream", "stdout"), data)
        return
    writer.write(data.decode(context.codec, errors="replace"))


def _dir(arguments: str, context: ProcessContext) -> int:
    machine = machine_of(context.env, context.hostname)
    target = next((w for w in _words(arguments) if not w.startswith("/")), ".")
    try:
        path = normalize(target, context.working_directory)
        entries = machine.filesystem.list_directory(path)
        display_path = machine.filesystem.display_path(path)
    except (FileSystemError, PathError):
        context.stdout.write(
            f" Volume in drive {context.working_directory[0]} has no label.\r\n"
        )
        context.stderr.write("File Not Found\r\n")
        return 1
    lines = [
        f" Volume in drive {display_path[0]} has no label.",
        f" Volume Serial Number is {_VOLUME_SERIAL}",
        "",
        f" Directory of {display_path}",
        "",
    ]
    now = machine.filesystem.entry(path).modified
    if len(display_path) > 3:
        lines += [_dir_line(now, None, "."), _dir_line(now, None, "..")]
    files = [entry for entry in entries if not entry.is_directory]
    lines += [_dir_line(entry.modified, entry, entry.name) for entry in entries]
    total = sum(entry.size for entry in files)
    folders = len(entries) - len(files) + (2 if len(display_path) > 3 else 0)
    lines += [
        f"{len(files):>16} File(s) {total:>14,} bytes",
        f"{folders:>16} Dir(s) {_FREE_BYTES:>15,} bytes free",
    ]
    context.stdout.write("".join(line + "\r\n" for line in lines))
    return 0


def _dir_line(when: datetime, entry: Entry | None, name: str) -> str:
    stamp = f"{when:%m/%d/%Y}  {when:%I:%M %p}"
    if entry is None or entry.is_directory:
        return f"{stamp}    <DIR>          {name}"
    return f"{stamp} {entry.size:>17,} {name}"


def _mkdir(arguments: str, context: ProcessContext) -> int:
    machine = machine_of(context.env, context.hostname)
    code = 0
    for word in _words(arguments):
        path = normalize(word, context.working_directory)
        if machine.filesystem.exists(path):
            context.stderr.write(f"A subdirectory or file {word} already exists.\r\n")
            code = 1
            continue
        machine.filesystem.make_directory(
            path, owner=f"{context.hostname}\\{context.username}"
        )
    return code


def _delete(arguments: str, context: ProcessContext) -> int:
    machine = machine_of(context.env, context.hostname)
    for word in [w for w in _words(arguments) if not w.startswith("/")]:
        path = normalize(word, context.working_directory)
        if not machine.filesystem.exists(path) or machine.filesystem.is_directory(path):
            context.stderr.write(f"Could Not Find {path}\r\n")
            continue
        machine.filesystem.remove(path)
    return 0


def _ver(arguments: str, context: ProcessContext) -> int:
    context.stdout.write("\r\nMicrosoft Windows [Version 10.0.17763.1852]\r\n")
    return 0


def _words(arguments: str) -> list[str]:
    return [a or b for a, b in re.findall(r'"([^"]*)"|(\S+)', arguments)]


BUILTINS: dict[str, Callable[[str, ProcessContext], int]] = {
    "exit": _exit,
    "cd": _cd,
    "chdir": _cd,
    "set": _set,
    "type": _type,
    "dir": _dir,
    "md": _mkdir,
    "mkdir": _mkdir,
    "del": _delete,
    "erase": _delete,
    "ver": _ver,
}
