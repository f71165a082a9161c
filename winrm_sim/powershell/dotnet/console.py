"""System.Console: encodings, standard input and output, raw output streams."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from winrm_sim.powershell.dotnet.objects import DotNetError, EncodingValue
from winrm_sim.powershell.values import as_list, to_number, to_string

_MISSING = object()


@dataclass
class ConsoleReader:
    """[Console]::In: reads the process's stdin (what the client sends)."""

    interpreter: Any
    ps_type_name = "System.IO.SyncTextReader"

    def ps_call(
        self, interpreter: Any, key: str, arguments: list[object]
    ) -> tuple[bool, object]:
        """Implement ReadToEnd and ReadLine."""
        if key == "readtoend":
            return True, self.interpreter.read_stdin_text()
        if key == "readline":
            return True, self.interpreter.read_stdin_line()
        return False, None


@dataclass
class ConsoleWriter:
    """[Console]::Out or [Console]::Error: text writers."""

    interpreter: Any
    stream: str
    ps_type_name = "System.IO.TextWriter+SyncTextWriter"

    def ps_call(
        self, interpreter: Any, key: str, arguments: list[object]
    ) -> tuple[bool, object]:
        """Implement Write, WriteLine and Flush."""
        text = to_string(arguments[0]) if arguments else ""
        if key == "write":
            self.interpreter.write_console(text, self.stream)
        elif key == "writeline":
            self.interpreter.write_console(text + "\r\n", self.stream)
        elif key != "flush":
            return False, None
        return True, None


@dataclass
class StandardStream:
    """[Console]::OpenStandardOutput(): a byte stream that skips text encoding."""

    interpreter: Any
    stream: str
    ps_type_name = "System.IO.__ConsoleStream"

    def ps_call(
        self, interpreter: Any, key: str, arguments: list[object]
    ) -> tuple[bool, object]:
        """Implement Write(bytes, offset, count), WriteByte, Flush and Close."""
        if key == "write":
            data = bytes(int(item) for item in as_list(arguments[0]))  # type: ignore[call-overload]
            offset = int(to_number(arguments[1])) if len(arguments) > 1 else 0
            count = (
                int(to_number(arguments[2]))
                if len(arguments) > 2
                else len(data) - offset
            )
            if offset < 0 or count < 0 or offset + count > len(data):
                raise DotNetError(
                    "System.ArgumentException",
                    "Offset and length were out of bounds for the array or count is "
                    "greater than the number of elements from index to the end of the "
                    "source collection.",
                )
            self.interpreter.write_raw(data[offset : offset + count], self.stream)
            return True, None
        if key == "writebyte":
            self.interpreter.write_raw(
                bytes([int(to_number(arguments[0]))]), self.stream
            )
            return True, None
        if key in ("flush", "close", "dispose"):
            return True, None
        return False, None


def console_property(interpreter: Any, key: str) -> object:
    """Return a static property of [Console]."""
    if key == "outputencoding":
        return interpreter.output_encoding
    if key == "inputencoding":
        return interpreter.input_encoding
    if key == "in":
        return ConsoleReader(interpreter)
    if key == "out":
        return ConsoleWriter(interpreter, "stdout")
    if key == "error":
        return ConsoleWriter(interpreter, "stderr")
    if key in ("windowwidth", "bufferwidth"):
        return interpreter.host.error_view_width
    if key in ("isoutputredirected", "iserrorredirected", "isinputredirected"):
        return True
    return _MISSING


def set_console_property(interpreter: Any, key: str, value: object) -> bool:
    """Set [Console]::OutputEncoding or InputEncoding; return False for others."""
    if key in ("outputencoding", "inputencoding") and isinstance(value, EncodingValue):
        setattr(interpreter, f"{key[:-8]}_encoding", value)
        return True
    return False


def console_method(interpreter: Any, key: str, arguments: list[object]) -> object:
    """Call a static method of [Console]."""
    text = to_string(arguments[0]) if arguments else ""
    if key == "writeline":
        interpreter.write_console(text + "\r\n", "stdout")
        return None
    if key == "write":
        interpreter.write_console(text, "stdout")
        return None
    if key == "readline":
        return interpreter.read_stdin_line()
    if key == "openstandardoutput":
        return StandardStream(interpreter, "stdout")
    if key == "openstandarderror":
        return StandardStream(interpreter, "stderr")
    return _MISSING
