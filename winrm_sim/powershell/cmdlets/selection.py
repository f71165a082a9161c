"""Selecting, sorting, grouping and measuring objects."""

from __future__ import annotations

import functools

from winrm_sim.powershell.cmdlets.base import NO_INPUT, Cmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.dotnet.members import get_member, properties_of
from winrm_sim.powershell.operators import order_of
from winrm_sim.powershell.scopes import VariableSlot
from winrm_sim.powershell.values import (
    Hashtable,
    PSObject,
    ScriptBlock,
    collect,
    enumerate_value,
    to_string,
)

_MICROSOFT = "Microsoft.PowerShell.Commands."


def _property_value(interpreter, item: object, spec: object) -> tuple[str, object]:  # noqa: ANN001
    """Return (name, value) for a name, a script block or @{Name=..; Expression=..}."""
    if isinstance(spec, Hashtable):
        label = (
            spec["Name"]
            if "Name" in spec
            else spec["Label"]
            if "Label" in spec
            else spec["n"]
        )
        expression = spec["Expression"] if "Expression" in spec else spec["e"]
        _, value = _property_value(interpreter, item, expression)
        return to_string(label), value
    if isinstance(spec, ScriptBlock):
        results: list[object] = []
        variables = interpreter.scope.variables
        saved = variables.get("_")
        variables["_"] = VariableSlot("_", item)
        try:
            interpreter.run_dot_sourced(spec, results.append)
        finally:
            if saved is None:
                variables.pop("_", None)
            else:
                variables["_"] = saved
        return spec.text.strip(), collect(results)
    name = to_string(spec)
    return name, get_member(item, name)


class SelectObject(Cmdlet):
    """Select-Object: pick properties, or the first, last or unique items."""

    name = "Select-Object"
    dotnet_type = _MICROSOFT + "SelectObjectCommand"
    parameters = (
        ParameterSpec("Property", position=0, type_name="System.Object[]"),
        ParameterSpec("ExpandProperty", type_name="System.String"),
        ParameterSpec("First", type_name="System.Int32"),
        ParameterSpec("Last", type_name="System.Int32"),
        ParameterSpec("Skip", type_name="System.Int32"),
        ParameterSpec("Index", type_name="System.Int32[]"),
        ParameterSpec("Unique", switch=True),
        ParameterSpec("ExcludeProperty", type_name="System.String[]"),
        ParameterSpec("InputObject"),
    )

    def begin(self) -> None:
        """Start collecting input."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect one item."""
        self.items.append(self.get("InputObject") if item is NO_INPUT else item)

    def end(self) -> None:
        """Emit the selection."""
        items = self.items[self.get("Skip", 0) :]
        if "Index" in self.bound:
            items = [
                items[i]
                for i in self.values("Index")
                if isinstance(i, int) and i < len(items)
            ]
        if "First" in self.bound:
            items = items[: self.get("First")]
        if "Last" in self.bound:
            items = items[len(items) - self.get("Last") :] if self.get("Last") else []
        if self.get("Unique"):
            items = _unique(items)
        for item in items:
            self._emit_item(item)

    def _emit_item(self, item: object) -> None:
        expand = self.text("ExpandProperty")
        specs = self.values("Property")
        if expand:
            for element in enumerate_value(get_member(item, expand)):
                self.emit(element)
            return
        if not specs:
            self.emit(item)
            return
        names: list[object] = []
        for spec in specs:
            if isinstance(spec, str) and "*" in spec:
                names.extend(name for name, _ in properties_of(item))
            else:
                names.append(spec)
        excluded = {
            to_string(name).casefold() for name in self.values("ExcludeProperty")
        }
        pairs = [_property_value(self.interpreter, item, spec) for spec in names]
        pairs = [(n, v) for n, v in pairs if n.casefold() not in excluded]
        self.emit(
            PSObject(pairs, "Selected.System.Management.Automation.PSCustomObject")
        )


def _unique(items: list[object]) -> list[object]:
    unique: list[object] = []
    for item in items:
        if not any(order_of(item, seen, True) == 0 for seen in unique):
            unique.append(item)
    return unique


