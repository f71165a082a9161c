"""Statements: blocks, assignments, if, loops, switch, try/catch, trap and flow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.assignments import AssignmentMixin
from winrm_sim.powershell.error_handling import ErrorHandlingMixin
from winrm_sim.powershell.errors import DotNetException, ErrorRecord, PSError
from winrm_sim.powershell.flow import BreakSignal, ContinueSignal, ReturnSignal
from winrm_sim.powershell.host import ExitScript
from winrm_sim.powershell.operators import compare
from winrm_sim.powershell.scopes import FunctionInfo
from winrm_sim.powershell.text_operators import regex_search, wildcard_match
from winrm_sim.powershell.values import (
    Hashtable,
    ScriptBlock,
    enumerate_value,
    is_true,
    to_number,
    to_string,
)

Emit = Callable[[object], None]


class StatementMixin(AssignmentMixin, ErrorHandlingMixin):
    """Runs statements for the interpreter."""

    try_depth = 0
    source: str
    global_scope: Any

    def execute_block(
        self,
        statements: list[nodes.Node],
        emit: Emit,
        after: Callable[[], None] | None = None,
    ) -> None:
        """Run statements, calling `after` when each one ends.

        A trap in the block handles the terminating errors of its statements.
        """
        traps = [s for s in statements if isinstance(s, nodes.TrapStatement)]
        if traps:
            self._execute_with_traps(statements, traps, emit, after)
            return
        for statement in statements:
            try:
                self.execute_statement(statement, emit)
            finally:
                if after is not None:
                    after()

    def execute_statement(self, statement: nodes.Node, emit: Emit) -> None:
        """Run one statement; a statement-terminating error ends only this statement."""
        self.check_stop()
        handler = _HANDLERS.get(type(statement))
        try:
            if handler is not None:
                handler(self, statement, emit)
            elif isinstance(
                statement, nodes.Pipeline | nodes.Command | nodes.CommandExpression
            ):
                self.run_pipeline(statement, emit)
            elif isinstance(statement, nodes.IncrementDecrement):
                # `$i++` as a statement changes the variable and outputs nothing.
                self.evaluate(statement)
                self.last_success = True
            else:
                for item in enumerate_value(self.evaluate(statement)):
                    emit(item)
                self.last_success = True
        except PSError as error:
            if error.script_terminating or self.try_depth:
                if error.record.start is None:
                    error.record = error.record.at(
                        statement.start, statement.end, self.source
                    )
                raise
            self.statement_failed(
                error.record.at(statement.start, statement.end, self.source)
            )

    def statement_failed(self, record: ErrorRecord) -> None:
        """Report a statement-terminating error that no try or trap handles."""
        self.last_success = False
        action = self.preference("ErrorActionPreference")
        if action == "stop":
            raise PSError(record, script_terminating=True)
        if action == "ignore":
            return
        self.remember_error(record)
        if action != "silentlycontinue" and self.routing.error is not None:
            self.routing.error(record)

    def with_dollar_under(self, value: object, action: Callable[[], None]) -> None:
        """Run `action` with `$_` and `$PSItem` set, then restore them."""
        scope = self.scope
        saved = scope.variables.get("_"), scope.variables.get("psitem")
        scope.set("_", value)
        scope.set("PSItem", value)
        try:
            action()
        finally:
            for key, slot in zip(("_", "psitem"), saved, strict=True):
                if slot is None:
                    scope.variables.pop(key, None)
                else:
                    scope.variables[key] = slot

    # Statement handlers

    def _if(self, statement: nodes.IfStatement, emit: Emit) -> None:
        for condition, body in statement.clauses:
            if is_true(self.value_of(condition)):
                self.execute_block(body, emit)
                return
        if statement.else_body is not None:
            self.execute_block(statement.else_body, emit)

    def _loop_body(self, body: list[nodes.Node], emit: Emit, label: str | None) -> bool:
        """Run a loop body; return False when the loop should stop (break)."""
        try:
            self.execute_block(body, emit)
        except ContinueSignal as signal:
            if (
                signal.label
                and (signal.label or "").casefold() != (label or "").casefold()
            ):
                raise
        except BreakSignal as signal:
            if (
                signal.label
                and (signal.label or "").casefold() != (label or "").casefold()
            ):
                raise
            return False
        return True

    def _foreach(self, statement: nodes.ForeachStatement, emit: Emit) -> None:
        items = self.value_of(statement.iterable)
        for item in list(enumerate_value(items)):
            self.check_stop()
            self.assign_variable(statement.variable, item)
            if not self._loop_body(statement.body, emit, statement.label):
                break

    def _loop(self, statement: nodes.LoopStatement, emit: Emit) -> None:
        if statement.initializer is not None:
            self.execute_statement(statement.initializer, lambda item: None)
        kind = statement.kind
        first = True
        while True:
            self.check_stop()
            if (
                not (kind.startswith("do") and first)
                and statement.condition is not None
            ):
                result = is_true(self.value_of(statement.condition))
                if result == (kind == "do-until"):
                    return
            first = False
            if not self._loop_body(statement.body, emit, statement.label):
                return
            if statement.iterator is not None:
                self.execute_statement(statement.iterator, lambda item: None)

    def _switch(self, statement: nodes.SwitchStatement, emit: Emit) -> None:
        subject = self.value_of(statement.value)
        values = [None] if subject is None else list(enumerate_value(subject))
        for item in values:
            try:
                self._switch_item(statement, item, emit)
            except ContinueSignal:
                continue
            except BreakSignal as signal:
                if signal.label:
                    raise
                return

    def _switch_item(
        self, statement: nodes.SwitchStatement, item: object, emit: Emit
    ) -> None:
        matched = False
        default = None
        for pattern, body in statement.clauses:
            if pattern is None:
                default = body
                continue
            if self._switch_matches(statement, pattern, item):
                matched = True
                self.with_dollar_under(
                    item, lambda body=body: self.execute_block(body, emit)
                )
        if not matched and default is not None:
            self.with_dollar_under(item, lambda: self.execute_block(default, emit))

    def _switch_matches(
        self, statement: nodes.SwitchStatement, pattern: nodes.Node, item: object
    ) -> bool:
        if isinstance(pattern, nodes.ScriptBlockExpression):
            results: list[object] = []
            block = ScriptBlock(pattern.body, self.source)
            self.with_dollar_under(
                item, lambda: self.run_dot_sourced(block, results.append)
            )
            return is_true(results[0] if len(results) == 1 else results)
        value = self.evaluate(pattern)
        sensitive = statement.case_sensitive
        if statement.mode == "wildcard":
            return wildcard_match(to_string(value), to_string(item), sensitive)
        if statement.mode == "regex":
            match = regex_search(to_string(value), to_string(item), sensitive)
            if match is not None:
                self.set_matches(match)
            return match is not None
        return bool(compare("eq", item, value, sensitive))

    def _function(self, statement: nodes.FunctionDefinition, emit: Emit) -> None:
        block = ScriptBlock(statement.body, self.source)
        info = FunctionInfo(statement.name, block, statement.is_filter)
        self.scope.functions[statement.name.casefold()] = info

    def _trap(self, statement: nodes.TrapStatement, emit: Emit) -> None:
        """Skip a trap statement: `execute_block` installs the traps of its block."""

    def _flow(self, statement: nodes.FlowStatement, emit: Emit) -> None:
        keyword = statement.keyword
        if keyword == "exit":
            self._exit(statement)
        if keyword in ("break", "continue"):
            label = (
                None
                if statement.value is None
                else to_string(self.evaluate(statement.value))
            )
            raise (BreakSignal if keyword == "break" else ContinueSignal)(label)
        if keyword == "return":
            if statement.value is not None:
                for item in enumerate_value(self.value_of(statement.value)):
                    emit(item)
            raise ReturnSignal()
        self._throw(statement)

    def _exit(self, statement: nodes.FlowStatement) -> None:
        code = 0
        if statement.value is not None:
            value = self.evaluate(statement.value)
            try:
                code = int(round(to_number(value)))
            except ValueError:
                code = 0
        raise ExitScript(code)

    def _throw(self, statement: nodes.FlowStatement) -> None:
        value = None if statement.value is None else self.value_of(statement.value)
        if value is None:
            current = self.scope.find("_")
            if current is not None and isinstance(current.value, ErrorRecord):
                raise PSError(current.value, script_terminating=True)
            record = ErrorRecord(
                message="ScriptHalted",
                error_id="ScriptHalted",
                category="OperationStopped",
                target_name="",
                target_type="",
            )
        elif isinstance(value, ErrorRecord):
            raise PSError(value, script_terminating=True)
        elif isinstance(value, DotNetException):
            record = ErrorRecord(
                message=value.message,
                error_id=value.message,
                category="OperationStopped",
                reason=value.type_name.rsplit(".", 1)[-1],
                exception=value,
            )
        else:
            text = to_string(value)
            target_type = "String" if isinstance(value, str) else "Object"
            if isinstance(value, Hashtable):
                target_type = "Hashtable"
            record = ErrorRecord(
                message=text,
                error_id=text,
                category="OperationStopped",
                target_name=text,
                target_type=target_type,
                target_object=value,
            )
        record = record.at(statement.start, statement.end, self.source)
        raise PSError(record, script_terminating=True)


_HANDLERS: dict[type, Callable[..., None]] = {
    nodes.Assignment: StatementMixin.run_assignment,
    nodes.IfStatement: StatementMixin._if,
    nodes.ForeachStatement: StatementMixin._foreach,
    nodes.LoopStatement: StatementMixin._loop,
    nodes.SwitchStatement: StatementMixin._switch,
    nodes.FunctionDefinition: StatementMixin._function,
    nodes.TryStatement: StatementMixin._try,
    nodes.TrapStatement: StatementMixin._trap,
    nodes.FlowStatement: StatementMixin._flow,
}
