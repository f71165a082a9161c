"""Static members of System.IO.File, System.IO.Path and System.IO.Directory.

.NET resolves relative paths against the process's current directory, which
stays at the shell's working directory when a script runs Set-Location.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from winrm_sim.powershell.dotnet.objects import DotNetError, EncodingValue, encoding
from winrm_sim.powershell.values import as_list, to_string
from winrm_sim.vfs import FileSystemError, PathError, normalize
from winrm_sim.vfs import paths as vpaths

_UTF8 = encoding("utf8nobom")


def _path(interpreter: Any, value: object) -> str:
    text = to_string(value)
    if text == "":
        raise DotNetError(
            "System.ArgumentException", "The path is not of a legal form."
        )
    try:
        return normalize(
            text, interpreter.host.working_directory or interpreter.location
        )
    except PathError as error:
        raise DotNetError("System.NotSupportedException", str(error)) from None


def _io_error(error: FileSystemError) -> DotNetError:
    if error.kind == "not_found":
        return DotNetError(
            "System.IO.FileNotFoundException", f"Could not find file '{error.path}'."
        )
    if error.kind in ("parent_not_found", "no_drive"):
        return DotNetError(
            "System.IO.DirectoryNotFoundException",
            f"Could not find a part of the path '{error.path}'.",
        )
    if error.kind == "is_directory":
        return DotNetError(
            "System.UnauthorizedAccessException",
            f"Access to the path '{error.path}' is denied.",
        )
    return DotNetError(
        "System.IO.IOException", f"The file '{error.path}' already exists."
    )


def _read(interpreter: Any, arguments: list[object]) -> bytes:
    path = _path(interpreter, arguments[0])
    try:
        return interpreter.machine.filesystem.read_bytes(path)
    except FileSystemError as error:
        raise _io_error(error) from None


def _write(
    interpreter: Any, path_value: object, data: bytes, append: bool = False
) -> None:
    path = _path(interpreter, path_value)
    try:
        interpreter.machine.filesystem.write_bytes(
            path, data, append=append, owner=interpreter.account_name
        )
    except FileSystemError as error:
        raise _io_error(error) from None


def decode_text(data: bytes, fallback: EncodingValue | None = None) -> str:
    """Decode file text as .NET's ReadAllText does: BOM first, else UTF-8."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    return (fallback or _UTF8).decode(data)


def _text_encoding(arguments: list[object], index: int) -> EncodingValue:
    value = arguments[index] if len(arguments) > index else None
    return value if isinstance(value, EncodingValue) else _UTF8


def _encode_text(text: str, chosen: EncodingValue) -> bytes:
    return chosen.preamble + chosen.encode(text)


def _write_all_text(
    interpreter: Any, arguments: list[object], append: bool = False
) -> None:
    chosen = _text_encoding(arguments, 2)
    data = chosen.encode(to_string(arguments[1]))
    if not append:
        data = chosen.preamble + data
    _write(interpreter, arguments[0], data, append)