class SortObject(Cmdlet):
    """Sort-Object: sort by value or by properties; strings ignore case."""

    name = "Sort-Object"
    dotnet_type = _MICROSOFT + "SortObjectCommand"
    parameters = (
        ParameterSpec("Property", position=0, type_name="System.Object[]"),
        ParameterSpec("Descending", switch=True),
        ParameterSpec("Unique", switch=True),
        ParameterSpec("CaseSensitive", switch=True),
        ParameterSpec("InputObject"),
    )

    def begin(self) -> None:
        """Start collecting input."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect one item."""
        self.items.append(self.get("InputObject") if item is NO_INPUT else item)

    def end(self) -> None:
        """Emit the sorted items."""
        specs = self.values("Property")
        keyed = [
            (
                [_property_value(self.interpreter, item, s)[1] for s in specs]
                or [item],
                item,
            )
            for item in self.items
        ]
        sensitive = bool(self.get("CaseSensitive"))

        def order(
            a: tuple[list[object], object], b: tuple[list[object], object]
        ) -> int:
            for left, right in zip(a[0], b[0], strict=False):
                result = order_of(left, right, sensitive)
                if result:
                    return result
            return 0

        keyed.sort(
            key=functools.cmp_to_key(order), reverse=bool(self.get("Descending"))
        )
        items = [item for _, item in keyed]
        if self.get("Unique"):
            items = _unique(items)
        for item in items:
            self.emit(item)


class MeasureObject(Cmdlet):
    """Measure-Object: count, sum, average, minimum and maximum."""

    name = "Measure-Object"
    dotnet_type = _MICROSOFT + "MeasureObjectCommand"
    parameters = (
        ParameterSpec("Property", position=0, type_name="System.String"),
        ParameterSpec("Sum", switch=True),
        ParameterSpec("Average", switch=True),
        ParameterSpec("Maximum", switch=True),
        ParameterSpec("Minimum", switch=True),
        ParameterSpec("Line", switch=True),
        ParameterSpec("Word", switch=True),
        ParameterSpec("Character", switch=True),
        ParameterSpec("InputObject"),
    )

    def begin(self) -> None:
        """Start collecting input."""
        self.items: list[object] = []

    def process(self, item: object) -> None:
        """Collect one item."""
        value = self.get("InputObject") if item is NO_INPUT else item
        if value is not None:
            self.items.append(value)

    def end(self) -> None:
        """Emit the GenericMeasureInfo object."""
        from winrm_sim.powershell.values import to_number

        name = self.text("Property")
        values = [get_member(item, name) if name else item for item in self.items]
        numbers = (
            [to_number(value) for value in values]
            if any(self.get(flag) for flag in ("Sum", "Average", "Maximum", "Minimum"))
            else []
        )

        def stat(flag: str, compute):  # noqa: ANN001, ANN202
            return compute(numbers) if self.get(flag) and numbers else None

        result = PSObject(
            [
                ("Count", len(values)),
                ("Average", stat("Average", lambda n: sum(n) / len(n))),
                ("Sum", stat("Sum", sum)),
                ("Maximum", stat("Maximum", max)),
                ("Minimum", stat("Minimum", min)),
                ("Property", name or None),
            ],
            _MICROSOFT + "GenericMeasureInfo",
        )
        self.emit(result)


class GroupObject(Cmdlet):
    """Group-Object: group items by a property."""

    name = "Group-Object"
    dotnet_type = _MICROSOFT + "GroupObjectCommand"
    parameters = (
        ParameterSpec("Property", position=0, type_name="System.Object[]"),
        ParameterSpec("NoElement", switch=True),
        ParameterSpec("InputObject"),
    )

    def begin(self) -> None:
        """Start collecting input."""
        self.groups: dict[str, tuple[str, list[object]]] = {}

    def process(self, item: object) -> None:
        """Add one item to its group."""
        value = self.get("InputObject") if item is NO_INPUT else item
        keys = [
            _property_value(self.interpreter, value, s)[1]
            for s in self.values("Property")
        ]
        name = ", ".join(to_string(key) for key in keys) if keys else to_string(value)
        self.groups.setdefault(name.casefold(), (name, []))[1].append(value)

    def end(self) -> None:
        """Emit one GroupInfo per group."""
        for name, members in self.groups.values():
            self.emit(
                PSObject(
                    [("Count", len(members)), ("Name", name), ("Group", members)],
                    _MICROSOFT + "GroupInfo",
                )
            )
