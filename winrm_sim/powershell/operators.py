"""Arithmetic, range and comparison operators with PowerShell's conversions."""

from __future__ import annotations

import math
from datetime import datetime

from winrm_sim.powershell.values import ConversionError, is_true, to_number, to_string

# Larger ranges are rejected instead of filling memory.
MAX_RANGE_ITEMS = 1_000_000


class OperationError(Exception):
    """An operator cannot be applied. The message uses PowerShell's wording."""


def binary(op: str, left: object, right: object) -> object:
    """Apply an arithmetic, range or comparison operator."""
    if op in ("-eq", "-ne", "-gt", "-lt", "-ge", "-le"):
        return compare(op, left, right)
    if op == "..":
        return _range(left, right)
    if op == "+":
        return _add(left, right)
    if op == "*" and isinstance(left, str | list):
        return left * int(_number(right))
    if op in ("-", "*", "/", "%"):
        return _arithmetic(op, left, right)
    raise OperationError(f"The '{op}' operator is not supported.")


def unary(op: str, value: object) -> object:
    """Apply `-`, `+`, `!` or `-not`."""
    if op in ("!", "-not"):
        return not is_true(value)
    number = _number(value)
    return -number if op == "-" else number


def compare(op: str, left: object, right: object) -> object:
    """Compare two values. With an array on the left, return the items that match."""
    if isinstance(left, list):
        return [item for item in left if _compare_scalar(op, item, right)]
    return _compare_scalar(op, left, right)


def _compare_scalar(op: str, left: object, right: object) -> bool:
    if left is None or right is None:
        order = (left is not None) - (right is not None)
    elif isinstance(left, bool):
        order = int(left) - int(is_true(right))
    elif isinstance(left, int | float):
        order = _order_numbers(left, right)
    elif isinstance(left, datetime) and isinstance(right, datetime):
        order = (left > right) - (left < right)
    else:
        a, b = to_string(left).casefold(), to_string(right).casefold()
        order = (a > b) - (a < b)
    return {
        "-eq": order == 0,
        "-ne": order != 0,
        "-gt": order > 0,
        "-lt": order < 0,
        "-ge": order >= 0,
        "-le": order <= 0,
    }[op]


def _order_numbers(left: int | float, right: object) -> int:
    try:
        number = to_number(right) if not isinstance(right, list) else None
    except ConversionError:
        number = None
    if number is None:
        a, b = to_string(left).casefold(), to_string(right).casefold()
        return (a > b) - (a < b)
    return (left > number) - (left < number)


def _add(left: object, right: object) -> object:
    if left is None:
        return right
    if isinstance(left, list):
        return left + (right if isinstance(right, list) else [right])
    if isinstance(left, str):
        return left + to_string(right)
    if isinstance(right, list):
        raise OperationError(
            "Method invocation failed because [System.Object[]] does not contain a "
            "method named 'op_Addition'."
        )
    return _arithmetic("+", left, right)


def _arithmetic(op: str, left: object, right: object) -> object:
    a, b = _number(left), _number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise OperationError("Attempted to divide by zero.")
    if op == "%":
        result = math.fmod(a, b)
        return int(result) if isinstance(a, int) and isinstance(b, int) else result
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    return a / b


def _range(left: object, right: object) -> list[int]:
    first, last = _integer(left), _integer(right)
    if abs(last - first) >= MAX_RANGE_ITEMS:
        raise OperationError(
            f"The range {first}..{last} is larger than the {MAX_RANGE_ITEMS} items "
            "the winrm_sim PowerShell subset allows."
        )
    step = 1 if last >= first else -1
    return list(range(first, last + step, step))


def _integer(value: object) -> int:
    number = _number(value)
    # [int] conversion in .NET rounds halves to even, as round() does.
    return round(number) if isinstance(number, float) else number


def _number(value: object) -> int | float:
    if isinstance(value, datetime | list):
        raise OperationError(
            f'Cannot convert "{to_string(value)}" to a number for this operator.'
        )
    try:
        return to_number(value)
    except ConversionError as error:
        raise OperationError(str(error)) from None
