"""Static members: `[Type]::Member`, `[Type]::Method(args)` and `[Type]::new(args)`."""

from __future__ import annotations

import base64
import binascii
import math
import time
from datetime import datetime, timedelta
from typing import Any

from winrm_sim.powershell.dotnet import console
from winrm_sim.powershell.dotnet.constructors import construct
from winrm_sim.powershell.dotnet.io_statics import (
    DIRECTORY_METHODS,
    FILE_METHODS,
    PATH_METHODS,
    PATH_PROPERTIES,
)
from winrm_sim.powershell.dotnet.members import method_exception
from winrm_sim.powershell.dotnet.objects import (
    DotNetError,
    GuidValue,
    codepage_encoding,
    encoding,
)
from winrm_sim.powershell.dotnet.string_methods import join_items
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.formats import FormatError, format_composite
from winrm_sim.powershell.host import ExitScript
from winrm_sim.powershell.text_operators import dotnet_regex
from winrm_sim.powershell.types import convert_to
from winrm_sim.powershell.values import (
    ConversionError,
    PSObject,
    TypeValue,
    as_list,
    to_number,
    to_string,
)

_MISSING = object()
_NO_PADDING = "Invalid length for a Base-64 char array or string."
_BAD_BASE64 = (
    "The input is not a valid Base-64 string as it contains a non-base 64 character, "
    "more than two padding characters, or an illegal character among the padding "
    "characters. "
)


def get_static(interpreter: Any, target: object, name: str) -> object:
    """Return `[Type]::Name`."""
    type_name = _type_name(target)
    key = name.casefold()
    value = _static_property(interpreter, type_name, key)
    if value is _MISSING:
        return None
    return value


def set_static(interpreter: Any, target: object, name: str, value: object) -> None:
    """Set `[Type]::Name = value` (only [Console] encodings can be set)."""
    if _type_name(target) == "System.Console" and console.set_console_property(
        interpreter, name.casefold(), value
    ):
        return
    raise PSError(
        ErrorRecord(
            message=f"'{name}' is a ReadOnly property.",
            error_id="PropertyAssignmentException",
            category="InvalidOperation",
        )
    )


def call_static(
    interpreter: Any, target: object, name: str, arguments: list[object]
) -> object:
    """Call `[Type]::Method(args)`, wrapping .NET exceptions as PowerShell does."""
    type_name = _type_name(target)
    key = name.casefold()
    try:
        if key == "new":
            return construct(interpreter, type_name, arguments)
        result = _static_method(interpreter, type_name, key, arguments)
    except DotNetError as error:
        raise method_exception(name, len(arguments), error) from None
    if result is _MISSING:
        raise PSError(
            ErrorRecord(
                message=(
                    f"Method invocation failed because [{type_name}] does not "
                    "contain a "
                    f"method named '{name}'."
                ),
                error_id="MethodNotFound",
                category="InvalidOperation",
                target_name=name,
                target_type="String",
            )
        )
    return result


def _type_name(target: object) -> str:
    if isinstance(target, TypeValue):
        return target.full_name
    raise PSError(
        ErrorRecord(
            message=f"Unable to find type [{to_string(target)}].",
            error_id="TypeNotFound",
            category="InvalidOperation",
        )
    )


def _static_property(interpreter: Any, type_name: str, key: str) -> object:
    if type_name == "System.Console":
        return console.console_property(interpreter, key)
    if type_name == "System.Text.Encoding":
        names = {
            "utf8": "utf8",
            "unicode": "unicode",
            "ascii": "ascii",
            "default": "default",
            "bigendianunicode": "bigendianunicode",
            "utf32": "utf32",
        }
        return encoding(names[key]) if key in names else _MISSING
    if type_name == "System.Environment":
        return _environment_property(interpreter, key)
    if type_name == "System.IO.Path":
        return PATH_PROPERTIES.get(key, _MISSING)
    if type_name == "System.DateTime":
        now = datetime.now()
        table = {
            "now": now,
            "today": now.replace(hour=0, minute=0, second=0, microsecond=0),
            "utcnow": datetime.utcnow(),
            "minvalue": datetime.min,
            "maxvalue": datetime.max,
        }
        return table.get(key, _MISSING)
    if type_name == "System.Math":
        return {"pi": math.pi, "e": math.e}.get(key, _MISSING)
    if type_name == "System.String" and key == "empty":
        return ""
    if type_name in ("System.Int32", "System.Int64", "System.Byte"):
        bits = {"System.Int32": 31, "System.Int64": 63, "System.Byte": 8}[type_name]
        low = 0 if type_name == "System.Byte" else -(1 << bits)
        high = 255 if type_name == "System.Byte" else (1 << bits) - 1
        return {"maxvalue": high, "minvalue": low}.get(key, _MISSING)
    if type_name == "System.TimeSpan" and key == "zero":
        return timedelta(0)
    if type_name == "System.Management.Automation.ActionPreference":
        names = ("SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend")
        return next((n for n in names if n.casefold() == key), _MISSING)
    return _MISSING


