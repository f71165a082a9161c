"""Type literals: name resolution, `[type]` conversions, GetType() and -is."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from winrm_sim.powershell.errors import EXCEPTION_BASES, DotNetException, ErrorRecord
from winrm_sim.powershell.values import (
    ConversionError,
    Hashtable,
    PSObject,
    ScriptBlock,
    TypedArray,
    TypeValue,
    as_list,
    is_true,
    to_number,
    to_string,
)

ACCELERATORS = {
    "int": "System.Int32",
    "int32": "System.Int32",
    "long": "System.Int64",
    "int64": "System.Int64",
    "int16": "System.Int16",
    "uint32": "System.UInt32",
    "uint64": "System.UInt64",
    "string": "System.String",
    "bool": "System.Boolean",
    "boolean": "System.Boolean",
    "char": "System.Char",
    "byte": "System.Byte",
    "double": "System.Double",
    "float": "System.Single",
    "single": "System.Single",
    "decimal": "System.Decimal",
    "datetime": "System.DateTime",
    "array": "System.Array",
    "hashtable": "System.Collections.Hashtable",
    "ordered": "System.Collections.Specialized.OrderedDictionary",
    "pscustomobject": "System.Management.Automation.PSObject",
    "psobject": "System.Management.Automation.PSObject",
    "object": "System.Object",
    "switch": "System.Management.Automation.SwitchParameter",
    "scriptblock": "System.Management.Automation.ScriptBlock",
    "regex": "System.Text.RegularExpressions.Regex",
    "guid": "System.Guid",
    "timespan": "System.TimeSpan",
    "void": "System.Void",
    "version": "System.Version",
    "math": "System.Math",
    "convert": "System.Convert",
    "console": "System.Console",
    "environment": "System.Environment",
    "errorrecord": "System.Management.Automation.ErrorRecord",
    "exception": "System.Exception",
}
# Full names of the types the subset provides. A short name also matches with
# "System." in front, so `[IO.File]` is System.IO.File.
KNOWN_TYPES = (
    set(ACCELERATORS.values())
    | {
        "System.IO.File",
        "System.IO.Path",
        "System.IO.Directory",
        "System.Text.Encoding",
        "System.BitConverter",
        "System.String",
        "System.Char",
        "System.Threading.Thread",
        "System.Collections.ArrayList",
        "System.Security.Principal.WindowsIdentity",
        "System.Diagnostics.Process",
        "System.Net.Dns",
        "System.Text.StringBuilder",
        "System.Management.Automation.ActionPreference",
        "System.Management.Automation.RuntimeException",
        "System.IO.FileInfo",
        "System.IO.DirectoryInfo",
        "System.IO.FileNotFoundException",
        "System.Collections.Generic.List",
        "System.Security.Cryptography.SHA256",
        "System.Security.AccessControl.FileSystemAccessRule",
        "System.Security.Principal.NTAccount",
        "System.Collections.Specialized.OrderedDictionary",
        "System.Text.UTF8Encoding",
        "System.Text.RegularExpressions.Regex",
    }
    | set(EXCEPTION_BASES)
)
_INT_RANGES = {
    "System.Int32": (-(1 << 31), (1 << 31) - 1, "Int32"),
    "System.Int64": (-(1 << 63), (1 << 63) - 1, "Int64"),
    "System.Int16": (-(1 << 15), (1 << 15) - 1, "Int16"),
    "System.Byte": (0, 255, "Byte"),
    "System.UInt32": (0, (1 << 32) - 1, "UInt32"),
    "System.UInt64": (0, (1 << 64) - 1, "UInt64"),
}
_DATE_FORMATS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
)


def resolve_type(name: str) -> str | None:
    """Return the full .NET name for a type literal, or None when it is unknown."""
    base = name.strip().replace(" ", "")
    suffix = ""
    while base.endswith("[]"):
        base, suffix = base[:-2], suffix + "[]"
    generic = re.match(r"^([\w.]+)\[(.+)\]$", base)
    if generic:
        inner = resolve_type(generic[2])
        outer = resolve_type(generic[1])
        if inner is None or outer is None:
            return None
        return f"{outer}[{inner}]{suffix}"
    full = ACCELERATORS.get(base.lower())
    if full is None:
        candidates = [base, f"System.{base}"]
        lowered = {known.lower(): known for known in KNOWN_TYPES}
        for candidate in candidates:
            if candidate.lower() in lowered:
                full = lowered[candidate.lower()]
                break
    if full is None:
        return None
    return full + suffix


def type_not_found(name: str) -> ErrorRecord:
    """Return the error record for an unknown type literal."""
    return ErrorRecord(
        message=f"Unable to find type [{name}].",
        error_id="TypeNotFound",
        category="InvalidOperation",
        target_name=name,
        target_type="TypeName",
    )


def type_name_of(value: object) -> str:
    """Return the full .NET type name of a value, as `.GetType().FullName` does."""
    if isinstance(value, bool):
        return "System.Boolean"
    if isinstance(value, int):
        return "System.Int32" if -(1 << 31) <= value < 1 << 31 else "System.Int64"
    simple = {
        float: "System.Double",
        str: "System.String",
        list: "System.Object[]",
        bytearray: "System.Byte[]",
        bytes: "System.Byte[]",
        datetime: "System.DateTime",
        timedelta: "System.TimeSpan",
        PSObject: "System.Management.Automation.PSCustomObject",
        ScriptBlock: "System.Management.Automation.ScriptBlock",
        ErrorRecord: "System.Management.Automation.ErrorRecord",
        TypeValue: "System.RuntimeType",
    }
    for python_type, name in simple.items():
        if type(value) is python_type:
            return name
    if isinstance(value, Hashtable):
        return ACCELERATORS["ordered" if value.ordered else "hashtable"]
    if isinstance(value, DotNetException):
        return value.type_name
    return str(getattr(value, "ps_type_name", "System.Object"))


def type_chain(value: object) -> list[str]:
    """Return a value's type and the types it derives from or implements."""
    name = type_name_of(value)
    chain = [name]
    if isinstance(value, DotNetException):
        chain = value.type_chain()
    elif name.endswith("[]"):
        chain += ["System.Array", "System.Collections.IEnumerable"]
    elif isinstance(value, Hashtable):
        chain += ["System.Collections.IDictionary", "System.Collections.IEnumerable"]
    elif isinstance(value, int | float) and not isinstance(value, bool):
        chain.append("System.ValueType")
    elif isinstance(value, PSObject):
        chain.append("System.Management.Automation.PSObject")
    chain.extend(getattr(value, "ps_base_types", []))
    return [*chain, "System.Object"]


