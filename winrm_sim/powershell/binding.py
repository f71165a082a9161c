"""Bind a command's arguments to its parameters, as PowerShell does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ErrorRecord, ScriptError

# Common parameters every cmdlet accepts. Only the Write-* cmdlets act on them.
COMMON_PARAMETERS = ("ErrorAction", "WarningAction", "Verbose", "Debug")
_COMMON_SWITCHES = ("Verbose", "Debug")


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter: a switch, or one taking a value (`position` for positional)."""

    name: str
    switch: bool = False
    position: int | None = None
    remaining: bool = False
    type_name: str = "System.Object"


@dataclass
class CommandInfo:
    """Names used in a cmdlet's error records."""

    name: str
    dotnet_type: str


def bind(
    command: CommandInfo,
    specs: tuple[ParameterSpec, ...],
    call: nodes.CommandCall,
    evaluate: Callable[[nodes.Node], object],
) -> dict[str, object]:
    """Return parameter values by name, with positional leftovers in `remaining`."""
    bound: dict[str, object] = {}
    positional: list[nodes.Node] = []
    arguments = list(call.arguments)
    while arguments:
        argument = arguments.pop(0)
        if not isinstance(argument, nodes.Parameter):
            positional.append(argument)
            continue
        spec = _match(command, specs, argument)
        bound[spec.name] = _parameter_value(
            command, spec, argument, arguments, evaluate
        )

    _bind_positional(command, specs, positional, bound, evaluate)
    return bound


def _match(
    command: CommandInfo, specs: tuple[ParameterSpec, ...], argument: nodes.Parameter
) -> ParameterSpec:
    everything = specs + tuple(
        ParameterSpec(name, switch=name in _COMMON_SWITCHES)
        for name in COMMON_PARAMETERS
    )
    typed = argument.name.lower()
    exact = [spec for spec in everything if spec.name.lower() == typed]
    matches = exact or [
        spec for spec in everything if spec.name.lower().startswith(typed)
    ]
    if len(matches) == 1:
        return matches[0]

    if matches:
        names = ", ".join(f"-{spec.name}" for spec in matches)
        message = (
            "Parameter cannot be processed because the parameter name "
            f"'{argument.name}' is ambiguous. Possible matches include: {names}."
        )
        raise _binding_error(command, message, "AmbiguousParameter", argument)
    message = (
        f"A parameter cannot be found that matches parameter name '{argument.name}'."
    )
    raise _binding_error(command, message, "NamedParameterNotFound", argument)


def _parameter_value(
    command: CommandInfo,
    spec: ParameterSpec,
    argument: nodes.Parameter,
    rest: list[nodes.Node],
    evaluate: Callable[[nodes.Node], object],
) -> object:
    if argument.value is not None:
        return evaluate(argument.value)
    if spec.switch:
        return True
    if not rest or isinstance(rest[0], nodes.Parameter):
        message = (
            f"Missing an argument for parameter '{spec.name}'. Specify a parameter of "
            f"type '{spec.type_name}' and try again."
        )
        raise _binding_error(command, message, "MissingArgument", argument)
    return evaluate(rest.pop(0))


def _bind_positional(
    command: CommandInfo,
    specs: tuple[ParameterSpec, ...],
    positional: list[nodes.Node],
    bound: dict[str, object],
    evaluate: Callable[[nodes.Node], object],
) -> None:
    slots = sorted(
        (
            spec
            for spec in specs
            if spec.position is not None and spec.name not in bound
        ),
        key=lambda spec: spec.position or 0,
    )
    for spec in slots:
        if not positional:
            return
        if spec.remaining:
            bound[spec.name] = [evaluate(node) for node in positional]
            positional.clear()
            return
        bound[spec.name] = evaluate(positional.pop(0))

    if positional:
        extra = positional[0]
        text = call_text(extra)
        message = (
            f"A positional parameter cannot be found that accepts argument '{text}'."
        )
        raise _binding_error(command, message, "PositionalParameterNotFound", extra)


def call_text(node: nodes.Node) -> str:
    """Return a constant's text for messages, or a placeholder for expressions."""
    if isinstance(node, nodes.Constant):
        return str(node.value)
    return "<expression>"


def _binding_error(
    command: CommandInfo, message: str, error_id: str, node: nodes.Node
) -> ScriptError:
    return ScriptError(
        ErrorRecord(
            message=message,
            category=binding_category(command.name),
            error_id=f"{error_id},{command.dotnet_type}",
            prefix=command.name,
            start=node.start,
            end=node.end,
        )
    )


def binding_category(command_name: str) -> str:
    """Return the CategoryInfo text of a parameter binding error."""
    return f"InvalidArgument: (:) [{command_name}], ParameterBindingException"
