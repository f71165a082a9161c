"""Command arguments, per-call state and the parameter binder of cmdlets."""

from __future__ import annotations

from dataclasses import dataclass, field

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.types import convert_to
from winrm_sim.powershell.values import ConversionError, to_string

# Common parameters and their aliases; every cmdlet and advanced function has them.
COMMON_PARAMETERS = {
    "erroraction": "ErrorAction",
    "ea": "ErrorAction",
    "warningaction": "WarningAction",
    "wa": "WarningAction",
    "informationaction": "InformationAction",
    "infa": "InformationAction",
    "verbose": "Verbose",
    "vb": "Verbose",
    "debug": "Debug",
    "db": "Debug",
    "errorvariable": "ErrorVariable",
    "ev": "ErrorVariable",
    "warningvariable": "WarningVariable",
    "wv": "WarningVariable",
    "outvariable": "OutVariable",
    "ov": "OutVariable",
    "outbuffer": "OutBuffer",
    "ob": "OutBuffer",
    "pipelinevariable": "PipelineVariable",
    "pv": "PipelineVariable",
    "informationvariable": "InformationVariable",
    "iv": "InformationVariable",
    "whatif": "WhatIf",
    "wi": "WhatIf",
    "confirm": "Confirm",
    "cf": "Confirm",
}
COMMON_SWITCHES = ("Verbose", "Debug", "WhatIf", "Confirm")


@dataclass
class Argument:
    """One evaluated command argument: `-Name`, `-Name:value` or a positional value."""

    name: str | None
    value: object = None
    has_value: bool = True
    node: nodes.Node | None = None


@dataclass
class CommandState:
    """State of one command call: its name, position and common parameters."""

    name: str
    start: int | None = None
    end: int | None = None
    source: str = ""
    text: str = ""
    failed: bool = False
    error_action: str | None = None
    warning_action: str | None = None
    information_action: str | None = None
    verbose: bool | None = None
    debug: bool | None = None

    def apply_common(self, name: str, value: object) -> None:
        """Record a common parameter such as -ErrorAction or -Verbose."""
        text = to_string(value).lower()
        if name == "ErrorAction":
            self.error_action = text
        elif name == "WarningAction":
            self.warning_action = text
        elif name == "InformationAction":
            self.information_action = text
        elif name == "Verbose":
            self.verbose = bool(value)
        elif name == "Debug":
            self.debug = bool(value)

    def locate(self, record: ErrorRecord) -> ErrorRecord:
        """Return the record pointing at this command, if it has no position yet."""
        if self.start is None or self.end is None:
            return record
        return record.at(self.start, self.end, self.source)


@dataclass(frozen=True)
class ParameterSpec:
    """One cmdlet parameter: a switch, or one that takes a value."""

    name: str
    switch: bool = False
    position: int | None = None
    remaining: bool = False
    type_name: str = "System.Object"
    aliases: tuple[str, ...] = ()
    mandatory: bool = False
    # Mandatory parameters that also take pipeline input: $null is rejected
    # when given, a missing value is left to the pipeline.
    reject_null: bool = False


@dataclass
class BindingResult:
    """Values bound to a cmdlet's parameters, by parameter name."""

    values: dict[str, object] = field(default_factory=dict)


def binding_error(
    state: CommandState,
    message: str,
    error_id: str,
    dotnet_type: str,
    node: nodes.Node | None = None,
    category: str = "InvalidArgument",
    reason: str = "ParameterBindingException",
) -> PSError:
    """Return a parameter binding error of a cmdlet, pointing at the argument."""
    record = ErrorRecord(
        message=message,
        error_id=f"{error_id},{dotnet_type}",
        category=category,
        activity=state.name,
        reason=reason,
        prefix=state.name,
    )
    if node is not None:
        record = record.at(node.start, node.end, state.source)
    return PSError(state.locate(record))


def bind_cmdlet(
    state: CommandState,
    dotnet_type: str,
    specs: tuple[ParameterSpec, ...],
    arguments: list[Argument],
) -> dict[str, object]:
    """Bind evaluated arguments to a cmdlet's parameters, as PowerShell does."""
    bound: dict[str, object] = {}
    positional: list[Argument] = []
    queue = list(arguments)
    while queue:
        argument = queue.pop(0)
        if argument.name is None:
            positional.append(argument)
            continue
        common = COMMON_PARAMETERS.get(argument.name.lower())
        spec = _match(state, dotnet_type, specs, argument) if common is None else None
        if spec is None and common is not None:
            value = _common_value(state, dotnet_type, common, argument, queue)
            state.apply_common(common, value)
            continue
        assert spec is not None
        bound[spec.name] = _value(state, dotnet_type, spec, argument, queue)
    _bind_positional(state, dotnet_type, specs, positional, bound)
    for spec in specs:
        if spec.reject_null and spec.name in bound and bound[spec.name] is None:
            raise binding_error(
                state,
                f"Cannot bind argument to parameter '{spec.name}' because it is null.",
                "ParameterArgumentValidationErrorNullNotAllowed",
                dotnet_type,
                category="InvalidData",
                reason="ParameterBindingValidationException",
            )
        if spec.mandatory and spec.name not in bound:
            raise binding_error(
                state,
                "Cannot process command because of one or more missing mandatory "
                f"parameters: {spec.name}.",
                "MissingMandatoryParameter",
                dotnet_type,
            )
    return bound


