"""Object cmdlets: ForEach-Object, Where-Object, Select-Object, Sort-Object..."""

from __future__ import annotations

from winrm_sim.powershell.cmdlets.base import NO_INPUT, Cmdlet
from winrm_sim.powershell.commands import Argument, CommandState, ParameterSpec
from winrm_sim.powershell.dotnet.members import call_method, get_member
from winrm_sim.powershell.operators import compare
from winrm_sim.powershell.scopes import VariableSlot
from winrm_sim.powershell.values import (
    Hashtable,
    ScriptBlock,
    collect,
    enumerate_value,
    is_true,
    to_string,
)

_MICROSOFT = "Microsoft.PowerShell.Commands."
_WHERE_OPERATORS = (
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "like",
    "notlike",
    "match",
    "notmatch",
    "contains",
    "notcontains",
    "in",
    "notin",
    "ceq",
    "cne",
    "clike",
)


def run_with_item(cmdlet: Cmdlet, block: ScriptBlock, item: object, emit) -> None:  # noqa: ANN001
    """Run a script block in the caller's scope with `$_` set to the item."""
    interpreter = cmdlet.interpreter
    variables = interpreter.scope.variables
    saved = variables.get("_")
    variables["_"] = VariableSlot("_", item)
    try:
        interpreter.run_dot_sourced(block, emit)
    finally:
        if saved is None:
            variables.pop("_", None)
        else:
            variables["_"] = saved


class ForEachObject(Cmdlet):
    """ForEach-Object: run a script block for each input item with `$_` set."""

    name = "ForEach-Object"
    dotnet_type = _MICROSOFT + "ForEachObjectCommand"
    parameters = (
        ParameterSpec(
            "Process", position=0, remaining=True, type_name="System.Object[]"
        ),
        ParameterSpec("Begin", type_name="System.Management.Automation.ScriptBlock"),
        ParameterSpec("End", type_name="System.Management.Automation.ScriptBlock"),
        ParameterSpec("MemberName"),
        ParameterSpec("InputObject"),
    )

    def __init__(
        self, interpreter, state: CommandState, arguments: list[Argument]
    ) -> None:  # noqa: ANN001
        super().__init__(interpreter, state, arguments)
        blocks = [b for b in self.values("Process") if isinstance(b, ScriptBlock)]
        member = [b for b in self.values("Process") if not isinstance(b, ScriptBlock)]
        self.member = self.text("MemberName") or (
            to_string(member[0]) if member else ""
        )
        self.begin_block = self.get("Begin")
        self.end_block = self.get("End")
        if len(blocks) >= 2 and self.begin_block is None:
            self.begin_block = blocks.pop(0)
        if len(blocks) >= 2 and self.end_block is None:
            self.end_block = blocks.pop()
        self.process_block = blocks[0] if blocks else None

    def begin(self) -> None:
        """Run the -Begin block."""
        if self.begin_block is not None:
            run_with_item(self, self.begin_block, None, self.emit)

    def process(self, item: object) -> None:
        """Run the -Process block with `$_` as the item ($null without input)."""
        value = self.get("InputObject") if item is NO_INPUT else item
        if self.process_block is not None:
            run_with_item(self, self.process_block, value, self.emit)
        elif self.member:
            result = get_member(value, self.member)
            if result is None and item is not NO_INPUT:
                result = call_method(self.interpreter, value, self.member, [])
            for element in enumerate_value(result):
                self.emit(element)

    def end(self) -> None:
        """Run the -End block."""
        if self.end_block is not None:
            run_with_item(self, self.end_block, None, self.emit)


class WhereObject(Cmdlet):
    """Where-Object: pass the items for which the filter is true."""

    name = "Where-Object"
    dotnet_type = _MICROSOFT + "WhereObjectCommand"
    parameters = (
        ParameterSpec("FilterScript", position=0),
        ParameterSpec("Value", position=1),
        ParameterSpec("InputObject"),
        *(
            ParameterSpec(op.upper() if len(op) < 3 else op.title(), switch=True)
            for op in _WHERE_OPERATORS
        ),
    )

    def process(self, item: object) -> None:
        """Emit the item when the filter block or comparison is true."""
        value = self.get("InputObject") if item is NO_INPUT else item
        test = self.get("FilterScript")
        if isinstance(test, ScriptBlock):
            results: list[object] = []
            run_with_item(self, test, value, results.append)
            keep = is_true(collect(results))
        else:
            keep = self._compare(value, to_string(test))
        if keep:
            self.emit(value)

    def _compare(self, value: object, property_name: str) -> bool:
        left = get_member(value, property_name)
        for operator in _WHERE_OPERATORS:
            for name in self.bound:
                if name.lower() == operator:
                    right = self.get("Value")
                    base = (
                        operator[1:]
                        if operator.startswith("c") and len(operator) > 3
                        else operator
                    )
                    if base in ("contains", "notcontains", "in", "notin"):
                        from winrm_sim.powershell.operators import binary

                        return bool(binary("-" + base, left, right))
                    return bool(
                        compare(
                            base,
                            left,
                            right,
                            operator.startswith("c") and len(operator) > 3,
                        )
                    )
        return is_true(left)


class NewObject(Cmdlet):
    """New-Object: create an object of a type, or a PSObject with -Property."""

    name = "New-Object"
    dotnet_type = _MICROSOFT + "NewObjectCommand"
    parameters = (
        ParameterSpec("TypeName", position=0, type_name="System.String"),
        ParameterSpec("ArgumentList", position=1, remaining=True, aliases=("Args",)),
        ParameterSpec("Property"),
    )

    def process(self, item: object) -> None:
        """Emit the new object."""
        from winrm_sim.powershell.dotnet.constructors import construct
        from winrm_sim.powershell.dotnet.members import set_member
        from winrm_sim.powershell.types import resolve_type, type_not_found

        name = self.text("TypeName")
        full = resolve_type(name)
        if full is None:
            raise self.terminate(self.state.locate(type_not_found(name)))
        arguments = [
            a for value in self.values("ArgumentList") for a in enumerate_value(value)
        ]
        created = construct(self.interpreter, full, arguments)
        properties = self.get("Property")
        if isinstance(properties, Hashtable):
            for key, value in properties.items():
                set_member(created, to_string(key), value)
        self.emit(created)
