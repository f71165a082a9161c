"""Evaluation of expressions: variables, operators, members, indexes and casts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.assignments import index_out_of_range
from winrm_sim.powershell.dotnet.members import call_method, get_member
from winrm_sim.powershell.dotnet.statics import call_static, get_static
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.operators import binary, split_name, unary
from winrm_sim.powershell.scopes import CONSTANTS
from winrm_sim.powershell.text_operators import OperationError, regex_search
from winrm_sim.powershell.types import convert_to, resolve_type, type_not_found
from winrm_sim.powershell.values import (
    ConversionError,
    Hashtable,
    PSObject,
    ScriptBlock,
    TypeValue,
    collect,
    is_enumerable,
    is_true,
    to_number,
    to_string,
)

_COLLECTED = (
    nodes.Pipeline,
    nodes.Command,
    nodes.CommandExpression,
    nodes.IfStatement,
    nodes.ForeachStatement,
    nodes.LoopStatement,
    nodes.SwitchStatement,
    nodes.TryStatement,
)


class ExpressionMixin:
    """Expression evaluation for the interpreter."""

    scope: Any
    global_scope: Any
    host: Any
    source: str
    last_success: bool

    def value_of(self, node: nodes.Node) -> object:
        """Return an expression's value, or the collected output of a statement."""
        if isinstance(node, nodes.Assignment):
            self.run_assignment(node, None)  # type: ignore[attr-defined]
            return self.evaluate(node.target)
        if isinstance(node, _COLLECTED) or type(node) not in _EVALUATORS:
            items: list[object] = []
            self.execute_statement(node, items.append)  # type: ignore[attr-defined]
            return collect(items)
        value = self.evaluate(node)
        self.last_success = True
        return value

    def evaluate(self, node: nodes.Node) -> object:
        """Evaluate an expression node."""
        evaluator = _EVALUATORS.get(type(node))
        if evaluator is None:
            return self.value_of(node)
        try:
            return evaluator(self, node)
        except OperationError as error:
            raise PSError(
                ErrorRecord(message=str(error), error_id=error.error_id).at(
                    node.start, node.end, self.source
                )
            ) from None

    def _constant(self, node: nodes.Constant) -> object:
        return node.value

    def _expandable(self, node: nodes.ExpandableString) -> str:
        pieces = []
        for part in node.parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                pieces.append(self.interpolate(self.evaluate(part)))
        return "".join(pieces)

    def interpolate(self, value: object) -> str:
        """Convert a value inside a string: arrays join with $OFS (a space)."""
        if is_enumerable(value):
            separator = self.scope.find("OFS")
            joiner = " " if separator is None else to_string(separator.value)
            return joiner.join(to_string(item) for item in value)  # type: ignore[attr-defined]
        return to_string(value)

    def _variable(self, node: nodes.Variable) -> object:
        return self.read_variable(node.name, node.scope)

    def read_variable(self, name: str, scope_name: str | None = None) -> object:
        """Return a variable's value, or None ($null) when it is not set."""
        if scope_name == "env":
            return self.host.env.get(name)
        key = name.casefold()
        if key in CONSTANTS:
            return CONSTANTS[key]
        if key == "?":
            return self.last_success
        if scope_name in ("global", "script"):
            slot = self.global_scope.find(name)
        else:
            slot = self.scope.find(name)
        if slot is None:
            return self.automatic_variable(key)  # type: ignore[attr-defined]
        return slot.value

    def _array(self, node: nodes.ArrayLiteral) -> list[object]:
        return [self.evaluate(item) for item in node.items]

    def _hash(self, node: nodes.HashLiteral) -> Hashtable:
        table = Hashtable()
        for key_node, value_node in node.entries:
            key = self.evaluate(key_node)
            if key in table:
                raise PSError(
                    ErrorRecord(
                        message=f"Duplicate keys '{to_string(key)}' are not allowed in "
                        "hash literals.",
                        error_id="DuplicateKeyInHashLiteral",
                        category="ParserError",
                    ).at(key_node.start, key_node.end, self.source)
                )
            table[key] = self.value_of(value_node)
        return table

    def _subexpression(self, node: nodes.SubExpression) -> object:
        items: list[object] = []
        self.execute_block(node.statements, items.append)  # type: ignore[attr-defined]
        return items if node.array else collect(items)

    def _parenthesized(self, node: nodes.Parenthesized) -> object:
        return self.value_of(node.pipeline)

    def _type_literal(self, node: nodes.TypeLiteral) -> TypeValue:
        full = resolve_type(node.name)
        if full is None:
            raise PSError(
                type_not_found(node.name).at(node.start, node.end, self.source)
            )
        return TypeValue(full)

    def _cast(self, node: nodes.Cast) -> object:
        name = node.type_name.replace(" ", "").lower()
        if name == "ordered" and isinstance(node.operand, nodes.HashLiteral):
            table = self._hash(node.operand)
            table.ordered = True
            return table
        value = self.evaluate(node.operand)
        if name in ("pscustomobject", "psobject") and isinstance(value, Hashtable):
            return PSObject((to_string(key), item) for key, item in value.items())
        full = resolve_type(node.type_name)
        if full is None:
            raise PSError(
                type_not_found(node.type_name).at(node.start, node.end, self.source)
            )
        try:
            return convert_to(value, full)
        except ConversionError as error:
            error_id = "ConvertToFinalInvalidCastException"
            if isinstance(value, str) and full.startswith(
                ("System.Int", "System.Byte")
            ):
                error_id = "InvalidCastFromStringToInteger"
            raise PSError(
                ErrorRecord(
                    message=str(error),
                    error_id=error_id,
                    category="InvalidArgument",
                ).at(node.start, node.end, self.source)
            ) from None

    def _binary(self, node: nodes.BinaryOperation) -> object:
        op = node.op
        if op == "-and":
            return is_true(self.evaluate(node.left)) and is_true(
                self.evaluate(node.right)
            )
        if op == "-or":
            return is_true(self.evaluate(node.left)) or is_true(
                self.evaluate(node.right)
            )
        left = self.evaluate(node.left)
        right = self.evaluate(node.right)
        name, sensitive = split_name(op)
        if name in ("match", "notmatch") and not is_enumerable(left):
            match = regex_search(to_string(right), to_string(left), sensitive)
            if match is not None:
                self.set_matches(match)
            return (match is not None) == (name == "match")
        return binary(op, left, right)

    def set_matches(self, match: re.Match[str]) -> None:
        """Set `$Matches` from a successful regex match."""
        table = Hashtable()
        named = {index: name for name, index in match.re.groupindex.items()}
        for index in range(match.re.groups, -1, -1):
            if match.group(index) is not None:
                table[named.get(index, index)] = match.group(index)
        self.scope.set("Matches", table)

    def _unary(self, node: nodes.UnaryOperation) -> object:
        return unary(node.op, self.evaluate(node.operand))

    def _increment(self, node: nodes.IncrementDecrement) -> object:
        old = self.evaluate(node.target)
        new = to_number(old) + (1 if node.op == "++" else -1)
        self.assign_target(node.target, new)  # type: ignore[attr-defined]
        return new if node.prefix else old

    def _member(self, node: nodes.MemberAccess) -> object:
        target = self.evaluate(node.target)
        name = (
            node.member
            if isinstance(node.member, str)
            else to_string(self.evaluate(node.member))
        )
        if node.static:
            return self._at(lambda: get_static(self, target, name), node)
        return self._at(lambda: get_member(target, name), node)

    def _method(self, node: nodes.MethodCall) -> object:
        target = self.evaluate(node.target)
        arguments = [self.evaluate(argument) for argument in node.arguments]
        if node.static:
            return self._at(
                lambda: call_static(self, target, node.member, arguments), node
            )
        return self._at(lambda: call_method(self, target, node.member, arguments), node)

    def _at(self, action: Callable[[], object], node: nodes.Node) -> object:
        try:
            return action()
        except PSError as error:
            if error.record.start is None:
                error.record = error.record.at(node.start, node.end, self.source)
            raise

    def _index(self, node: nodes.IndexAccess) -> object:
        target = self.evaluate(node.target)
        index = self.evaluate(node.index)
        return self._at(lambda: index_value(target, index), node)

    def _script_block(self, node: nodes.ScriptBlockExpression) -> ScriptBlock:
        return ScriptBlock(node.body, self.source)

    def _splat(self, node: nodes.Splat) -> object:
        return self.read_variable(node.name)


