"""Binding arguments to the `param()` block of a function or script block."""

from __future__ import annotations

from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.commands import (
    COMMON_PARAMETERS,
    Argument,
    CommandState,
    argument_text,
)
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.operators import compare
from winrm_sim.powershell.scopes import Scope
from winrm_sim.powershell.types import convert_to, resolve_type
from winrm_sim.powershell.values import ConversionError, Hashtable, to_string

_SWITCH_TYPES = ("switch", "system.management.automation.switchparameter")
_TYPE_DEFAULTS = {
    "System.Int32": 0,
    "System.Int64": 0,
    "System.Double": 0.0,
    "System.String": "",
    "System.Boolean": False,
    "System.Management.Automation.SwitchParameter": False,
}


def _error(
    state: CommandState,
    message: str,
    error_id: str,
    category: str,
    reason: str,
    node: nodes.Node | None = None,
) -> PSError:
    name = state.name
    record = ErrorRecord(
        message=message,
        error_id=f"{error_id},{name}" if name else error_id,
        category=category,
        activity=name,
        reason=reason,
        prefix=name or None,
    )
    if node is not None:
        record = record.at(node.start, node.end, state.source)
    return PSError(state.locate(record))


def is_switch(parameter: nodes.ParameterDefinition) -> bool:
    """Return True for a [switch] parameter."""
    return (parameter.type_name or "").lower() in _SWITCH_TYPES


def bind_parameters(
    interpreter: Any,
    body: nodes.ScriptBlockBody,
    arguments: list[Argument],
    scope: Scope,
    state: CommandState,
) -> None:
    """Set the parameters of `body` in `scope` from the arguments; set `$args`."""
    parameters = body.parameters or []
    advanced = body.cmdlet_binding or any(
        p.mandatory or p.position is not None or p.value_from_pipeline
        for p in parameters
    )

    bound: dict[str, tuple[object, nodes.Node | None]] = {}
    extra: list[object] = []
    positional: list[Argument] = []
    queue = list(arguments)
    while queue:
        argument = queue.pop(0)
        if argument.name is None:
            positional.append(argument)
            continue
        parameter = _match(parameters, argument.name)
        if parameter is None:
            common = COMMON_PARAMETERS.get(argument.name.lower())
            if advanced and common is not None:
                value = argument.value if argument.has_value else True
                state.apply_common(common, value)
                _set_preference(scope, common, value)
                continue
            if advanced:
                raise _error(
                    state,
                    "A parameter cannot be found that matches parameter name "
                    f"'{argument.name}'.",
                    "NamedParameterNotFound",
                    "InvalidArgument",
                    "ParameterBindingException",
                    argument.node,
                )
            extra.append(
                f"-{argument.name}:" if argument.has_value else f"-{argument.name}"
            )
            if argument.has_value:
                extra.append(argument.value)
            continue
        bound[parameter.name] = (
            _named_value(state, parameter, argument, queue),
            argument.node,
        )

    _bind_positional(state, parameters, positional, bound, extra, advanced)
    _set_values(interpreter, parameters, bound, scope, state)
    scope.set("args", extra)
    scope.set(
        "PSBoundParameters",
        Hashtable((name, value) for name, (value, _) in bound.items()),
    )


# Common parameters of an advanced function set the preference variables of
# its scope, so the commands it calls inherit them.
_PREFERENCES = {
    "ErrorAction": "ErrorActionPreference",
    "WarningAction": "WarningPreference",
    "InformationAction": "InformationPreference",
    "Verbose": "VerbosePreference",
    "Debug": "DebugPreference",
}


def _set_preference(scope: Scope, common: str, value: object) -> None:
    variable = _PREFERENCES.get(common)
    if variable is None:
        return
    if common in ("Verbose", "Debug"):
        value = "Continue" if value else "SilentlyContinue"
    scope.set(variable, value)


