"""Read `cases.txt`: PowerShell snippets with the output Windows PowerShell gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CASE_FILE = Path(__file__).with_name("cases.txt")
_SECTIONS = ("script", "stdout", "stderr", "exit", "options")


@dataclass
class Case:
    """One snippet and its expected stdout, stderr records and exit code."""

    name: str
    script: str = ""
    stdout: str = ""
    records: list[tuple[str, str]] = field(default_factory=list)
    exit_code: int = 0
    codepage: int = 437
    wrapper: bool = False


def load_cases(path: Path = CASE_FILE) -> list[Case]:
    """Parse the case file."""
    cases: list[Case] = []
    section = ""
    lines: list[str] = []
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if raw.startswith("=== "):
            _finish(cases, section, lines)
            cases.append(Case(raw[4:].strip()))
            section, lines = "", []
        elif raw.startswith("--- ") and raw[4:].strip() in _SECTIONS:
            _finish(cases, section, lines)
            section, lines = raw[4:].strip(), []
        elif cases and section:
            lines.append(raw)
    _finish(cases, section, lines)
    return cases


def _finish(cases: list[Case], section: str, lines: list[str]) -> None:
    if not cases or not section:
        return
    case = cases[-1]
    while lines and lines[-1] == "" and section != "stdout":
        lines.pop()
    if section == "script":
        case.script = "\n".join(lines).rstrip("\n")
    elif section == "stdout":
        case.stdout = _stdout(lines)
    elif section == "stderr":
        case.records = _records(lines)
    elif section == "exit":
        case.exit_code = int(lines[0])
    elif section == "options":
        for option in lines:
            if option.startswith("codepage"):
                case.codepage = int(option.split()[1])
            elif option.strip() == "wrapper":
                case.wrapper = True


def _stdout(lines: list[str]) -> str:
    pieces = []
    for line in lines:
        if line.endswith("{LF}"):
            pieces.append(line[: -len("{LF}")] + "\n")
        else:
            pieces.append(line + "\r\n")
    return "".join(pieces)


def _records(lines: list[str]) -> list[tuple[str, str]]:
    records = []
    for line in lines:
        stream, _, text = line.partition(": ")
        records.append((stream.strip(), text))
    return records
