"""String operators: -like wildcards, -match and -replace regexes, -split."""

from __future__ import annotations

import re

from winrm_sim.powershell.values import (
    as_list,
    is_enumerable,
    to_number,
    to_string,
)


class OperationError(Exception):
    """An operator cannot be applied. The message uses PowerShell's wording."""

    def __init__(self, message: str, error_id: str = "RuntimeException") -> None:
        super().__init__(message)
        self.error_id = error_id


def wildcard_match(pattern: str, text: str, case_sensitive: bool = False) -> bool:
    """Match PowerShell wildcards: `*`, `?`, `[abc]`, `[a-z]`; backtick escapes."""
    return _wildcard_regex(pattern, case_sensitive).fullmatch(text) is not None


def _wildcard_regex(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "`" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        elif char == "[" and "]" in pattern[index:]:
            close = pattern.index("]", index)
            parts.append("[" + pattern[index + 1 : close].replace("\\", "\\\\") + "]")
            index = close
        else:
            parts.append(re.escape(char))
        index += 1
    flags = re.DOTALL if case_sensitive else re.DOTALL | re.IGNORECASE
    return re.compile("".join(parts), flags)


def dotnet_regex(pattern: str) -> str:
    """Translate .NET regex syntax that Python spells differently."""
    return re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern).replace(r"\k<", "(?P=")


def regex_search(pattern: str, text: str, case_sensitive: bool) -> re.Match[str] | None:
    """Search with a .NET pattern; raise OperationError for an invalid pattern."""
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        return re.search(dotnet_regex(pattern), text, flags)
    except re.error as error:
        raise OperationError(
            f"Invalid regular expression pattern: {pattern}. ({error})",
            "InvalidRegularExpression",
        ) from None


def replace(left: object, right: object, case_sensitive: bool = False) -> object:
    """Apply -replace; an array on the left is replaced item by item."""
    operands = as_list(right)
    pattern = to_string(operands[0]) if operands else ""
    replacement = to_string(operands[1]) if len(operands) > 1 else ""
    python_replacement = re.sub(
        r"\$(\d+|\{(\w+)\}|\$|&)",
        lambda m: (
            "$"
            if m[1] == "$"
            else (r"\g<0>" if m[1] == "&" else rf"\g<{m[2] or m[1]}>")
        ),
        replacement.replace("\\", "\\\\"),
    )
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        compiled = re.compile(dotnet_regex(pattern), flags)
    except re.error as error:
        raise OperationError(
            f"Invalid regular expression pattern: {pattern}. ({error})"
        ) from None

    def apply(item: object) -> str:
        return compiled.sub(python_replacement, to_string(item))

    if is_enumerable(left):
        return [apply(item) for item in left]  # type: ignore[attr-defined]
    return apply(left)


def split(left: object, right: object, case_sensitive: bool = False) -> list[str]:
    """Apply binary -split: a regex delimiter and an optional maximum count."""
    operands = as_list(right)
    pattern = to_string(operands[0]) if operands else " "
    limit = int(to_number(operands[1])) if len(operands) > 1 else 0
    flags = 0 if case_sensitive else re.IGNORECASE
    result: list[str] = []
    for item in as_list(left):
        parts = re.split(
            dotnet_regex(pattern),
            to_string(item),
            maxsplit=max(limit - 1, 0),
            flags=flags,
        )
        result.extend(part for part in parts if part is not None)
    return result