def _match(
    parameters: list[nodes.ParameterDefinition], typed: str
) -> nodes.ParameterDefinition | None:
    key = typed.casefold()
    exact = [
        p
        for p in parameters
        if p.name.casefold() == key or key in (a.casefold() for a in p.aliases)
    ]
    if exact:
        return exact[0]
    prefixed = [p for p in parameters if p.name.casefold().startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None


def _named_value(
    state: CommandState,
    parameter: nodes.ParameterDefinition,
    argument: Argument,
    queue: list[Argument],
) -> object:
    if is_switch(parameter):
        return argument.value if argument.has_value else True
    if argument.has_value:
        return argument.value
    if queue and queue[0].name is None:
        return queue.pop(0).value
    type_name = resolve_type(parameter.type_name or "object") or "System.Object"
    raise _error(
        state,
        f"Missing an argument for parameter '{parameter.name}'. Specify a parameter of "
        f"type '{type_name}' and try again.",
        "MissingArgument",
        "InvalidArgument",
        "ParameterBindingException",
        argument.node,
    )


def _bind_positional(
    state: CommandState,
    parameters: list[nodes.ParameterDefinition],
    positional: list[Argument],
    bound: dict[str, tuple[object, nodes.Node | None]],
    extra: list[object],
    advanced: bool,
) -> None:
    explicit = sorted(
        (p for p in parameters if p.position is not None), key=lambda p: p.position or 0
    )
    ordered = explicit or [p for p in parameters if not is_switch(p)]
    for parameter in ordered:
        if not positional:
            break
        if parameter.name in bound:
            continue
        argument = positional.pop(0)
        bound[parameter.name] = (argument.value, argument.node)
    if positional and advanced:
        raise _error(
            state,
            "A positional parameter cannot be found that accepts argument "
            f"'{argument_text(positional[0])}'.",
            "PositionalParameterNotFound",
            "InvalidArgument",
            "ParameterBindingException",
            positional[0].node,
        )
    extra.extend(argument.value for argument in positional)


def _set_values(
    interpreter: Any,
    parameters: list[nodes.ParameterDefinition],
    bound: dict[str, tuple[object, nodes.Node | None]],
    scope: Scope,
    state: CommandState,
) -> None:
    missing = [p.name for p in parameters if p.mandatory and p.name not in bound]
    if missing:
        raise _error(
            state,
            "Cannot process command because of one or more missing mandatory "
            "parameters: "
            f"{' '.join(missing)}.",
            "MissingMandatoryParameter",
            "InvalidArgument",
            "ParameterBindingException",
        )
    for parameter in parameters:
        type_name = resolve_type(parameter.type_name) if parameter.type_name else None
        if parameter.name in bound:
            value, node = bound[parameter.name]
            value = _convert(state, parameter, type_name, value, node)
            _validate(state, parameter, value, node, interpreter)
        elif parameter.default is not None:
            saved = interpreter.scope
            interpreter.scope = scope
            try:
                value = interpreter.evaluate(parameter.default)
            finally:
                interpreter.scope = saved
            value = _convert(state, parameter, type_name, value, parameter.default)
        else:
            value = _TYPE_DEFAULTS.get(type_name or "", None)
        scope.set(parameter.name, value, type_name)


def _convert(
    state: CommandState,
    parameter: nodes.ParameterDefinition,
    type_name: str | None,
    value: object,
    node: nodes.Node | None,
) -> object:
    if type_name is None:
        return value
    try:
        return convert_to(value, type_name)
    except ConversionError as error:
        raise _error(
            state,
            "Cannot process argument transformation on parameter "
            f"'{parameter.name}'. {error}",
            "ParameterArgumentTransformationError",
            "InvalidData",
            "ParameterBindingArgumentTransformationException",
            node,
        ) from None


def _validate(
    state: CommandState,
    parameter: nodes.ParameterDefinition,
    value: object,
    node: nodes.Node | None,
    interpreter: Any,
) -> None:
    if parameter.validate_set is None:
        return
    allowed = [interpreter.evaluate(item) for item in parameter.validate_set]
    if any(compare("eq", value, item) for item in allowed):
        return
    names = ",".join(to_string(item) for item in allowed)
    raise _error(
        state,
        f"Cannot validate argument on parameter '{parameter.name}'. The argument "
        f'"{to_string(value)}" does not belong to the set "{names}" specified by the '
        "ValidateSet attribute. Supply an argument that is in the set and then try the "
        "command again.",
        "ParameterArgumentValidationError",
        "InvalidData",
        "ParameterBindingValidationException",
        node,
    )
