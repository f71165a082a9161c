"""Decide a step's outcome from its exit code, error records and settings."""

import re

from app.runs.models import RunStatus

_CODE = r"(-?(?:0[xX][0-9a-fA-F]+|\d+))"
_RANGE = re.compile(rf"^\s*{_CODE}\s*(?:\.\.|-(?=\s*-?\d))\s*{_CODE}\s*$")
INT32_MIN, UINT32_MAX = -(2**31), 2**32 - 1


class SuccessCodes:
    """A set of exit codes such as ``0``, ``0,3010``, ``0..3,-1`` or ``0xC0000005``."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.ranges = [_parse_part(part) for part in spec.split(",") if part.strip()]
        if not self.ranges:
            raise ValueError("give at least one exit code, e.g. 0")

    def __contains__(self, code: int) -> bool:
        return any(low <= code <= high for low, high in self.ranges)


def _parse_part(part: str) -> tuple[int, int]:
    match = _RANGE.match(part)
    if match:
        low, high = (_to_signed(int(v, 0)) for v in match.groups())
        if low > high:
            raise ValueError(f"range {part.strip()!r} runs backwards")
        return low, high
    try:
        number = int(part.strip(), 0)
    except ValueError:
        raise ValueError(
            f"{part.strip()!r} is not an exit code; use numbers and ranges "
            "such as 0,3010 or 0..3 or -1"
        ) from None
    code = _to_signed(number)
    return code, code


def _to_signed(code: int) -> int:
    """Accept codes written unsigned (4294967295) or signed (-1)."""
    if not INT32_MIN <= code <= UINT32_MAX:
        raise ValueError(f"{code} is outside the 32-bit range of exit codes")
    return code - 2**32 if code > 2**31 - 1 else code


def step_status(exit_code: int, success_codes: str, warnings: int) -> str:
    """Return succeeded, succeeded_with_warnings or failed.

    The exit code alone decides success; text on stderr never does. Error
    records fail a step through the exit code: the stop-on-error wrapper makes
    PowerShell exit 1 on the first error.
    """
    if exit_code not in SuccessCodes(success_codes):
        return RunStatus.FAILED.value
    if warnings:
        return RunStatus.SUCCEEDED_WITH_WARNINGS.value
    return RunStatus.SUCCEEDED.value
