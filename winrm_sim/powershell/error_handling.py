"""try/catch/finally and trap: which handler takes a terminating error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.flow import BreakSignal, ContinueSignal
from winrm_sim.powershell.types import resolve_type

Emit = Callable[[object], None]


class ErrorHandlingMixin:
    """Runs try statements and trap handlers for the interpreter."""

    try_depth = 0
    routing: Any

    def _execute_with_traps(
        self,
        statements: list[nodes.Node],
        traps: list[nodes.TrapStatement],
        emit: Emit,
        after: Callable[[], None] | None,
    ) -> None:
        self.try_depth += 1
        try:
            for statement in statements:
                if isinstance(statement, nodes.TrapStatement):
                    continue
                try:
                    self.execute_statement(statement, emit)
                except PSError as error:
                    self._run_trap(traps, error, emit)
                finally:
                    if after is not None:
                        after()
        finally:
            self.try_depth -= 1

    def _run_trap(
        self, traps: list[nodes.TrapStatement], error: PSError, emit: Emit
    ) -> None:
        trap = self._matching_clause(
            [(t.type_names, t.body) for t in traps], error.record
        )
        if trap is None:
            raise error
        self.try_depth -= 1
        try:
            self.with_dollar_under(error.record, lambda: self.execute_block(trap, emit))
        except ContinueSignal:
            return
        except BreakSignal:
            raise error from None
        finally:
            self.try_depth += 1
        self.remember_error(error.record)
        if self.routing.error is not None:
            self.routing.error(error.record)

    def _matching_clause(
        self, clauses: list[tuple[list[str], list[nodes.Node]]], record: ErrorRecord
    ) -> list[nodes.Node] | None:
        chain = [name.casefold() for name in record.exception.type_chain()]  # type: ignore[union-attr]
        for type_names, body in clauses:
            if not type_names:
                return body
            for name in type_names:
                full = resolve_type(name) or name
                if full.casefold() in chain:
                    return body
        return None

    def _try(self, statement: nodes.TryStatement, emit: Emit) -> None:
        try:
            self._try_body(statement, emit)
        finally:
            if statement.finally_body is not None:
                self.execute_block(statement.finally_body, emit)

    def _try_body(self, statement: nodes.TryStatement, emit: Emit) -> None:
        self.try_depth += 1
        try:
            self.execute_block(statement.body, emit)
            return
        except PSError as error:
            caught = error
        finally:
            self.try_depth -= 1
        body = self._matching_clause(statement.catches, caught.record)
        if body is None:
            raise caught
        self.with_dollar_under(caught.record, lambda: self.execute_block(body, emit))
