"""Run parsed statements: pipelines, assignments, if, foreach and exit."""

from __future__ import annotations

import logging

from winrm_sim.powershell import nodes
from winrm_sim.powershell.clixml import ClixmlWriter
from winrm_sim.powershell.cmdlets import COMMANDS, NO_INPUT, Cmdlet
from winrm_sim.powershell.errors import (
    ErrorRecord,
    ParseError,
    ScriptError,
    format_error_view,
    runtime_error,
)
from winrm_sim.powershell.evaluation import Emit, ExpressionEvaluator
from winrm_sim.powershell.host import ExitScript, ScriptHost, ScriptStopped
from winrm_sim.powershell.operators import OperationError, binary
from winrm_sim.powershell.parser import parse_script
from winrm_sim.powershell.values import (
    enumerate_value,
    format_for_output,
    is_true,
    to_number,
)

logger = logging.getLogger(__name__)

_COMMAND_NOT_FOUND = (
    "The term '{name}' is not recognized as the name of a cmdlet, function, script "
    "file, or operable program. Check the spelling of the name, or if a path was "
    "included, verify that the path is correct and try again."
)


class Interpreter(ExpressionEvaluator):
    """Interpreter of one script: output goes to stdout, errors to stderr as CLIXML."""

    def __init__(self, source: str, host: ScriptHost) -> None:
        super().__init__(source, host)
        self.errors = ClixmlWriter(host.write_stderr)
        self.error_count = 0

    def run(self) -> int:
        """Parse and run the script, and return the process exit code."""
        try:
            return self._run()
        finally:
            # The CLIXML document must be complete before the command ends.
            self.errors.close()

    def _run(self) -> int:
        try:
            statements = parse_script(self.source)
        except ParseError as error:
            self.write_error(error.record)
            return 1

        try:
            self.execute_block(statements, self.out_default)
        except ExitScript as exit_request:
            return exit_request.code
        except ScriptStopped:
            logger.info("script stopped by signal")
            return 1
        return 1 if self.error_count else 0

    def out_default(self, value: object) -> None:
        """Print pipeline output at the end of a top-level statement."""
        self.host.write_stdout(format_for_output(value))

    def write_error(self, record: ErrorRecord) -> None:
        """Write an error record to stderr and remember that the script failed."""
        self.error_count += 1
        lines = format_error_view(record, self.source, self.host.error_view_width)
        self.errors.write_lines("Error", lines)

    def write_stream_line(self, stream: str, message: str) -> None:
        """Write a warning, verbose or debug line to stderr."""
        self.errors.write_lines(stream, [message])

    def execute_block(self, statements: list[nodes.Node], emit: Emit) -> None:
        """Run statements. A statement-terminating error ends only its statement."""
        for statement in statements:
            self.check_stop()
            try:
                self.execute(statement, emit)
            except ScriptError as error:
                self.write_error(error.record)

    def execute(self, statement: nodes.Node, emit: Emit) -> None:
        """Run one statement, sending its output to `emit`."""
        if isinstance(statement, nodes.Assignment):
            self._assignment(statement)
        elif isinstance(statement, nodes.IfStatement):
            self._if(statement, emit)
        elif isinstance(statement, nodes.ForeachStatement):
            self._foreach(statement, emit)
        elif isinstance(statement, nodes.ExitStatement):
            self._exit(statement)
        elif isinstance(statement, nodes.Pipeline | nodes.CommandCall):
            self._pipeline(statement, emit)
        else:
            for item in enumerate_value(self.evaluate(statement)):
                emit(item)

    def run_script_block(
        self, block: nodes.ScriptBlock, item: object, emit: Emit
    ) -> None:
        """Run a script block with `$_` set to `item`, restoring `$_` after."""
        saved = self.variables.get("_")
        self.variables["_"] = item
        try:
            self.execute_block(block.statements, emit)
        finally:
            self.variables["_"] = saved

    def _assignment(self, statement: nodes.Assignment) -> None:
        value = self.value_of(statement.value)
        if statement.op != "=":
            current = self.read_variable(statement.target)
            try:
                value = binary(statement.op[0], current, value)
            except OperationError as error:
                raise _runtime(error, statement) from None
        self.assign(statement.target, value)

    def _if(self, statement: nodes.IfStatement, emit: Emit) -> None:
        for condition, body in statement.clauses:
            if is_true(self.value_of(condition)):
                self.execute_block(body, emit)
                return
        if statement.else_body is not None:
            self.execute_block(statement.else_body, emit)

    def _foreach(self, statement: nodes.ForeachStatement, emit: Emit) -> None:
        for item in list(enumerate_value(self.value_of(statement.iterable))):
            self.check_stop()
            self.assign(statement.variable, item)
            self.execute_block(statement.body, emit)

    def _exit(self, statement: nodes.ExitStatement) -> None:
        if statement.value is None:
            raise ExitScript(0)
        value = self.evaluate(statement.value)
        try:
            code = to_number(value)
        except ValueError:
            code = 0
        raise ExitScript(int(round(code)))

    def _pipeline(self, statement: nodes.Node, emit: Emit) -> None:
        if isinstance(statement, nodes.Pipeline):
            elements = statement.elements
        else:
            elements = [statement]
        first_is_command = isinstance(elements[0], nodes.CommandCall)
        calls = elements if first_is_command else elements[1:]
        # Every command is looked up before any runs, as PowerShell does.
        commands = [(self._resolve(call), call) for call in calls]

        steps = self._build_steps(commands, emit)
        for step in steps:
            step.begin()
        self._feed_first(elements[0], steps, first_is_command, emit)
        for step in steps:
            step.end()

    def _feed_first(
        self, first: nodes.Node, steps: list[Cmdlet], first_is_command: bool, emit: Emit
    ) -> None:
        if first_is_command:
            steps[0].process(NO_INPUT)
            return
        target = steps[0].process if steps else emit
        for item in enumerate_value(self.evaluate(first)):
            self.check_stop()
            target(item)

    def _build_steps(
        self, commands: list[tuple[type[Cmdlet], nodes.CommandCall]], emit: Emit
    ) -> list[Cmdlet]:
        steps: list[Cmdlet] = []
        downstream = emit
        for command, call in reversed(commands):
            step = command(self, call, downstream)
            steps.insert(0, step)
            downstream = _checked(self, step.process)
        return steps

    def _resolve(self, call: nodes.Node) -> type[Cmdlet]:
        if not isinstance(call, nodes.CommandCall):
            raise TypeError(f"pipeline element is not a command: {call!r}")
        command = COMMANDS.get(call.name.lower())
        if command is not None:
            return command
        raise ScriptError(
            ErrorRecord(
                message=_COMMAND_NOT_FOUND.format(name=call.name),
                category=f"ObjectNotFound: ({call.name}:String) [], "
                "CommandNotFoundException",
                error_id="CommandNotFoundException",
                prefix=call.name,
                start=call.start,
                end=call.start + len(call.name),
            )
        )


def _checked(interpreter: Interpreter, process: Emit) -> Emit:
    def forward(item: object) -> None:
        interpreter.check_stop()
        process(item)

    return forward


def _runtime(error: Exception, node: nodes.Node) -> ScriptError:
    return runtime_error(str(error), node.start, node.end)
