"""Pipelines: command lookup, argument evaluation, steps and redirections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.cmdlets import ALIASES, CMDLETS
from winrm_sim.powershell.cmdlets.base import NO_INPUT
from winrm_sim.powershell.commands import Argument, CommandState
from winrm_sim.powershell.errors import ErrorRecord, PSError
from winrm_sim.powershell.formatting import OutDefault
from winrm_sim.powershell.native import NativeStep, native_exists
from winrm_sim.powershell.redirection import apply_redirections
from winrm_sim.powershell.steps import CmdletStep, ExpressionStep, Step
from winrm_sim.powershell.values import Hashtable, ScriptBlock, as_list, to_string

_COMMAND_NOT_FOUND = (
    "The term '{name}' is not recognized as the name of a cmdlet, function, script "
    "file, or operable program. Check the spelling of the name, or if a path was "
    "included, verify that the path is correct and try again."
)


class PipelineMixin:
    """Runs pipelines for the interpreter."""

    scope: Any
    source: str
    last_success: bool

    def run_pipeline(self, node: nodes.Node, emit: Callable[[object], None]) -> None:
        """Run `a | b | c`, a single command, or an expression with redirections."""
        elements = node.elements if isinstance(node, nodes.Pipeline) else [node]
        steps = [self.make_step(element) for element in elements]
        steps[-1].to_host = isinstance(getattr(emit, "__self__", None), OutDefault)
        output = emit
        for step in reversed(steps):
            output = step.connect(output)
        try:
            for step in steps:
                step.run(step.begin)
            steps[0].run(steps[0].feed)
            for step in steps:
                step.run(step.end)
        finally:
            for step in steps:
                step.close()
        self.last_success = not any(step.state.failed for step in steps)

    def make_step(self, element: nodes.Node) -> Step:
        """Return the step for one pipeline element, looking the command up."""
        if isinstance(element, nodes.CommandExpression):
            state = CommandState("", element.start, element.end, self.source)
            step: Step = ExpressionStep(self, state, element.expression)
            return apply_redirections(self, step, element.redirections)
        if not isinstance(element, nodes.Command):
            state = CommandState("", element.start, element.end, self.source)
            return ExpressionStep(self, state, element)
        return apply_redirections(
            self, self._command_step(element), element.redirections
        )

    def _command_step(self, command: nodes.Command) -> Step:
        name_node = command.name
        target: object
        if command.invocation and not (
            isinstance(name_node, nodes.Constant) and name_node.bare
        ):
            target = self.evaluate(name_node)  # type: ignore[attr-defined]
        else:
            target = (
                to_string(name_node.value)
                if isinstance(name_node, nodes.Constant)
                else ""
            )
        text = self.source[command.start : command.end]
        if isinstance(target, ScriptBlock):
            state = CommandState("", command.start, command.end, self.source, text)
            arguments = self.evaluate_arguments(command)
            return self.function_step(  # type: ignore[attr-defined]
                target, arguments, state, dot_source=command.invocation == "."
            )
        name = to_string(target)
        return self._named_step(name, command, text)

    def _named_step(self, name: str, command: nodes.Command, text: str) -> Step:
        state = CommandState(name, command.start, command.end, self.source, text)
        key = name.casefold()
        resolved = ALIASES.get(key, key)
        function = self.scope.find_function(resolved)
        if function is not None:
            state.name = function.name
            arguments = self.evaluate_arguments(command)
            return self.function_step(  # type: ignore[attr-defined]
                function.block, arguments, state, is_filter=function.is_filter
            )
        cmdlet = CMDLETS.get(resolved)
        if cmdlet is not None:
            if self.machine.take_first_use():  # type: ignore[attr-defined]
                self._first_use_progress()
            state.name = cmdlet.name
            arguments = self.evaluate_arguments(command)
            return CmdletStep(self, state, cmdlet(self, state, arguments))  # type: ignore[arg-type]
        script = self.find_script_file(name)  # type: ignore[attr-defined]
        if script is not None:
            arguments = self.evaluate_arguments(command)
            return self.function_step(script, arguments, state)  # type: ignore[attr-defined]
        if native_exists(name):
            return NativeStep(self, state, name, self.native_arguments(command))
        raise self.command_not_found(name, command)

    def _first_use_progress(self) -> None:
        # NOTE: the recorded sample shows this activity twice; the first record
        # is written here as Processing and the second as Completed.
        for completed in (False, True):
            self.write_progress(  # type: ignore[attr-defined]
                activity="Preparing modules for first use.",
                status=" ",
                completed=completed,
            )

    def command_not_found(self, name: str, command: nodes.Command) -> PSError:
        """Return the CommandNotFoundException record for a command name."""
        record = ErrorRecord(
            message=_COMMAND_NOT_FOUND.format(name=name),
            error_id="CommandNotFoundException",
            category="ObjectNotFound",
            target_name=name,
            target_type="String",
            reason="CommandNotFoundException",
            prefix=name,
        )
        return PSError(record.at(command.name.start, command.name.end, self.source))

    def evaluate_arguments(self, command: nodes.Command) -> list[Argument]:
        """Evaluate a command's arguments in order, expanding `@splat`."""
        arguments: list[Argument] = []
        for element in command.elements:
            if isinstance(element, nodes.CommandParameter):
                if element.value is None:
                    arguments.append(Argument(element.name, None, False, element))
                else:
                    value = self.evaluate(element.value)  # type: ignore[attr-defined]
                    arguments.append(Argument(element.name, value, True, element))
            elif isinstance(element, nodes.Splat):
                arguments.extend(self._splat(element))
            else:
                value = self.evaluate(element)  # type: ignore[attr-defined]
                arguments.append(Argument(None, value, True, element))
        return arguments

    def _splat(self, element: nodes.Splat) -> list[Argument]:
        value = self.read_variable(element.name)  # type: ignore[attr-defined]
        if isinstance(value, Hashtable):
            return [
                Argument(to_string(key), item, True, element)
                for key, item in value.items()
            ]
        return [Argument(None, item, True, element) for item in as_list(value)]

    def native_arguments(self, command: nodes.Command) -> list[str]:
        """Return the argument strings a native program receives."""
        words: list[str] = []
        for element in command.elements:
            if isinstance(element, nodes.CommandParameter):
                text = self.source[element.start : element.end]
                if element.value is not None:
                    value = self.evaluate(element.value)  # type: ignore[attr-defined]
                    text = f"-{element.name}:{to_string(value)}"
                words.append(text)
            elif isinstance(element, nodes.Splat):
                words.extend(
                    to_string(argument.value) for argument in self._splat(element)
                )
            else:
                value = self.evaluate(element)  # type: ignore[attr-defined]
                words.extend(to_string(item) for item in as_list(value))
        return words

    def feed_no_input(self, step: Step) -> None:
        """Call a first command once with no pipeline input."""
        step.process(NO_INPUT)