def _environment_property(interpreter: Any, key: str) -> object:
    host = interpreter.host
    table = {
        "machinename": host.hostname,
        "username": host.username,
        "userdomainname": host.env.get("USERDOMAIN", host.hostname),
        "newline": "\r\n",
        "currentdirectory": host.working_directory,
        "processorcount": 2,
        "is64bitoperatingsystem": True,
        "is64bitprocess": True,
        "tickcount": int(time.monotonic() * 1000) & 0x7FFFFFFF,
        "osversion": PSObject(
            [
                ("Platform", "Win32NT"),
                ("VersionString", "Microsoft Windows NT 10.0.17763.0"),
            ],
            "System.OperatingSystem",
        ),
        "systemdirectory": "C:\\Windows\\system32",
        "userinteractive": False,
    }
    return table.get(key, _MISSING)


def _static_method(
    interpreter: Any, type_name: str, key: str, arguments: list[object]
) -> object:
    handler = _METHOD_TABLES.get(type_name)
    if handler is not None:
        method = handler.get(key)
        return _MISSING if method is None else method(interpreter, arguments)
    if type_name == "System.Console":
        return console.console_method(interpreter, key, arguments)
    return _MISSING


def _from_base64(text: object) -> bytearray:
    cleaned = "".join(to_string(text).split())
    if len(cleaned) % 4:
        raise DotNetError("System.FormatException", _NO_PADDING)
    try:
        return bytearray(base64.b64decode(cleaned, validate=True))
    except binascii.Error:
        raise DotNetError("System.FormatException", _BAD_BASE64) from None


def _to_base64(value: object) -> str:
    if value is None:
        raise DotNetError(
            "System.ArgumentNullException",
            "Value cannot be null.\r\nParameter name: inArray",
        )
    data = bytes(int(item) for item in as_list(value))  # type: ignore[call-overload]
    return base64.b64encode(data).decode("ascii")


def _convert(type_name: str):  # noqa: ANN202
    def convert(interpreter: Any, arguments: list[object]) -> object:
        value = arguments[0]
        if len(arguments) > 1 and isinstance(value, str):
            return int(value, int(to_number(arguments[1])))
        try:
            return convert_to(value, type_name)
        except ConversionError as error:
            raise DotNetError(
                "System.FormatException", "Input string was not in a correct format."
            ) from error

    return convert


def _parse_bool(interpreter: Any, arguments: list[object]) -> bool:
    text = to_string(arguments[0]).strip().casefold()
    if text not in ("true", "false"):
        raise DotNetError(
            "System.FormatException", "String was not recognized as a valid Boolean."
        )
    return text == "true"


def _exit(interpreter: Any, arguments: list[object]) -> None:
    raise ExitScript(int(to_number(arguments[0])))


def _script_block(interpreter: Any, arguments: list[object]) -> object:
    return interpreter.create_script_block(to_string(arguments[0]))


def _round(interpreter: Any, arguments: list[object]) -> object:
    value = to_number(arguments[0])
    digits = int(to_number(arguments[1])) if len(arguments) > 1 else 0
    result = round(value, digits)
    return float(result) if isinstance(value, float) else result


def _string_format(interpreter: Any, arguments: list[object]) -> str:
    values = arguments[1:]
    if len(values) == 1 and isinstance(values[0], list):
        values = values[0]
    try:
        return format_composite(to_string(arguments[0]), values)
    except FormatError as error:
        raise DotNetError("System.FormatException", str(error)) from None


def _timespan_from(unit: str):  # noqa: ANN202
    def make(interpreter: Any, arguments: list[object]) -> timedelta:
        return timedelta(**{unit: float(to_number(arguments[0]))})

    return make


def _regex(kind: str):  # noqa: ANN202
    import re

    def apply(interpreter: Any, arguments: list[object]) -> object:
        text, pattern = to_string(arguments[0]), dotnet_regex(to_string(arguments[1]))
        if kind == "ismatch":
            return re.search(pattern, text) is not None
        if kind == "replace":
            return re.sub(pattern, to_string(arguments[2]).replace("$", "\\"), text)
        if kind == "split":
            return re.split(pattern, text)
        found = [m[0] for m in re.finditer(pattern, text)]
        if kind == "matches":
            return found
        return found[0] if found else ""

    return apply


