"""The CLIXML document PowerShell writes to a redirected stderr.

With -EncodedCommand and stderr redirected, PowerShell serializes every error,
warning, verbose and debug line: first the line `#< CLIXML`, then one `<Objs>`
document that is closed when the process exits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape

HEADER = "#< CLIXML\r\n"
OBJS_START = (
    '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
)
OBJS_END = "</Objs>"
NEWLINE = "_x000D__x000A_"

_NEEDS_ESCAPE = re.compile(r"_x|[\x00-\x1f\x7f]")


def escape_text(text: str) -> str:
    """Escape text for a CLIXML string: `_xHHHH_` for control characters."""

    def replace(match: re.Match[str]) -> str:
        if match[0] == "_x":
            return "_x005F_x"
        return f"_x{ord(match[0]):04X}_"

    return escape(_NEEDS_ESCAPE.sub(replace, text))


class ClixmlWriter:
    """Writes stream records to stderr as one CLIXML document."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self.started = False
        self.closed = False

    def write_lines(self, stream: str, lines: list[str]) -> None:
        """Write each line as an `<S S="stream">` element ending in CR LF."""
        elements = "".join(
            f'<S S="{stream}">{escape_text(line)}{NEWLINE}</S>' for line in lines
        )
        if not self.started:
            # Windows sends the marker line as a chunk of its own.
            self._write(HEADER)
            elements = OBJS_START + elements
            self.started = True
        self._write(elements)

    def close(self) -> None:
        """Close the document, if one was started."""
        if self.started and not self.closed:
            self._write(OBJS_END)
        self.closed = True
