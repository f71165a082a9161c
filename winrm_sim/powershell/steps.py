"""Pipeline steps: each command or the first expression of a pipeline.

The interpreter calls `begin` on every step, `feed` on the first, then `end`
on every step in order. `connect` gives a step the function that receives its
output and returns the function that receives its input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from winrm_sim.powershell import nodes
from winrm_sim.powershell.cmdlets.base import NO_INPUT, Cmdlet
from winrm_sim.powershell.commands import CommandState
from winrm_sim.powershell.values import enumerate_value

if TYPE_CHECKING:
    from winrm_sim.powershell.streams import Routing

Emit = Callable[[object], None]


class Step:
    """A pipeline step. Subclasses override begin, process, end and feed."""

    def __init__(self, interpreter: Any, state: CommandState) -> None:
        self.interpreter = interpreter
        self.state = state
        self.output: Emit = lambda item: None
        self.to_host = False
        # Set by redirections: changes to the stream routing while the step runs.
        self.reroute: Callable[[Routing], Routing] | None = None
        self.closers: list[Callable[[], None]] = []
        # Set by `> file` or `> $null`: wraps the function that receives output.
        self.output_filter: Callable[[Emit], Emit] | None = None

    def connect(self, output: Emit) -> Emit:
        """Send output to `output`; return the function that takes input items."""
        self.output = (
            output if self.output_filter is None else self.output_filter(output)
        )
        interpreter = self.interpreter
        process = self.process
        if self.reroute is None:

            def receive(item: object) -> None:
                interpreter.check_stop()
                process(item)

            return receive

        def receive_rerouted(item: object) -> None:
            interpreter.check_stop()
            self.run(lambda: process(item))

        return receive_rerouted

    def run(self, action: Callable[[], None]) -> None:
        """Run a phase of the step with its redirections in force."""
        if self.reroute is None:
            action()
            return
        interpreter = self.interpreter
        saved = interpreter.routing
        interpreter.routing = self.reroute(saved)
        try:
            action()
        finally:
            interpreter.routing = saved

    def begin(self) -> None:
        """Run once before input arrives."""

    def process(self, item: object) -> None:
        """Take one input item."""

    def end(self) -> None:
        """Run once after the last input item."""

    def feed(self) -> None:
        """Start the pipeline when this step is first: no input, one call."""
        self.process(NO_INPUT)

    def close(self) -> None:
        """Release files that redirections opened."""
        for closer in self.closers:
            closer()
        self.closers.clear()


class CmdletStep(Step):
    """A cmdlet call."""

    def __init__(self, interpreter: Any, state: CommandState, cmdlet: Cmdlet) -> None:
        super().__init__(interpreter, state)
        self.cmdlet = cmdlet

    def connect(self, output: Emit) -> Emit:
        """Send the cmdlet's output to `output`."""
        receive = super().connect(output)
        self.cmdlet.emit = self.output
        return receive

    def begin(self) -> None:
        """Run the cmdlet's begin phase."""
        self.cmdlet.begin()

    def process(self, item: object) -> None:
        """Give the cmdlet one input item."""
        self.cmdlet.process(item)

    def end(self) -> None:
        """Run the cmdlet's end phase."""
        self.cmdlet.end()


class ExpressionStep(Step):
    """The expression that starts a pipeline, such as `1..3` in `1..3 | ...`."""

    def __init__(
        self, interpreter: Any, state: CommandState, expression: nodes.Node
    ) -> None:
        super().__init__(interpreter, state)
        self.expression = expression

    def feed(self) -> None:
        """Evaluate the expression and send its items on, unrolling arrays."""
        value = self.interpreter.evaluate(self.expression)
        output = self.output
        if isinstance(value, list):
            check = self.interpreter.check_stop
            for item in value:
                check()
                output(item)
            return
        if value is None:
            # `$null | ...` sends one $null down the pipeline; `@() | ...` sends none.
            output(None)
            return
        for item in enumerate_value(value):
            output(item)
