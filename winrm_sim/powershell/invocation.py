"""Calling functions and script blocks: scopes, dot-sourcing, begin/process/end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.cmdlets.base import NO_INPUT
from winrm_sim.powershell.commands import Argument, CommandState
from winrm_sim.powershell.dotnet.objects import DotNetError
from winrm_sim.powershell.errors import ParseError, format_error_view
from winrm_sim.powershell.flow import ReturnSignal
from winrm_sim.powershell.parser import parse_script
from winrm_sim.powershell.scopes import Scope, VariableSlot
from winrm_sim.powershell.script_binding import bind_parameters
from winrm_sim.powershell.steps import Step
from winrm_sim.powershell.values import ScriptBlock
from winrm_sim.vfs import FileSystemError, PathError

Emit = Callable[[object], None]


class FunctionStep(Step):
    """A function, filter or script block call in a pipeline."""

    def __init__(
        self,
        interpreter: Any,
        block: ScriptBlock,
        arguments: list[Argument],
        state: CommandState,
        dot_source: bool = False,
        is_filter: bool = False,
    ) -> None:
        super().__init__(interpreter, state)
        self.block = block
        self.arguments = arguments
        self.dot_source = dot_source
        self.scope: Scope | None = None
        self.input: list[object] = []
        body = block.body
        self.process_block = body.process_block
        if is_filter and self.process_block is None:
            self.process_block = body.end_block

    def begin(self) -> None:
        """Create the scope, bind the parameters and run the begin block."""
        interpreter = self.interpreter
        self.scope = (
            interpreter.scope if self.dot_source else Scope(parent=interpreter.scope)
        )
        body = self.block.body
        if body.parameters is not None or not self.dot_source:
            bind_parameters(interpreter, body, self.arguments, self.scope, self.state)
        if body.begin_block:
            self._run_block(body.begin_block)

    def process(self, item: object) -> None:
        """Run the process block with `$_`, or keep the item for `$input`."""
        if self.process_block is None:
            if item is not NO_INPUT:
                self.input.append(item)
            return
        assert self.scope is not None
        value = None if item is NO_INPUT else item
        self.scope.variables["_"] = VariableSlot("_", value)
        self._run_block(self.process_block)

    def end(self) -> None:
        """Run the end block with `$input` set to the collected input."""
        body = self.block.body
        if self.process_block is body.end_block:
            return
        assert self.scope is not None
        self.scope.set("input", list(self.input))
        if body.end_block:
            self._run_block(body.end_block)

    def _run_block(self, statements: list[nodes.Node]) -> None:
        interpreter = self.interpreter
        saved_scope, saved_source = interpreter.scope, interpreter.source
        interpreter.scope, interpreter.source = self.scope, self.block.source
        interpreter.call_stack.append(self.state)
        try:
            interpreter.execute_block(statements, self.output)
        except ReturnSignal:
            pass
        finally:
            interpreter.call_stack.pop()
            interpreter.scope, interpreter.source = saved_scope, saved_source


class InvocationMixin:
    """Script block invocation for the interpreter."""

    scope: Any
    source: str

    def function_step(
        self,
        block: ScriptBlock,
        arguments: list[Argument],
        state: CommandState,
        dot_source: bool = False,
        is_filter: bool = False,
    ) -> FunctionStep:
        """Return the pipeline step that calls a function or script block."""
        return FunctionStep(self, block, arguments, state, dot_source, is_filter)

    def invoke_block(
        self,
        block: ScriptBlock,
        values: list[object],
        emit: Emit,
        dot_source: bool = False,
    ) -> None:
        """Call a script block with positional arguments, as `& $block @values` does."""
        state = CommandState("", source=block.source)
        step = FunctionStep(
            self, block, [Argument(None, v) for v in values], state, dot_source
        )
        step.connect(emit)
        step.begin()
        step.process(NO_INPUT)
        step.end()

    def run_dot_sourced(self, block: ScriptBlock, emit: Emit) -> None:
        """Run a script block's statements in the current scope (ForEach-Object)."""
        saved = self.source
        self.source = block.source
        try:
            self.execute_block(block.body.end_block, emit)  # type: ignore[attr-defined]
        except ReturnSignal:
            pass
        finally:
            self.source = saved

    def create_script_block(self, text: str) -> ScriptBlock:
        """Parse text into a script block, as [ScriptBlock]::Create does."""
        try:
            body = parse_script(text)
        except ParseError as error:
            record = error.record.with_source(text)
            lines = format_error_view(record, 10_000)[:-3]
            raise DotNetError(
                "System.Management.Automation.ParseException", "\r\n".join(lines)
            ) from None
        return ScriptBlock(body, text)

    def find_script_file(self, name: str) -> ScriptBlock | None:
        """Return the script of a `.ps1` path on the host's disk, if it exists."""
        if not name.lower().endswith(".ps1"):
            return None
        try:
            path = self.resolve_path(name)  # type: ignore[attr-defined]
            data = self.machine.filesystem.read_bytes(path)  # type: ignore[attr-defined]
        except (FileSystemError, PathError):
            return None
        from winrm_sim.powershell.dotnet.io_statics import decode_text

        text = decode_text(data)
        return ScriptBlock(parse_script(text), text)
