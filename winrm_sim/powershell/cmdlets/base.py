"""The base class of cmdlets: binding, output, and error records in their shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from winrm_sim.powershell.commands import (
    Argument,
    CommandState,
    ParameterSpec,
    bind_cmdlet,
)
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.values import as_list, to_string

if TYPE_CHECKING:
    from winrm_sim.powershell.interpreter import Interpreter

NO_INPUT = object()


class Cmdlet:
    """One cmdlet call in a pipeline: begin, process per input item, end."""

    name: ClassVar[str] = ""
    dotnet_type: ClassVar[str] = ""
    parameters: ClassVar[tuple[ParameterSpec, ...]] = ()

    def __init__(
        self, interpreter: Interpreter, state: CommandState, arguments: list[Argument]
    ) -> None:
        self.interpreter = interpreter
        self.state = state
        self.emit: Callable[[object], None] = lambda item: None
        self.bound = bind_cmdlet(state, self.dotnet_type, self.parameters, arguments)

    def begin(self) -> None:
        """Run once before any input arrives."""

    def process(self, item: object) -> None:
        """Handle one input item, or NO_INPUT when the command is first."""

    def end(self) -> None:
        """Run once after the last input item."""

    def get(self, name: str, default: Any = None) -> Any:
        """Return a bound parameter value."""
        return self.bound.get(name, default)

    def values(self, name: str) -> list[object]:
        """Return a parameter's value as a list (empty when not given)."""
        return as_list(self.bound.get(name))

    def text(self, name: str, default: str = "") -> str:
        """Return a parameter's value as a string."""
        value = self.bound.get(name)
        return default if value is None else to_string(value)

    def record(
        self,
        message: str,
        error_id: str,
        category: str = "NotSpecified",
        target: object = None,
        reason: str = "RuntimeException",
        target_type: str = "String",
        exception_type: str | None = None,
    ) -> ErrorRecord:
        """Return an error record of this cmdlet, pointing at its call."""
        from winrm_sim.powershell.errors import DotNetException

        target_name = "" if target is None else to_string(target)
        record = ErrorRecord(
            message=message,
            error_id=f"{error_id},{self.dotnet_type}",
            category=category,
            activity=self.name,
            reason=reason,
            target_name=target_name,
            target_type=target_type if target is not None else "",
            prefix=self.name,
            target_object=target,
            exception=DotNetException(exception_type, message)
            if exception_type
            else None,
        )
        return self.state.locate(record)

    def write_error(self, record: ErrorRecord) -> None:
        """Write a non-terminating error of this cmdlet."""
        self.interpreter.write_error(record, self.state)

    def terminate(self, record: ErrorRecord) -> PSError:
        """Return a statement-terminating error of this cmdlet (to raise)."""
        self.state.failed = True
        return PSError(record)