def _lines(interpreter: Any, arguments: list[object]) -> list[str]:
    text = decode_text(_read(interpreter, arguments), _text_encoding(arguments, 1))
    lines = text.replace("\r\n", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _delete(interpreter: Any, arguments: list[object]) -> None:
    path = _path(interpreter, arguments[0])
    if interpreter.machine.filesystem.exists(path):
        interpreter.machine.filesystem.remove(path)


def _copy(interpreter: Any, arguments: list[object], move: bool = False) -> None:
    source, target = _path(interpreter, arguments[0]), _path(interpreter, arguments[1])
    filesystem = interpreter.machine.filesystem
    overwrite = len(arguments) > 2 and bool(arguments[2])
    if filesystem.exists(target) and not overwrite:
        raise DotNetError(
            "System.IO.IOException", f"The file '{target}' already exists."
        )
    try:
        if move:
            filesystem.move(source, target)
        else:
            filesystem.copy(source, target)
    except FileSystemError as error:
        raise _io_error(error) from None


FILE_METHODS: dict[str, Callable[[Any, list[object]], object]] = {
    "readallbytes": lambda i, a: bytearray(_read(i, a)),
    "writeallbytes": lambda i, a: _write(
        i, a[0], bytes(bytearray(int(x) for x in as_list(a[1])))
    ),
    "readalltext": lambda i, a: decode_text(_read(i, a), _text_encoding(a, 1)),
    "writealltext": lambda i, a: _write_all_text(i, a),
    "appendalltext": lambda i, a: _write_all_text(i, a, append=True),
    "readalllines": _lines,
    "writealllines": lambda i, a: _write(
        i,
        a[0],
        _encode_text(
            "".join(to_string(x) + "\r\n" for x in as_list(a[1])), _text_encoding(a, 2)
        ),
    ),
    "exists": lambda i, a: (
        to_string(a[0]) != ""
        and i.machine.filesystem.exists(_path(i, a[0]))
        and not i.machine.filesystem.is_directory(_path(i, a[0]))
    ),
    "delete": _delete,
    "copy": _copy,
    "move": lambda i, a: _copy(i, a, move=True),
}


def _combine(arguments: list[object]) -> str:
    result = ""
    for part in [
        to_string(item) for argument in arguments for item in as_list(argument)
    ]:
        if part[1:3] in (":\\", ":/") or part.startswith(("\\", "/")):
            result = part
        elif result and not result.endswith(("\\", "/", ":")):
            result = f"{result}\\{part}"
        else:
            result += part
    return result


def _file_name(value: object) -> str:
    text = to_string(value)
    return text.replace("/", "\\").rsplit("\\", 1)[-1].rsplit(":", 1)[-1]


def _directory_name(value: object) -> str | None:
    text = to_string(value).replace("/", "\\")
    if "\\" not in text:
        return ""
    head = text.rsplit("\\", 1)[0]
    if len(text) <= 3 and text[1:2] == ":":
        return None
    return head + "\\" if len(head) == 2 and head[1] == ":" else head


def _extension(value: object) -> str:
    name = _file_name(value)
    return "." + name.rsplit(".", 1)[1] if "." in name.strip(".") else ""


PATH_METHODS: dict[str, Callable[[Any, list[object]], object]] = {
    "combine": lambda i, a: _combine(a),
    "getfilename": lambda i, a: _file_name(a[0]),
    "getdirectoryname": lambda i, a: _directory_name(a[0]),
    "getextension": lambda i, a: _extension(a[0]),
    "getfilenamewithoutextension": lambda i, a: _file_name(a[0])[
        : len(_file_name(a[0])) - len(_extension(a[0]))
    ],
    "gettemppath": lambda i, a: (i.host.env.get("TEMP") or "C:\\Windows\\Temp") + "\\",
    "gettempfilename": lambda i, a: _temp_file(i),
    "getrandomfilename": lambda i, a: f"{uuid.uuid4().hex[:8]}.{uuid.uuid4().hex[:3]}",
    "getfullpath": lambda i, a: _path(i, a[0]),
    "ispathrooted": lambda i, a: (
        to_string(a[0]).replace("/", "\\").startswith("\\")
        or to_string(a[0])[1:2] == ":"
    ),
    "changeextension": lambda i, a: (
        to_string(a[0])[: len(to_string(a[0])) - len(_extension(a[0]))]
        + (
            ""
            if a[1] is None
            else ("" if to_string(a[1]).startswith(".") else ".") + to_string(a[1])
        )
    ),
}
PATH_PROPERTIES = {
    "directoryseparatorchar": "\\",
    "altdirectoryseparatorchar": "/",
    "pathseparator": ";",
    "volumeseparatorchar": ":",
}


def _temp_file(interpreter: Any) -> str:
    folder = interpreter.host.env.get("TEMP") or "C:\\Windows\\Temp"
    path = vpaths.join(
        normalize(folder, "C:\\"), f"tmp{uuid.uuid4().hex[:4].upper()}.tmp"
    )
    interpreter.machine.filesystem.make_directory(vpaths.parent(path) or "C:\\")
    _write(interpreter, path, b"")
    return path


DIRECTORY_METHODS: dict[str, Callable[[Any, list[object]], object]] = {
    "exists": lambda i, a: i.machine.filesystem.is_directory(_path(i, a[0])),
    "createdirectory": lambda i, a: i.machine.filesystem.make_directory(
        _path(i, a[0]), owner=i.account_name
    ),
    "delete": lambda i, a: i.machine.filesystem.remove(
        _path(i, a[0]), bool(a[1]) if len(a) > 1 else False
    ),
    "getfiles": lambda i, a: [
        e.path
        for e in i.machine.filesystem.list_directory(_path(i, a[0]))
        if not e.is_directory
    ],
    "getdirectories": lambda i, a: [
        e.path
        for e in i.machine.filesystem.list_directory(_path(i, a[0]))
        if e.is_directory
    ],
    "getcurrentdirectory": lambda i, a: i.host.working_directory,
}
