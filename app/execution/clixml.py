"""Read PowerShell's CLIXML error stream (``#< CLIXML`` on stderr)."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses output of our own hosts
from dataclasses import dataclass

MARKER = "#< CLIXML"
_NAMESPACE = "{http://schemas.microsoft.com/powershell/2004/04}"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class Record:
    stream: str
    text: str


def is_clixml(text: str) -> bool:
    return text.lstrip().startswith(MARKER)


def unescape(text: str) -> str:
    """Turn ``_xHHHH_`` escapes (e.g. ``_x000D__x000A_``) back into characters."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def parse(text: str) -> list[Record]:
    """Parse every ``<Objs>`` document in ``text`` into stream records.

    Raises ValueError when a document is not well-formed XML.
    """
    records: list[Record] = []
    documents = re.findall(r"<Objs\b.*?</Objs>", text, flags=re.S)
    if not documents and text.strip() != MARKER:
        raise ValueError("CLIXML stream has no complete <Objs> document")
    for document in documents:
        try:
            root = ET.fromstring(document)  # noqa: S314
        except ET.ParseError as exc:
            raise ValueError(f"malformed CLIXML: {exc}") from exc
        records.extend(_records(root))
    return _merge_error_lines(records)


def _merge_error_lines(records: list[Record]) -> list[Record]:
    """Join the lines of one formatted error, which PowerShell writes as one
    ``<S S="Error">`` element per line, and drop trailing line breaks."""
    merged: list[Record] = []
    for record in records:
        if merged and record.stream == "error" == merged[-1].stream:
            merged[-1] = Record("error", merged[-1].text + record.text)
        else:
            merged.append(record)
    return [Record(r.stream, r.text.rstrip("\r\n ")) for r in merged]


def _records(root: ET.Element) -> list[Record]:
    records = []
    for element in root:
        stream = element.get("S", "")
        if element.tag == _NAMESPACE + "S":
            records.append(Record(stream.lower(), unescape(element.text or "")))
        elif stream.lower() == "progress":
            activity = element.find(f".//{_NAMESPACE}AV")
            text = activity.text if activity is not None else ""
            records.append(Record("progress", unescape(text or "")))
        elif stream:
            texts = [
                unescape(t.text or "") for t in element.iter(_NAMESPACE + "ToString")
            ]
            records.append(Record(stream.lower(), texts[0] if texts else ""))
    return records


def to_text(text: str) -> str:
    """Render CLIXML stderr as readable lines; progress records are left out.

    Text that is not CLIXML, or CLIXML that cannot be parsed, is returned as is.
    """
    if not is_clixml(text):
        return text
    try:
        records = parse(text)
    except ValueError:
        return text
    lines = []
    for record in records:
        if record.stream == "progress":
            continue
        prefix = "" if record.stream == "error" else f"{record.stream.upper()}: "
        lines.append(prefix + record.text.rstrip("\r\n"))
    return "\n".join(line for line in lines if line.strip()).strip("\n")
