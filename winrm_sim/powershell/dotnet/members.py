"""Instance members: `$x.Name`, `$x.Name = v` and `$x.Method(args)`.

Objects of the simulator's own classes take part through four optional
methods: `ps_properties()` lists (name, value) pairs, `ps_get(name)` returns
(found, value), `ps_set(name, value)` returns True when it stored the value,
and `ps_call(interpreter, name, arguments)` returns (found, result).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from winrm_sim.powershell.dotnet.collection_methods import (
    HASHTABLE_METHODS,
    LIST_METHODS,
    entry_list,
)
from winrm_sim.powershell.dotnet.date_methods import (
    DATE_METHODS,
    date_property,
    span_property,
)
from winrm_sim.powershell.dotnet.objects import (
    DotNetError,
    EncodingValue,
    PropertyCollection,
    PSObjectView,
    StringBuilder,
)
from winrm_sim.powershell.dotnet.string_methods import STRING_METHODS
from winrm_sim.powershell.errors import DotNetException, ErrorRecord, PSError
from winrm_sim.powershell.formats import format_value
from winrm_sim.powershell.types import type_name_of
from winrm_sim.powershell.values import (
    Hashtable,
    PSObject,
    PSProperty,
    ScriptBlock,
    TypeValue,
    collect,
    is_enumerable,
    to_string,
)

_MISSING = object()


def properties_of(value: object) -> list[tuple[str, object]]:
    """Return the (name, value) pairs of an object's properties."""
    if isinstance(value, PSObject):
        return value.properties()
    listed = getattr(value, "ps_properties", None)
    if callable(listed):
        return list(listed())
    if isinstance(value, Hashtable):
        return [
            ("Count", len(value)),
            ("Keys", value.keys()),
            ("Values", value.values()),
        ]
    if isinstance(value, str):
        return [("Length", len(value))]
    return []


def get_member(value: object, name: str) -> object:
    """Return a property value; a missing property is $null, as without strict mode."""
    if value is None:
        return None
    key = name.casefold()
    if key == "psobject":
        return psobject_view(value)
    if isinstance(value, PSObject):
        return value.get(name)
    custom = getattr(value, "ps_get", None)
    if callable(custom):
        found, result = custom(name)
        if found:
            return result
    result = _builtin_member(value, key)
    if result is not _MISSING:
        return result
    for property_name, property_value in properties_of(value):
        if property_name.casefold() == key:
            return property_value
    if is_enumerable(value):
        # Member enumeration: `$files.Name` reads Name of every item.
        found = [get_member(item, name) for item in value]  # type: ignore[attr-defined]
        return collect([item for item in found if item is not None])
    return None


def _builtin_member(value: object, key: str) -> object:
    if isinstance(value, Hashtable):
        if key in ("count", "keys", "values") and key not in value:
            return {
                "count": len(value),
                "keys": value.keys(),
                "values": value.values(),
            }[key]
        return value[key] if key in value else None
    if isinstance(value, str):
        return len(value) if key == "length" else _MISSING
    if is_enumerable(value) and key in ("count", "length", "longlength"):
        return len(value)  # type: ignore[arg-type]
    if isinstance(value, bool) and key == "ispresent":
        return value
    if isinstance(value, datetime):
        return date_property(value, key)
    if isinstance(value, timedelta):
        return span_property(value, key)
    if isinstance(value, ErrorRecord):
        return _error_record_member(value, key)
    if isinstance(value, DotNetException):
        return {"message": value.message, "innerexception": value.inner}.get(
            key, _MISSING
        )
    if isinstance(value, TypeValue):
        namespace = value.full_name.rsplit(".", 1)[0] if "." in value.full_name else ""
        return {
            "name": value.name,
            "fullname": value.full_name,
            "namespace": namespace,
        }.get(key, _MISSING)
    if isinstance(value, PSProperty):
        return {
            "name": value.name,
            "value": value.value,
            "membertype": "NoteProperty",
            "typenameofvalue": type_name_of(value.value),
            "issettable": True,
        }.get(key, _MISSING)
    if isinstance(value, PSObjectView):
        return {
            "properties": value.properties,
            "typenames": value.type_names,
            "baseobject": value.base,
            "immediatebaseobject": value.base,
        }.get(key, _MISSING)
    if isinstance(value, EncodingValue):
        return {
            "webname": value.web_name,
            "encodingname": value.encoding_name,
            "codepage": value.code_page,
            "bodyname": value.web_name,
        }.get(key, _MISSING)
    if isinstance(value, StringBuilder) and key == "length":
        return len(value.ps_string())
    if isinstance(value, ScriptBlock) and key == "ast":
        return value.body
    return _MISSING


def _error_record_member(record: ErrorRecord, key: str) -> object:
    if key == "exception":
        return record.exception
    if key == "categoryinfo":
        return PSObject(
            [
                ("Category", record.category),
                ("Activity", record.activity),
                ("Reason", record.reason),
                ("TargetName", record.target_name),
                ("TargetType", record.target_type),
            ],
            "System.Management.Automation.ErrorCategoryInfo",
        )
    if key == "invocationinfo":
        line = record.source.count("\n", 0, record.start or 0) + 1
        return PSObject(
            [
                ("ScriptLineNumber", line),
                ("Line", record.source.split("\n")[line - 1] if record.source else ""),
            ],
            "System.Management.Automation.InvocationInfo",
        )
    return {
        "fullyqualifiederrorid": record.error_id,
        "targetobject": record.target_object,
        "errordetails": None,
        "scriptstacktrace": "at <ScriptBlock>, <No file>: line 1",
    }.get(key, _MISSING)


