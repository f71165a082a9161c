"""Assignments to variables, typed variables, properties, keys and array items."""

from __future__ import annotations

from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.dotnet.members import set_member
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.operators import binary
from winrm_sim.powershell.scopes import CONSTANTS, VariableReadOnly
from winrm_sim.powershell.text_operators import OperationError
from winrm_sim.powershell.types import resolve_type, type_not_found
from winrm_sim.powershell.values import (
    ConversionError,
    Hashtable,
    as_list,
    to_number,
    to_string,
)


def index_out_of_range() -> PSError:
    """Return the error for an array index past the end."""
    return PSError(
        ErrorRecord(
            message="Index was outside the bounds of the array.",
            error_id="System.IndexOutOfRangeException",
            category="OperationStopped",
            reason="IndexOutOfRangeException",
        )
    )


class AssignmentMixin:
    """Assignment statements for the interpreter."""

    scope: Any
    global_scope: Any
    host: Any
    last_success: bool

    def run_assignment(self, statement: nodes.Assignment, emit: Any) -> None:
        """Run `target op= value`."""
        value = self.value_of(statement.value)  # type: ignore[attr-defined]
        if statement.op != "=":
            current = self.evaluate(statement.target)  # type: ignore[attr-defined]
            try:
                value = binary(statement.op[0], current, value)
            except OperationError as error:
                raise PSError(
                    ErrorRecord(message=str(error), error_id=error.error_id)
                ) from None
        self.assign_target(statement.target, value)

    def assign_target(self, target: nodes.Node, value: object) -> None:
        """Store a value into an assignable expression."""
        if isinstance(target, nodes.Variable):
            self.assign_variable(target, value)
        elif isinstance(target, nodes.Cast) and isinstance(
            target.operand, nodes.Variable
        ):
            full = resolve_type(target.type_name)
            if full is None:
                raise PSError(type_not_found(target.type_name))
            self.assign_variable(target.operand, value, full)
        elif isinstance(target, nodes.MemberAccess):
            owner = self.evaluate(target.target)  # type: ignore[attr-defined]
            name = (
                target.member
                if isinstance(target.member, str)
                else to_string(
                    self.evaluate(target.member)  # type: ignore[attr-defined]
                )
            )
            set_member(owner, name, value)
        elif isinstance(target, nodes.IndexAccess):
            owner = self.evaluate(target.target)  # type: ignore[attr-defined]
            self._set_index(owner, self.evaluate(target.index), value)  # type: ignore[attr-defined]
        elif isinstance(target, nodes.ArrayLiteral):
            self._assign_many(target.items, value)
        else:
            raise PSError(
                ErrorRecord(
                    message="The assignment expression is not valid.",
                    error_id="InvalidLeftHandSide",
                )
            )

    def _assign_many(self, targets: list[nodes.Node], value: object) -> None:
        items = as_list(value)
        for index, target in enumerate(targets):
            if index == len(targets) - 1:
                rest = items[index:]
                self.assign_target(
                    target, rest[0] if len(rest) == 1 else (rest or None)
                )
            else:
                self.assign_target(target, items[index] if index < len(items) else None)

    def assign_variable(
        self, node: nodes.Variable, value: object, type_name: str | None = None
    ) -> None:
        """Set `$name`, `$scope:name` or `$env:NAME`."""
        scope_name = node.scope
        name = node.name
        if scope_name == "env":
            if value is None or value == "":
                self.host.env.pop(name, None)
            else:
                self.host.env[name] = to_string(value)
            return
        if name.casefold() in CONSTANTS:
            if name.casefold() == "null":
                return
            raise PSError(
                ErrorRecord(
                    message=(
                        f"Cannot overwrite variable {name} because it is read-only or "
                        "constant."
                    ),
                    error_id="VariableNotWritable",
                    category="WriteError",
                    target_name=name,
                    target_type="String",
                    reason="SessionStateUnauthorizedAccessException",
                )
            )
        scope = self.global_scope if scope_name in ("global", "script") else self.scope
        try:
            scope.set(name, value, type_name)
        except ConversionError as error:
            raise PSError(
                ErrorRecord(
                    message=str(error),
                    error_id="RuntimeException",
                    category="MetadataError",
                    reason="ArgumentTransformationMetadataException",
                )
            ) from None
        except VariableReadOnly:
            raise PSError(
                ErrorRecord(
                    message=(
                        f"Cannot overwrite variable {name} because it is read-only or "
                        "constant."
                    ),
                    error_id="VariableNotWritable",
                    category="WriteError",
                    target_name=name,
                    target_type="String",
                    reason="SessionStateUnauthorizedAccessException",
                )
            ) from None

    def _set_index(self, owner: object, index: object, value: object) -> None:
        if isinstance(owner, Hashtable):
            owner[index] = value
            return
        if owner is None:
            raise PSError(
                ErrorRecord(
                    message="Cannot index into a null array.",
                    error_id="NullArray",
                    category="InvalidOperation",
                )
            )
        if isinstance(owner, list | bytearray):
            position = int(to_number(index))
            if position < -len(owner) or position >= len(owner):
                raise index_out_of_range()
            owner[position] = (
                int(to_number(value)) if isinstance(owner, bytearray) else value
            )
            return
        set_member(owner, to_string(index), value)
