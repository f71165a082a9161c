"""Evaluation of expressions, variables and member access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ErrorRecord, ScriptError, runtime_error
from winrm_sim.powershell.host import ScriptHost, ScriptStopped
from winrm_sim.powershell.operators import OperationError, binary, unary
from winrm_sim.powershell.values import collect, is_true, to_string

Emit = Callable[[object], None]

_AUTOMATIC = {"true": True, "false": False, "null": None}
_DATE_MEMBERS = {
    "year": lambda d: d.year,
    "month": lambda d: d.month,
    "day": lambda d: d.day,
    "hour": lambda d: d.hour,
    "minute": lambda d: d.minute,
    "second": lambda d: d.second,
    "dayofweek": lambda d: d.strftime("%A"),
}


class ExpressionEvaluator:
    """Evaluator of expression nodes. The Interpreter subclass runs statements."""

    def __init__(self, source: str, host: ScriptHost) -> None:
        self.source = source
        self.host = host
        self.variables: dict[str, object] = {}

    def execute_block(self, statements: list[nodes.Node], emit: Emit) -> None:
        """Run statements (provided by the interpreter)."""
        raise NotImplementedError

    def execute(self, statement: nodes.Node, emit: Emit) -> None:
        """Run one statement (provided by the interpreter)."""
        raise NotImplementedError

    def check_stop(self) -> None:
        """Raise ScriptStopped when the process was asked to stop."""
        if self.host.stop_event.is_set():
            raise ScriptStopped()

    def value_of(self, node: nodes.Node) -> object:
        """Return the value of an expression, or the collected output of a command."""
        if isinstance(node, nodes.Pipeline | nodes.CommandCall | nodes.IfStatement):
            items: list[object] = []
            self.execute(node, items.append)
            return collect(items)
        return self.evaluate(node)

    def evaluate(self, node: nodes.Node) -> object:
        """Evaluate an expression node."""
        method = getattr(self, f"_evaluate_{type(node).__name__}", None)
        if method is None:
            raise runtime_error(
                "The winrm_sim PowerShell subset cannot evaluate "
                f"{type(node).__name__}.",
                node.start,
                node.end,
            )
        return method(node)

    def _evaluate_Constant(self, node: nodes.Constant) -> object:  # noqa: N802
        return node.value

    def _evaluate_ScriptBlock(self, node: nodes.ScriptBlock) -> object:  # noqa: N802
        return node

    def _evaluate_Variable(self, node: nodes.Variable) -> object:  # noqa: N802
        return self.read_variable(node)

    def _evaluate_ExpandableString(self, node: nodes.ExpandableString) -> str:  # noqa: N802
        parts = [
            part if isinstance(part, str) else to_string(self.evaluate(part))
            for part in node.parts
        ]
        return "".join(parts)

    def _evaluate_SubExpression(self, node: nodes.SubExpression) -> object:  # noqa: N802
        items: list[object] = []
        self.execute_block(node.statements, items.append)
        return list(items) if node.array else collect(items)

    def _evaluate_Parenthesized(self, node: nodes.Parenthesized) -> object:  # noqa: N802
        return self.value_of(node.pipeline)

    def _evaluate_ArrayLiteral(self, node: nodes.ArrayLiteral) -> list[object]:  # noqa: N802
        return [self.evaluate(item) for item in node.items]

    def _evaluate_UnaryOperation(self, node: nodes.UnaryOperation) -> object:  # noqa: N802
        value = self.evaluate(node.operand)
        try:
            return unary(node.op, value)
        except OperationError as error:
            raise runtime_error(str(error), node.start, node.end) from None

    def _evaluate_BinaryOperation(self, node: nodes.BinaryOperation) -> object:  # noqa: N802
        left = self.evaluate(node.left)
        if node.op == "-and":
            return is_true(left) and is_true(self.evaluate(node.right))
        if node.op == "-or":
            return is_true(left) or is_true(self.evaluate(node.right))
        right = self.evaluate(node.right)
        try:
            return binary(node.op, left, right)
        except OperationError as error:
            raise runtime_error(str(error), node.start, node.end) from None

    def _evaluate_MemberAccess(self, node: nodes.MemberAccess) -> object:  # noqa: N802
        target = self.evaluate(node.target)
        member = node.member.lower()
        if target is None:
            return None
        if member in ("length", "count") and isinstance(target, str | list):
            return len(target)
        if member == "count":
            return 1
        if isinstance(target, datetime) and member in _DATE_MEMBERS:
            return _DATE_MEMBERS[member](target)
        raise ScriptError(
            ErrorRecord(
                message=(
                    f"The winrm_sim PowerShell subset does not support the property "
                    f"'{node.member}' here."
                ),
                category="NotImplemented: (:) [], RuntimeException",
                error_id="NotSupportedByWinrmSim",
                start=node.start,
                end=node.end,
            )
        )

    def read_variable(self, node: nodes.Variable) -> object:
        """Return a variable's value, or None ($null) when it is not set."""
        name = node.name.lower()
        if node.scope == "env":
            return self.host.env.get(node.name)
        if name in _AUTOMATIC:
            return _AUTOMATIC[name]
        if name == "input" and name not in self.variables:
            return self._read_input()
        return self.variables.get(name)

    def assign(self, target: nodes.Variable, value: object) -> None:
        """Set a variable, or an environment variable for `$env:NAME`."""
        if target.scope == "env":
            if value is None:
                self.host.env.pop(target.name, None)
            else:
                self.host.env[target.name] = to_string(value)
            return
        self.variables[target.name.lower()] = value

    def _read_input(self) -> list[str]:
        lines: list[str] = []
        while (line := self.host.read_stdin_line()) is not None:
            lines.append(line)
        self.check_stop()
        self.variables["input"] = []
        return lines
