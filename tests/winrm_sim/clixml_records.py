"""Read the records of a `#< CLIXML` stderr document, for assertions in tests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses the simulator's own output
from dataclasses import dataclass

HEADER = b"#< CLIXML\r\n"
_NAMESPACE = "{http://schemas.microsoft.com/powershell/2004/04}"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class Record:
    """One record: its stream and text. Errors keep all lines of their view."""

    stream: str
    text: str
    lines: tuple[str, ...] = ()

    @property
    def error_id(self) -> str:
        """Return the FullyQualifiedErrorId of an error view, or ""."""
        for line in self.lines:
            if line.strip().startswith("+ FullyQualifiedErrorId :"):
                return line.split(":", 1)[1].strip()
        return ""


def unescape(text: str) -> str:
    """Turn `_xHHHH_` escapes back into characters."""
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text or "")


def parse_records(stderr: bytes, codec: str) -> list[Record]:
    """Return the records of a CLIXML stderr document decoded with the code page."""
    if not stderr.startswith(HEADER):
        return []
    root = ET.fromstring(stderr[len(HEADER) :].decode(codec))  # noqa: S314
    records: list[Record] = []
    error_lines: list[str] = []
    for element in root:
        stream = element.get("S", "")
        if element.tag == f"{_NAMESPACE}S" and stream == "Error":
            line = unescape(element.text or "").removesuffix("\r\n")
            if line == " ":
                records.append(_error(error_lines))
                error_lines = []
            else:
                error_lines.append(line)
        elif element.tag == f"{_NAMESPACE}S":
            records.append(Record(stream, unescape(element.text or "")))
        elif stream == "progress":
            records.append(Record("progress", _progress_text(element)))
        elif stream == "information":
            text = element.find(f"{_NAMESPACE}ToString")
            records.append(
                Record("information", unescape(text.text if text is not None else ""))
            )
    if error_lines:
        records.append(_error(error_lines))
    return records


def _error(lines: list[str]) -> Record:
    joined = _join_wrapped(lines)
    return Record("error", joined[0] if joined else "", tuple(joined))


def _join_wrapped(lines: list[str]) -> list[str]:
    # A wrapped view line ends with a space. The message continues without an
    # indent; position and category lines continue after three spaces.
    joined: list[str] = []
    for line in lines:
        wrapped = bool(joined) and joined[-1].endswith(" ")
        if wrapped and line.startswith("   ") and not line.startswith("    +"):
            joined[-1] = joined[-1][:-1] + line[3:]
        elif wrapped and not line.startswith(("At line", "+ ", "    +")):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _progress_text(element: ET.Element) -> str:
    record = element.find(f".//{_NAMESPACE}PR")
    if record is None:
        return ""
    activity = unescape(record.findtext(f"{_NAMESPACE}AV") or "")
    status = unescape(record.findtext(f"{_NAMESPACE}SD") or "")
    percent = record.findtext(f"{_NAMESPACE}PC") or ""
    return f"{activity} | {status} | {percent}"
