"""The CLIXML document PowerShell writes to a redirected stderr.

With -EncodedCommand and stderr redirected, Windows PowerShell 5.1 serializes
every error, warning, verbose, debug, information and progress record: first
the line `#< CLIXML`, then one `<Objs>` document that is closed when the
process exits. Error records are the lines of the error view, each ending in
CR LF; warning, verbose and debug records are the bare message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

HEADER = "#< CLIXML\r\n"
OBJS_START = (
    '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
)
OBJS_END = "</Objs>"
NEWLINE = "_x000D__x000A_"

_NEEDS_ESCAPE = re.compile(r"_x|[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_PS_OBJECT_TYPES = (
    "System.Management.Automation.PSCustomObject",
    "System.Object",
)
_INFORMATION_TYPES = ("System.Management.Automation.InformationRecord", "System.Object")
_HOST_MESSAGE_TYPES = (
    "System.Management.Automation.HostInformationMessage",
    "System.Object",
)
_TAG_LIST_TYPES = (
    "System.Collections.Generic.List`1[[System.String, mscorlib, Version=4.0.0.0, "
    "Culture=neutral, PublicKeyToken=b77a5c561934e089]]",
    "System.Object",
)
# The console colours of powershell.exe, recorded in Write-Host information records.
_FOREGROUND = "DarkYellow"
_BACKGROUND = "DarkMagenta"


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
        self._next_ref = 0
        self._type_refs: dict[tuple[str, ...], int] = {}

    def write_lines(self, stream: str, lines: list[str]) -> None:
        """Write each error view line as `<S S="Error">` ending in CR LF."""
        self._emit(
            "".join(
                f'<S S="{stream}">{escape_text(line)}{NEWLINE}</S>' for line in lines
            )
        )

    def write_message(self, stream: str, message: str) -> None:
        """Write a warning, verbose or debug message as one `<S>` element."""
        self._emit(f'<S S="{stream}">{escape_text(message)}</S>')

    def write_progress(
        self,
        activity: str,
        status: str,
        activity_id: int = 0,
        parent_id: int = -1,
        percent: int = -1,
        seconds: int = -1,
        operation: str | None = None,
        completed: bool = False,
    ) -> None:
        """Write one progress record."""
        current = (
            "<Nil />" if operation is None else f"<CO>{escape_text(operation)}</CO>"
        )
        record = (
            '<MS><I64 N="SourceId">1</I64><PR N="Record">'
            f"<AV>{escape_text(activity)}</AV>"
            f"<AI>{activity_id}</AI>{current}<PI>{parent_id}</PI><PC>{percent}</PC>"
            f"<T>{'Completed' if completed else 'Processing'}</T><SR>{seconds}</SR>"
            f"<SD>{escape_text(status)}</SD></PR></MS>"
        )
        reference = self._new_ref()
        self._emit(
            f'<Obj S="progress" RefId="{reference}">'
            f"{self._type_names(_PS_OBJECT_TYPES)}"
            f"{record}</Obj>"
        )

    def write_information(
        self,
        text: str,
        message_data: str | None,
        source: str,
        tags: list[str],
        user: str,
        computer: str,
        process_id: int,
        no_newline: bool = False,
    ) -> None:
        """Write one information record (Write-Information or Write-Host)."""
        reference = self._new_ref()
        header = f'<Obj S="information" RefId="{reference}">'
        header += self._type_names(_INFORMATION_TYPES)
        if message_data is None:
            data = self._host_message(text, no_newline)
        else:
            data = f'<S N="MessageData">{escape_text(message_data)}</S>'
        tag_ref = None
        properties = (
            f'{data}<S N="Source">{escape_text(source)}</S>'
            f'<DT N="TimeGenerated">{_timestamp()}</DT>'
        )
        tag_ref = self._new_ref()
        items = "".join(f"<S>{escape_text(tag)}</S>" for tag in tags)
        tag_list = f"<LST>{items}</LST>" if items else "<LST />"
        properties += (
            f'<Obj N="Tags" RefId="{tag_ref}">{self._type_names(_TAG_LIST_TYPES)}'
            f"{tag_list}</Obj>"
            f'<S N="User">{escape_text(user)}</S>'
            f'<S N="Computer">{escape_text(computer)}</S>'
            f'<U32 N="ProcessId">{process_id}</U32>'
            f'<U32 N="NativeThreadId">{process_id + 4}'
            '</U32><U32 N="ManagedThreadId">1</U32>'
        )
        self._emit(
            f"{header}<ToString>{escape_text(text)}</ToString><Props>{properties}</Props></Obj>"
        )

    def _host_message(self, text: str, no_newline: bool) -> str:
        reference = self._new_ref()
        return (
            f'<Obj N="MessageData" RefId="{reference}">'
            f"{self._type_names(_HOST_MESSAGE_TYPES)}"
            f"<ToString>{escape_text(text)}</ToString><Props>"
            f'<S N="Message">{escape_text(text)}</S>'
            f'<B N="NoNewLine">{"true" if no_newline else "false"}</B>'
            f'<S N="ForegroundColor">{_FOREGROUND}</S>'
            f'<S N="BackgroundColor">{_BACKGROUND}</S></Props></Obj>'
        )

    def _new_ref(self) -> int:
        reference = self._next_ref
        self._next_ref += 1
        return reference

    def _type_names(self, names: tuple[str, ...]) -> str:
        known = self._type_refs.get(names)
        if known is not None:
            return f'<TNRef RefId="{known}" />'
        reference = len(self._type_refs)
        self._type_refs[names] = reference
        inner = "".join(f"<T>{escape(name)}</T>" for name in names)
        return f'<TN RefId="{reference}">{inner}</TN>'

    def _emit(self, elements: str) -> None:
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


def _timestamp() -> str:
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    return f"{now:%Y-%m-%dT%H:%M:%S}.{now.microsecond:06d}0{offset[:3]}:{offset[3:]}"