def convert_to(value: object, type_name: str) -> object:
    """Convert a value as a `[type]` cast does, or raise ConversionError."""
    if type_name.endswith("[]"):
        element = type_name[:-2]
        items = [convert_to(item, element) for item in as_list(value)]
        if element == "System.Byte":
            return bytearray(items)  # type: ignore[arg-type]
        if element == "System.Object":
            return items
        return TypedArray(items, element)
    converter = _CONVERTERS.get(type_name)
    if converter is not None:
        return converter(value, type_name)
    if type_name in ("System.Object", "System.Management.Automation.PSObject"):
        return _to_psobject(value) if type_name.endswith("PSObject") else value
    if type_name.startswith("System.Collections.Generic.List["):
        return as_list(value)
    if type_name == "System.Void":
        return None
    if type_name in type_chain(value):
        return value
    raise _cannot_convert(value, type_name)


def _to_integer(value: object, type_name: str) -> int:
    low, high, short = _INT_RANGES[type_name]
    if isinstance(value, str) and len(value) == 1 and type_name == "System.Char":
        return ord(value)
    try:
        number = to_number(value)
    except ConversionError:
        raise _cannot_convert(
            value, type_name, "Input string was not in a correct format."
        ) from None
    if isinstance(number, float):
        number = round(number)
    if not low <= number <= high:
        raise _cannot_convert(
            value, type_name, f"Value was either too large or too small for an {short}."
        )
    return number


def _to_double(value: object, type_name: str) -> float:
    try:
        return float(to_number(value))
    except ConversionError:
        raise _cannot_convert(
            value, type_name, "Input string was not in a correct format."
        ) from None


def _to_bool(value: object, type_name: str) -> bool:
    return is_true(value)


def _to_string(value: object, type_name: str) -> str:
    return to_string(value)


def _to_char(value: object, type_name: str) -> str:
    if isinstance(value, str) and len(value) == 1:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 0x10000:
        return chr(value)
    raise _cannot_convert(
        value, type_name, "String must be exactly one character long."
    )


def _to_datetime(value: object, type_name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    text = to_string(value).strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise _cannot_convert(
        value, type_name, "String was not recognized as a valid DateTime."
    )


def _to_hashtable(value: object, type_name: str) -> Hashtable:
    if isinstance(value, Hashtable):
        return value
    raise _cannot_convert(value, type_name)


def _to_scriptblock(value: object, type_name: str) -> ScriptBlock:
    if isinstance(value, ScriptBlock):
        return value
    raise _cannot_convert(value, type_name)


def _to_psobject(value: object) -> object:
    if isinstance(value, Hashtable):
        return PSObject((to_string(name), item) for name, item in value.items())
    return value


def _to_switch(value: object, type_name: str) -> bool:
    return is_true(value)


def _cannot_convert(
    value: object, type_name: str, detail: str | None = None
) -> ConversionError:
    if isinstance(value, str | int | float) and not isinstance(value, bool) or detail:
        text = f'Cannot convert value "{to_string(value)}" to type "{type_name}".'
        if detail:
            text += f' Error: "{detail}"'
        return ConversionError(text)
    source_type = type_name_of(value)
    return ConversionError(
        f'Cannot convert the "{to_string(value)}" value of type "{source_type}" to '
        f'type "{type_name}".'
    )


_CONVERTERS = {
    **{name: _to_integer for name in _INT_RANGES},
    "System.Double": _to_double,
    "System.Single": _to_double,
    "System.Decimal": _to_double,
    "System.Boolean": _to_bool,
    "System.String": _to_string,
    "System.Char": _to_char,
    "System.DateTime": _to_datetime,
    "System.Collections.Hashtable": _to_hashtable,
    "System.Management.Automation.ScriptBlock": _to_scriptblock,
    "System.Management.Automation.SwitchParameter": _to_switch,
}
