"""Native programs run from PowerShell, such as `cmd /c ...` or `whoami`.

The last command of a top-level pipeline writes straight to the process's
stdout, byte for byte. Anywhere else PowerShell reads the program's output as
lines of text in [Console]::OutputEncoding. Lines on stderr become
NativeCommandError records.
"""

from __future__ import annotations

from typing import Any

from winrm_sim.native_programs import PROGRAMS
from winrm_sim.powershell.cmdlets.base import NO_INPUT
from winrm_sim.powershell.commands import CommandState
from winrm_sim.powershell.errors import ErrorRecord
from winrm_sim.powershell.steps import Step
from winrm_sim.powershell.values import to_string

_SHELLS = ("cmd", "powershell")


def program_name(name: str) -> str:
    """Return the lower-case file name without folder and `.exe`."""
    base = name.replace("/", "\\").rsplit("\\", 1)[-1].lower()
    return base.removesuffix(".exe").removesuffix(".com")


def native_exists(name: str) -> bool:
    """Return True when the simulator provides a program of that name."""
    base = program_name(name)
    return base in PROGRAMS or base in _SHELLS


def quote_argument(word: str) -> str:
    """Quote an argument with blanks, as Windows PowerShell 5.1 does (no escaping)."""
    if word == "" or (any(char in word for char in " \t") and not word.startswith('"')):
        return f'"{word}"'
    return word


class NativeStep(Step):
    """A native program in a pipeline."""

    def __init__(
        self, interpreter: Any, state: CommandState, name: str, words: list[str]
    ) -> None:
        super().__init__(interpreter, state)
        state.name = program_name(name)
        self.name = name
        self.words = words
        self.input: list[str] = []
        self.had_input = False

    def process(self, item: object) -> None:
        """Collect pipeline input for the program's stdin."""
        if item is NO_INPUT:
            self._run(None)
            return
        self.had_input = True
        self.input.append(to_string(item))

    def end(self) -> None:
        """Run the program when it received pipeline input."""
        if self.had_input:
            self._run("".join(line + "\r\n" for line in self.input))

    def _run(self, stdin_text: str | None) -> None:
        interpreter = self.interpreter
        passthrough = self.to_host and self.output_filter is None
        captured: list[bytes] = []
        errors: list[bytes] = []
        write_out = interpreter.write_raw_stdout if passthrough else captured.append
        arguments = " ".join(quote_argument(word) for word in self.words)
        interpreter.stdout.flush()
        code = interpreter.run_native(
            self.name, arguments, write_out, errors.append, stdin_text
        )
        interpreter.scope.root().set("LASTEXITCODE", code)
        self.state.failed = code != 0
        if captured:
            text = interpreter.output_encoding.decode(b"".join(captured))
            for line in _lines(text):
                self.output(line)
        if errors:
            self._stderr_records(interpreter.output_encoding.decode(b"".join(errors)))

    def _stderr_records(self, text: str) -> None:
        # NOTE: whether $? turns false after a program writes to stderr under
        # a redirected powershell.exe is not confirmed; here only the exit code counts.
        failed = self.state.failed
        for index, line in enumerate(_lines(text)):
            record = ErrorRecord(
                message=line,
                error_id="NativeCommandError"
                if index == 0
                else "NativeCommandErrorMessage",
                target_name=line,
                target_type="String",
                reason="RemoteException",
                prefix=self.state.name if index == 0 else None,
                plain_view=index > 0,
            )
            if index == 0:
                record = self.state.locate(record)
            self.interpreter.write_error(record, self.state)
        self.state.failed = failed


def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
