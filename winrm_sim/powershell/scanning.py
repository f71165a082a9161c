"""Scanners the lexer and the string parser share: literals, quotes, variables."""

from __future__ import annotations

import re

from winrm_sim.powershell.tokens import DOUBLE_QUOTES, SINGLE_QUOTES

NUMBER = re.compile(
    r"(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"([lLdD]?)(kb|mb|gb|tb|pb)?(?![\w])",
    re.IGNORECASE,
)
_VARIABLE = re.compile(
    r"\$(?:([A-Za-z_]\w*):(?=[\w?]))?([A-Za-z_]\w*|_|\?|\$|\^)", re.UNICODE
)
_BRACED_VARIABLE = re.compile(r"\$\{(?:([A-Za-z_]\w*):)?([^}]+)\}")
_MULTIPLIERS = {"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40}
_MULTIPLIERS["pb"] = 1 << 50


def number_value(text: str) -> int | float:
    """Convert a PowerShell numeric literal (hex, kb..pb, l and d suffixes)."""
    match = NUMBER.fullmatch(text)
    if match is None:
        raise ValueError(text)
    body = text[: len(text) - len(match[1] or "") - len(match[2] or "")]
    multiplier = _MULTIPLIERS.get((match[2] or "").lower(), 1)
    if body.lower().startswith("0x"):
        value: int | float = int(body, 16)
        # A hex literal that fits 32 bits is an Int32, so 0xFFFFFFFF is -1.
        if value >= 1 << 31 and value < 1 << 32 and not match[1]:
            value -= 1 << 32
    elif any(mark in body for mark in ".eE"):
        value = float(body)
        if (
            value == int(value)
            and match[1].lower() in ("l", "d")
            and "e" not in body.lower()
        ):
            value = int(value)
    else:
        value = int(body)
    return value * multiplier


def scan_double_quoted(source: str, index: int) -> int | None:
    """Return the offset of the closing quote of a string body starting at `index`.

    Backtick escapes, doubled quotes and quotes inside `$( )` do not end it.
    """
    while index < len(source):
        char = source[index]
        if char == "`":
            index += 2
            continue
        if char in DOUBLE_QUOTES:
            if source[index + 1 : index + 2] and source[index + 1] in DOUBLE_QUOTES:
                index += 2
                continue
            return index
        if source.startswith("$(", index):
            end = scan_parenthesis(source, index + 1)
            if end is None:
                return None
            index = end + 1
            continue
        index += 1
    return None


def scan_parenthesis(source: str, index: int) -> int | None:
    """Return the offset of the `)` matching the `(` at `index`, skipping strings."""
    depth = 0
    while index < len(source):
        char = source[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        elif char in SINGLE_QUOTES:
            end = find_any(source, SINGLE_QUOTES, index + 1)
            index = len(source) if end == -1 else end
        elif char in DOUBLE_QUOTES:
            end = scan_double_quoted(source, index + 1)
            index = len(source) if end is None else end
        elif char == "#" and (index == 0 or source[index - 1] in " \t\n"):
            end = source.find("\n", index)
            index = len(source) if end == -1 else end
        index += 1
    return None


def match_variable(source: str, index: int) -> tuple[str | None, str, int] | None:
    """Match `$name`, `$env:NAME` or `${name}` at `index`: (scope, name, end)."""
    match = _BRACED_VARIABLE.match(source, index) or _VARIABLE.match(source, index)
    if match is None:
        return None
    scope = (match[1] or "").lower() or None
    return scope, match[2], match.end()


def find_any(source: str, characters: str, index: int) -> int:
    positions = [source.find(char, index) for char in characters]
    found = [position for position in positions if position != -1]
    return min(found) if found else -1