def _match(
    state: CommandState,
    dotnet_type: str,
    specs: tuple[ParameterSpec, ...],
    argument: Argument,
) -> ParameterSpec:
    typed = (argument.name or "").lower()
    exact = [
        s
        for s in specs
        if s.name.lower() == typed or typed in (a.lower() for a in s.aliases)
    ]
    matches = exact or [s for s in specs if s.name.lower().startswith(typed)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(f"-{spec.name}" for spec in matches)
        raise binding_error(
            state,
            "Parameter cannot be processed because the parameter name "
            f"'{argument.name}' is ambiguous. Possible matches include: {names}.",
            "AmbiguousParameter",
            dotnet_type,
            argument.node,
        )
    raise binding_error(
        state,
        f"A parameter cannot be found that matches parameter name '{argument.name}'.",
        "NamedParameterNotFound",
        dotnet_type,
        argument.node,
    )


def _common_value(
    state: CommandState,
    dotnet_type: str,
    name: str,
    argument: Argument,
    queue: list[Argument],
) -> object:
    if name in COMMON_SWITCHES:
        return argument.value if argument.has_value else True
    if argument.has_value:
        return argument.value
    if not queue or queue[0].name is not None:
        raise _missing_argument(state, dotnet_type, name, "System.Object", argument)
    return queue.pop(0).value


def _value(
    state: CommandState,
    dotnet_type: str,
    spec: ParameterSpec,
    argument: Argument,
    queue: list[Argument],
) -> object:
    if spec.switch:
        return bool(argument.value) if argument.has_value else True
    if argument.has_value:
        value = argument.value
    elif queue and queue[0].name is None:
        value = queue.pop(0).value
    else:
        raise _missing_argument(state, dotnet_type, spec.name, spec.type_name, argument)
    return convert_argument(state, dotnet_type, spec, value, argument.node)


def _missing_argument(
    state: CommandState, dotnet_type: str, name: str, type_name: str, argument: Argument
) -> PSError:
    return binding_error(
        state,
        f"Missing an argument for parameter '{name}'. Specify a parameter of type "
        f"'{type_name}' and try again.",
        "MissingArgument",
        dotnet_type,
        argument.node,
    )


def convert_argument(
    state: CommandState,
    dotnet_type: str,
    spec: ParameterSpec,
    value: object,
    node: nodes.Node | None,
) -> object:
    """Convert an argument to the parameter type, or raise the binding error."""
    if spec.type_name == "System.Object" or (
        value is None and spec.type_name.endswith("[]")
    ):
        return value
    try:
        return convert_to(value, spec.type_name)
    except ConversionError as error:
        raise binding_error(
            state,
            f"Cannot bind parameter '{spec.name}'. {error}",
            "CannotConvertArgumentNoMessage",
            dotnet_type,
            node,
        ) from None


def _bind_positional(
    state: CommandState,
    dotnet_type: str,
    specs: tuple[ParameterSpec, ...],
    positional: list[Argument],
    bound: dict[str, object],
) -> None:
    slots = sorted(
        (s for s in specs if s.position is not None and s.name not in bound),
        key=lambda s: s.position or 0,
    )
    for spec in slots:
        if not positional:
            return
        if spec.remaining:
            values = [argument.value for argument in positional]
            bound[spec.name] = values
            positional.clear()
            return
        argument = positional.pop(0)
        bound[spec.name] = convert_argument(
            state, dotnet_type, spec, argument.value, argument.node
        )
    if positional:
        extra = positional[0]
        raise binding_error(
            state,
            "A positional parameter cannot be found that accepts argument "
            f"'{argument_text(extra)}'.",
            "PositionalParameterNotFound",
            dotnet_type,
            extra.node,
        )


def argument_text(argument: Argument) -> str:
    """Return an argument's text for messages."""
    if isinstance(argument.value, list):
        return "System.Object[]"
    return to_string(argument.value)
