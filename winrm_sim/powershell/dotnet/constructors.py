"""`[Type]::new(args)` and `New-Object Type args` for the types scripts create."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from winrm_sim.powershell.dotnet.objects import (
    ArrayList,
    DotNetError,
    EncodingValue,
    GuidValue,
    StringBuilder,
)
from winrm_sim.powershell.errors import (
    EXCEPTION_BASES,
    DotNetException,
    ErrorRecord,
    PSError,
)
from winrm_sim.powershell.values import Hashtable, PSObject, to_number, to_string

# Bytes one element of an object[] takes (reference plus boxed value), for limits.
_OBJECT_SLOT_BYTES = 32


def construct(interpreter: Any, type_name: str, arguments: list[object]) -> object:
    """Create an instance of a type, or raise PSError when the subset lacks it."""
    if type_name.endswith("[]"):
        return _array(interpreter, type_name[:-2], arguments)
    if type_name in EXCEPTION_BASES or type_name.endswith("Exception"):
        message = (
            to_string(arguments[0])
            if arguments
            else (f"Exception of type '{type_name}' was thrown.")
        )
        return DotNetException(type_name, message)
    simple = _SIMPLE.get(type_name)
    if simple is not None:
        return simple(arguments)
    if type_name.startswith("System.Collections.Generic.List["):
        return ArrayList()
    security = getattr(interpreter, "construct_security_object", None)
    if security is not None:
        created = security(type_name, arguments)
        if created is not None:
            return created
    raise PSError(
        ErrorRecord(
            message=(
                f"The winrm_sim PowerShell subset cannot create objects of type "
                f"[{type_name}]."
            ),
            error_id="NotSupportedByWinrmSim",
            category="NotImplemented",
        )
    )


def _array(interpreter: Any, element: str, arguments: list[object]) -> object:
    size = int(to_number(arguments[0])) if arguments else 0
    if size < 0:
        raise DotNetError(
            "System.OverflowException", "Arithmetic operation resulted in an overflow."
        )
    element_bytes = 1 if element == "System.Byte" else _OBJECT_SLOT_BYTES
    interpreter.check_allocation(size * element_bytes)
    if element == "System.Byte":
        return bytearray(size)
    default: object = 0 if element.startswith(("System.Int", "System.Double")) else None
    return [default] * size


def _datetime(arguments: list[object]) -> datetime:
    numbers = [int(to_number(item)) for item in arguments]
    return datetime(*numbers) if numbers else datetime(1, 1, 1)  # type: ignore[misc]


def _timespan(arguments: list[object]) -> timedelta:
    numbers = [int(to_number(item)) for item in arguments]
    if len(numbers) == 3:
        return timedelta(hours=numbers[0], minutes=numbers[1], seconds=numbers[2])
    if len(numbers) >= 4:
        return timedelta(
            days=numbers[0], hours=numbers[1], minutes=numbers[2], seconds=numbers[3]
        )
    return timedelta(microseconds=numbers[0] / 10 if numbers else 0)


def _utf8(arguments: list[object]) -> EncodingValue:
    bom = bool(arguments[0]) if arguments else False
    return EncodingValue(
        "utf-8", "utf-8", "Unicode (UTF-8)", 65001, b"\xef\xbb\xbf" if bom else b""
    )


_SIMPLE = {
    "System.Collections.ArrayList": lambda a: ArrayList(),
    "System.Collections.Hashtable": lambda a: Hashtable(),
    "System.Collections.Specialized.OrderedDictionary": lambda a: Hashtable(
        ordered=True
    ),
    "System.Text.StringBuilder": lambda a: StringBuilder(to_string(a[0]) if a else ""),
    "System.Management.Automation.PSObject": lambda a: PSObject(),
    "System.Object": lambda a: PSObject(),
    "System.DateTime": _datetime,
    "System.TimeSpan": _timespan,
    "System.Guid": lambda a: GuidValue(
        uuid.UUID(to_string(a[0])) if a else uuid.UUID(int=0)
    ),
    "System.Text.UTF8Encoding": _utf8,
    "System.String": lambda a: (
        to_string(a[0]) * int(to_number(a[1])) if len(a) > 1 else to_string(a[0])
    ),
}