_METHOD_TABLES: dict[str, dict[str, Any]] = {
    "System.Convert": {
        "tobase64string": lambda i, a: _to_base64(a[0]),
        "frombase64string": lambda i, a: _from_base64(a[0]),
        "toint32": _convert("System.Int32"),
        "toint64": _convert("System.Int64"),
        "tostring": lambda i, a: (
            format(
                int(to_number(a[0])), {2: "b", 8: "o", 16: "x"}[int(to_number(a[1]))]
            )
            if len(a) > 1
            else to_string(a[0])
        ),
        "toboolean": _convert("System.Boolean"),
        "todouble": _convert("System.Double"),
        "tobyte": _convert("System.Byte"),
    },
    "System.IO.File": FILE_METHODS,
    "System.IO.Path": PATH_METHODS,
    "System.IO.Directory": DIRECTORY_METHODS,
    "System.Environment": {
        "exit": _exit,
        "getenvironmentvariable": lambda i, a: i.host.env.get(to_string(a[0])),
        "setenvironmentvariable": lambda i, a: i.host.env.__setitem__(
            to_string(a[0]), to_string(a[1])
        ),
        "expandenvironmentvariables": lambda i, a: i.expand_environment(
            to_string(a[0])
        ),
        "getfolderpath": lambda i, a: i.host.env.get("USERPROFILE", ""),
    },
    "System.Management.Automation.ScriptBlock": {"create": _script_block},
    "System.Text.Encoding": {
        "getencoding": lambda i, a: (
            codepage_encoding(int(to_number(a[0])))
            if isinstance(a[0], int)
            else encoding(to_string(a[0]))
        ),
    },
    "System.Math": {
        "round": _round,
        "floor": lambda i, a: math.floor(to_number(a[0])),
        "ceiling": lambda i, a: math.ceil(to_number(a[0])),
        "abs": lambda i, a: abs(to_number(a[0])),
        "sqrt": lambda i, a: math.sqrt(to_number(a[0])),
        "pow": lambda i, a: float(to_number(a[0]) ** to_number(a[1])),
        "max": lambda i, a: max(to_number(a[0]), to_number(a[1])),
        "min": lambda i, a: min(to_number(a[0]), to_number(a[1])),
        "truncate": lambda i, a: int(to_number(a[0])),
        "log": lambda i, a: math.log(to_number(a[0])),
        "log10": lambda i, a: math.log10(to_number(a[0])),
    },
    "System.String": {
        "isnullorempty": lambda i, a: a[0] is None or to_string(a[0]) == "",
        "isnullorwhitespace": lambda i, a: (
            a[0] is None or to_string(a[0]).strip() == ""
        ),
        "join": lambda i, a: join_items(a[0], a[1:]),
        "format": _string_format,
        "concat": lambda i, a: "".join(to_string(x) for x in a),
    },
    "System.DateTime": {
        "parse": lambda i, a: convert_to(a[0], "System.DateTime"),
        "fromfiletime": lambda i, a: datetime.fromtimestamp(
            (int(to_number(a[0])) - 116444736000000000) / 1e7
        ),
    },
    "System.TimeSpan": {
        f"from{unit}": _timespan_from(unit)
        for unit in ("seconds", "minutes", "hours", "days", "milliseconds")
    },
    "System.Guid": {"newguid": lambda i, a: GuidValue()},
    "System.Threading.Thread": {
        "sleep": lambda i, a: i.wait(float(to_number(a[0])) / 1000)
    },
    "System.Int32": {"parse": _convert("System.Int32")},
    "System.Boolean": {"parse": _parse_bool},
    "System.Int64": {"parse": _convert("System.Int64")},
    "System.Double": {"parse": _convert("System.Double")},
    "System.Char": {
        "isdigit": lambda i, a: to_string(a[0])[:1].isdigit(),
        "isletter": lambda i, a: to_string(a[0])[:1].isalpha(),
        "iswhitespace": lambda i, a: to_string(a[0])[:1].isspace(),
        "isupper": lambda i, a: to_string(a[0])[:1].isupper(),
        "islower": lambda i, a: to_string(a[0])[:1].islower(),
    },
    "System.BitConverter": {
        "tostring": lambda i, a: "-".join(f"{int(x):02X}" for x in as_list(a[0])),
    },
    "System.Text.RegularExpressions.Regex": {
        "escape": lambda i, a: __import__("re").escape(to_string(a[0])),
        "ismatch": _regex("ismatch"),
        "replace": _regex("replace"),
        "split": _regex("split"),
        "matches": _regex("matches"),
        "match": _regex("match"),
    },
    "System.Net.Dns": {"gethostname": lambda i, a: i.host.hostname},
    "System.Security.Principal.WindowsIdentity": {
        "getcurrent": lambda i, a: PSObject(
            [
                ("Name", i.account_name),
                ("AuthenticationType", "NTLM"),
                ("IsAuthenticated", True),
            ],
            "System.Security.Principal.WindowsIdentity",
        )
    },
    "System.Diagnostics.Process": {
        "getcurrentprocess": lambda i, a: i.current_process_object(),
    },
}
