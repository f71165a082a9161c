"""Set-Variable, New-Variable, Get-Variable, Remove-Variable and Clear-Variable."""

from __future__ import annotations

from winrm_sim.powershell.cmdlets.base import NO_INPUT, Cmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.scopes import CONSTANTS, VariableReadOnly
from winrm_sim.powershell.values import PSObject, to_string

_MICROSOFT = "Microsoft.PowerShell.Commands."


class VariableCommand(Cmdlet):
    """Base of the *-Variable cmdlets."""

    scope_parameters = (
        ParameterSpec("Scope", type_name="System.String"),
        ParameterSpec("PassThru", switch=True),
    )

    def scope(self):  # noqa: ANN201
        """Return the scope -Scope names (local when absent)."""
        name = self.text("Scope").lower()
        if name in ("global", "script"):
            return self.interpreter.global_scope
        if name.isdigit():
            scope = self.interpreter.scope
            for _ in range(int(name)):
                scope = scope.parent or scope
            return scope
        return self.interpreter.scope

    def variable_object(self, slot) -> PSObject:  # noqa: ANN001
        """Return a PSVariable-like object for a slot."""
        return PSObject(
            [("Name", slot.name), ("Value", slot.value)],
            "System.Management.Automation.PSVariable",
        )


class SetVariable(VariableCommand):
    """Set-Variable and New-Variable."""

    name = "Set-Variable"
    dotnet_type = _MICROSOFT + "SetVariableCommand"
    parameters = (
        ParameterSpec("Name", position=0, type_name="System.String[]"),
        ParameterSpec("Value", position=1),
        ParameterSpec("Option"),
        ParameterSpec("Force", switch=True),
        ParameterSpec("Description"),
        *VariableCommand.scope_parameters,
    )

    def process(self, item: object) -> None:
        """Set each named variable."""
        value = self.get("Value") if item is NO_INPUT else item
        for name in self.values("Name"):
            text = to_string(name)
            if text.casefold() in CONSTANTS:
                raise self.terminate(
                    self.record(
                        f"Cannot overwrite variable {text} because it is read-only "
                        "or constant.",
                        "VariableNotWritable",
                        "WriteError",
                        text,
                        reason="SessionStateUnauthorizedAccessException",
                    )
                )
            try:
                slot = self.scope().set(text, value)
            except VariableReadOnly:
                raise self.terminate(
                    self.record(
                        f"Cannot overwrite variable {text} because it is read-only "
                        "or constant.",
                        "VariableNotWritable",
                        "WriteError",
                        text,
                        reason="SessionStateUnauthorizedAccessException",
                    )
                ) from None
            if (
                "readonly" in to_string(self.get("Option")).lower()
                or "constant" in to_string(self.get("Option")).lower()
            ):
                slot.read_only = True
            if self.get("PassThru"):
                self.emit(self.variable_object(slot))


class NewVariable(SetVariable):
    """New-Variable."""

    name = "New-Variable"
    dotnet_type = _MICROSOFT + "NewVariableCommand"


class GetVariable(VariableCommand):
    """Get-Variable: variables by name (wildcards allowed)."""

    name = "Get-Variable"
    dotnet_type = _MICROSOFT + "GetVariableCommand"
    parameters = (
        ParameterSpec("Name", position=0, type_name="System.String[]"),
        ParameterSpec("ValueOnly", switch=True),
        *VariableCommand.scope_parameters,
    )

    def process(self, item: object) -> None:
        """Emit the variables, or their values with -ValueOnly."""
        from winrm_sim.powershell.text_operators import wildcard_match

        for name in self.values("Name") or ["*"]:
            pattern = to_string(name)
            slots = self._visible()
            found = [s for s in slots if wildcard_match(pattern, s.name)]
            if not found and "*" not in pattern:
                self.write_error(
                    self.record(
                        f"Cannot find a variable with the name '{pattern}'.",
                        "VariableNotFound",
                        "ObjectNotFound",
                        pattern,
                        reason="ItemNotFoundException",
                    )
                )
            for slot in found:
                self.emit(
                    slot.value if self.get("ValueOnly") else self.variable_object(slot)
                )

    def _visible(self):  # noqa: ANN202
        seen: dict[str, object] = {}
        scope = self.scope()
        while scope is not None:
            for key, slot in scope.variables.items():
                seen.setdefault(key, slot)
            scope = scope.parent
        return sorted(seen.values(), key=lambda slot: slot.name.casefold())  # type: ignore[attr-defined]


class RemoveVariable(VariableCommand):
    """Remove-Variable and Clear-Variable."""

    name = "Remove-Variable"
    dotnet_type = _MICROSOFT + "RemoveVariableCommand"
    parameters = (
        ParameterSpec("Name", position=0, type_name="System.String[]"),
        ParameterSpec("Force", switch=True),
        *VariableCommand.scope_parameters,
    )

    def process(self, item: object) -> None:
        """Remove (or clear) each variable."""
        for name in self.values("Name"):
            text = to_string(name)
            if self.name == "Clear-Variable":
                slot = self.scope().find(text)
                if slot is not None:
                    slot.value = None
                continue
            if not self.scope().remove(text):
                self.write_error(
                    self.record(
                        f"Cannot find a variable with the name '{text}'.",
                        "VariableNotFound",
                        "ObjectNotFound",
                        text,
                        reason="ItemNotFoundException",
                    )
                )


class ClearVariable(RemoveVariable):
    """Clear-Variable."""

    name = "Clear-Variable"
    dotnet_type = _MICROSOFT + "ClearVariableCommand"