def psobject_view(value: object) -> PSObjectView:
    """Return `$value.PSObject`."""
    properties = PropertyCollection(
        PSProperty(name, item) for name, item in properties_of(value)
    )
    if isinstance(value, PSObject):
        type_names = list(value.type_names)
    else:
        type_names = [type_name_of(value), "System.Object"]
    return PSObjectView(value, properties, type_names)


def set_member(owner: object, name: str, value: object) -> None:
    """Set `$owner.Name = value`, or raise PowerShell's error."""
    if isinstance(owner, PSObject):
        if owner.has(name) or getattr(owner, "ps_open", True):
            owner.set(name, value)
            return
    elif isinstance(owner, Hashtable):
        owner[name] = value
        return
    elif isinstance(owner, PSProperty) and name.casefold() == "value":
        owner.value = value
        return
    custom = getattr(owner, "ps_set", None)
    if callable(custom) and custom(name, value):
        return
    message = (
        f"The property '{name}' cannot be found on this object. Verify that the "
        "property exists and can be set."
    )
    raise PSError(
        ErrorRecord(
            message=message,
            error_id="PropertyAssignmentException",
            category="InvalidOperation",
        )
    )


def call_method(
    interpreter: Any, value: object, name: str, arguments: list[object]
) -> object:
    """Call an instance method and wrap .NET exceptions as PowerShell does."""
    if value is None:
        raise PSError(
            ErrorRecord(
                message="You cannot call a method on a null-valued expression.",
                error_id="InvokeMethodOnNull",
                category="InvalidOperation",
            )
        )
    try:
        result = _dispatch(interpreter, value, name.casefold(), arguments)
    except DotNetError as error:
        raise method_exception(name, len(arguments), error) from None
    if result is _MISSING:
        raise PSError(
            ErrorRecord(
                message=(
                    "Method invocation failed because "
                    f"[{type_name_of(value)}] does not "
                    f"contain a method named '{name}'."
                ),
                error_id="MethodNotFound",
                category="InvalidOperation",
                target_name=name,
                target_type="String",
            )
        )
    return result


def method_exception(name: str, count: int, error: DotNetError) -> PSError:
    """Return the MethodInvocationException record for a failed .NET call."""
    inner = DotNetException(error.type_name, error.message)
    message = (
        f'Exception calling "{name}" with "{count}" argument(s): "{error.message}"'
    )
    outer = DotNetException(
        "System.Management.Automation.MethodInvocationException", message, inner
    )
    return PSError(
        ErrorRecord(
            message=message,
            error_id=error.type_name.rsplit(".", 1)[-1],
            reason="MethodInvocationException",
            exception=outer,
        )
    )


def _dispatch(
    interpreter: Any, value: object, key: str, arguments: list[object]
) -> object:
    custom = getattr(value, "ps_call", None)
    if callable(custom):
        found, result = custom(interpreter, key, arguments)
        if found:
            return result
    if key == "gettype":
        return TypeValue(type_name_of(value))
    if isinstance(value, str):
        method = STRING_METHODS.get(key)
        return _MISSING if method is None else method(value, arguments)
    if key == "tostring":
        if arguments and not isinstance(value, bool):
            return format_value(value, to_string(arguments[0]))
        return to_string(value)
    if key == "equals":
        return value == arguments[0] if arguments else False
    if isinstance(value, Hashtable):
        method = HASHTABLE_METHODS.get(key)
        return _MISSING if method is None else method(value, arguments)
    if isinstance(value, list | bytearray):
        method = LIST_METHODS.get(key)
        return _MISSING if method is None else method(value, arguments)
    if isinstance(value, datetime):
        method = DATE_METHODS.get(key)
        return _MISSING if method is None else method(value, arguments)
    if isinstance(value, ScriptBlock):
        return _script_block_method(interpreter, value, key, arguments)
    if isinstance(value, EncodingValue):
        return _encoding_method(value, key, arguments)
    if isinstance(value, DotNetException) and key == "getbaseexception":
        return value.inner or value
    if isinstance(value, StringBuilder):
        return _builder_method(value, key, arguments)
    if isinstance(value, PSObjectView) and key == "copy":
        return value.base
    if key == "getenumerator" and is_enumerable(value):
        return entry_list(value)
    return _MISSING


def _script_block_method(
    interpreter: Any, block: ScriptBlock, key: str, arguments: list[object]
) -> object:
    if key in ("invoke", "invokereturnasis"):
        results: list[object] = []
        interpreter.invoke_block(block, arguments, results.append)
        return results if key == "invoke" else collect(results)
    if key == "getnewclosure":
        return block
    return _MISSING


def _encoding_method(
    encoding: EncodingValue, key: str, arguments: list[object]
) -> object:
    if key == "getbytes":
        return bytearray(encoding.encode(to_string(arguments[0])))
    if key == "getstring":
        data = arguments[0]
        if not isinstance(data, bytearray | bytes | list):
            raise DotNetError(
                "System.ArgumentNullException",
                "Array cannot be null.\r\nParameter name: bytes",
            )
        raw = bytes(
            data if not isinstance(data, list) else [int(item) for item in data]
        )  # type: ignore[arg-type]
        if len(arguments) >= 3:
            start, count = int(arguments[1]), int(arguments[2])  # type: ignore[call-overload]
            raw = raw[start : start + count]
        return encoding.decode(raw)
    if key == "getpreamble":
        return bytearray(encoding.preamble)
    if key == "getbytecount":
        return len(encoding.encode(to_string(arguments[0])))
    return _MISSING


def _builder_method(
    builder: StringBuilder, key: str, arguments: list[object]
) -> object:
    if key in ("append", "appendline"):
        text = to_string(arguments[0]) if arguments else ""
        builder.parts.append(text + ("\r\n" if key == "appendline" else ""))
        return builder
    if key == "clear":
        builder.parts = []
        return builder
    return _MISSING