def index_value(target: object, index: object) -> object:
    """Return `target[index]`: array items (negative from the end), keys, characters."""
    if target is None:
        raise PSError(
            ErrorRecord(
                message="Cannot index into a null array.",
                error_id="NullArray",
                category="InvalidOperation",
            )
        )
    if isinstance(target, Hashtable):
        if is_enumerable(index):
            return [target[key] for key in index]  # type: ignore[attr-defined]
        return target[index]
    if isinstance(target, PSObject):
        return target.get(to_string(index))
    if is_enumerable(index):
        return [index_value(target, item) for item in index]  # type: ignore[attr-defined]
    if isinstance(target, str | list | bytearray | bytes | tuple):
        position = int(to_number(index))
        if -len(target) <= position < len(target):
            return target[position]
        return None
    if position_check := getattr(target, "ps_index", None):
        return position_check(index)
    if to_number(index) == 0:
        return target
    raise index_out_of_range()


_EVALUATORS: dict[type, Callable[[Any, Any], object]] = {
    nodes.Constant: ExpressionMixin._constant,
    nodes.ExpandableString: ExpressionMixin._expandable,
    nodes.Variable: ExpressionMixin._variable,
    nodes.ArrayLiteral: ExpressionMixin._array,
    nodes.HashLiteral: ExpressionMixin._hash,
    nodes.SubExpression: ExpressionMixin._subexpression,
    nodes.Parenthesized: ExpressionMixin._parenthesized,
    nodes.TypeLiteral: ExpressionMixin._type_literal,
    nodes.Cast: ExpressionMixin._cast,
    nodes.BinaryOperation: ExpressionMixin._binary,
    nodes.UnaryOperation: ExpressionMixin._unary,
    nodes.IncrementDecrement: ExpressionMixin._increment,
    nodes.MemberAccess: ExpressionMixin._member,
    nodes.MethodCall: ExpressionMixin._method,
    nodes.IndexAccess: ExpressionMixin._index,
    nodes.ScriptBlockExpression: ExpressionMixin._script_block,
    nodes.Splat: ExpressionMixin._splat,
}
