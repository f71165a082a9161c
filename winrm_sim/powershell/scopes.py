"""Variable and function scopes: global, script, function and `& { }` child scopes."""

from __future__ import annotations

from dataclasses import dataclass, field

from winrm_sim.powershell.types import convert_to
from winrm_sim.powershell.values import ScriptBlock

# Variables every session starts with, and their values.
PREFERENCE_DEFAULTS = {
    "ErrorActionPreference": "Continue",
    "WarningPreference": "Continue",
    "VerbosePreference": "SilentlyContinue",
    "DebugPreference": "SilentlyContinue",
    "InformationPreference": "SilentlyContinue",
    "ProgressPreference": "Continue",
    "ConfirmPreference": "High",
    "WhatIfPreference": False,
}
CONSTANTS = {"true": True, "false": False, "null": None}


@dataclass
class VariableSlot:
    """One variable: its value, and the type it was declared with, if any."""

    name: str
    value: object
    type_name: str | None = None
    read_only: bool = False


@dataclass
class FunctionInfo:
    """A function defined with `function` or `filter`."""

    name: str
    block: ScriptBlock
    is_filter: bool = False


class VariableReadOnly(Exception):
    """An assignment to a read-only or constant variable."""


@dataclass
class Scope:
    """One scope. Lookups walk to the parent; assignments stay local."""

    parent: Scope | None = None
    variables: dict[str, VariableSlot] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    traps: list[object] = field(default_factory=list)

    def find(self, name: str) -> VariableSlot | None:
        """Return the nearest variable of that name, or None."""
        key = name.casefold()
        scope: Scope | None = self
        while scope is not None:
            slot = scope.variables.get(key)
            if slot is not None:
                return slot
            scope = scope.parent
        return None

    def set(
        self, name: str, value: object, type_name: str | None = None
    ) -> VariableSlot:
        """Set a variable in this scope, converting to its declared type.

        Raise ConversionError when the value does not fit the type, and
        VariableReadOnly for read-only variables.
        """
        key = name.casefold()
        slot = self.variables.get(key)
        if slot is not None and slot.read_only:
            raise VariableReadOnly(name)
        declared = type_name or (slot.type_name if slot is not None else None)
        if declared is not None:
            value = convert_to(value, declared)
        if slot is None:
            slot = VariableSlot(name, value, declared)
            self.variables[key] = slot
        else:
            slot.value, slot.type_name = value, declared
        return slot

    def remove(self, name: str) -> bool:
        """Remove the nearest variable of that name; return False when none exists."""
        key = name.casefold()
        scope: Scope | None = self
        while scope is not None:
            if key in scope.variables:
                del scope.variables[key]
                return True
            scope = scope.parent
        return False

    def find_function(self, name: str) -> FunctionInfo | None:
        """Return the nearest function of that name, or None."""
        key = name.casefold()
        scope: Scope | None = self
        while scope is not None:
            info = scope.functions.get(key)
            if info is not None:
                return info
            scope = scope.parent
        return None

    def root(self) -> Scope:
        """Return the global scope."""
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


__all__ = [
    "CONSTANTS",
    "PREFERENCE_DEFAULTS",
    "FunctionInfo",
    "Scope",
    "VariableReadOnly",
    "VariableSlot",
]
