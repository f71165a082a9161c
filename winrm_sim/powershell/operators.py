"""Arithmetic, range, comparison, string and bitwise operators."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from winrm_sim.powershell.formats import format_composite
from winrm_sim.powershell.text_operators import (
    OperationError,
    regex_search,
    replace,
    split,
    wildcard_match,
)
from winrm_sim.powershell.types import convert_to, type_chain
from winrm_sim.powershell.values import (
    ConversionError,
    Hashtable,
    as_list,
    is_enumerable,
    is_true,
    to_number,
    to_string,
)

# Larger ranges are rejected instead of filling memory.
MAX_RANGE_ITEMS = 50_000_000
_COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
_FILTERING = (*_COMPARISONS, "like", "notlike", "match", "notmatch")


def split_name(op: str) -> tuple[str, bool]:
    """Return an operator's base name and whether it is case-sensitive.

    `-ceq` is ("eq", True), `-ieq` and `-eq` are ("eq", False).
    """
    name = op[1:] if op[:1] == "-" and op[1:2].isalpha() else op
    if name[:1] in ("c", "i") and name[1:] in (
        *_FILTERING,
        "replace",
        "contains",
        "notcontains",
        "in",
        "notin",
        "split",
    ):
        return name[1:], name[0] == "c"
    return name, False


def binary(op: str, left: object, right: object) -> object:
    """Apply a binary operator (not -and/-or/-match, which the evaluator handles)."""
    name, case_sensitive = split_name(op)
    if name in _FILTERING:
        return compare(name, left, right, case_sensitive)
    handler = _BINARY.get(name)
    if handler is not None:
        return handler(left, right)
    if name in ("contains", "notcontains", "in", "notin"):
        return _containment(name, left, right, case_sensitive)
    if name == "replace":
        return replace(left, right, case_sensitive)
    if name == "split":
        return split(left, right, case_sensitive)
    raise OperationError(f"The '{op}' operator is not supported.")


def unary(op: str, value: object) -> object:
    """Apply `-`, `+`, `!`, `-not`, `-bnot`, unary `-join` or unary `-split`."""
    if op in ("!", "-not"):
        return not is_true(value)
    if op == "-join":
        return "".join(to_string(item) for item in as_list(value))
    if op == "-split":
        return [
            part for part in re.split(r"\s+", to_string(value).strip()) if part != ""
        ]
    number = _number(value)
    if op == "-bnot":
        return ~int(number)
    return -number if op == "-" else number


def compare(
    name: str, left: object, right: object, case_sensitive: bool = False
) -> object:
    """Compare two values. With an array on the left, return the items that match."""
    if is_enumerable(left):
        return [
            item for item in left if _compare_scalar(name, item, right, case_sensitive)
        ]  # type: ignore[attr-defined]
    return _compare_scalar(name, left, right, case_sensitive)


def _compare_scalar(
    name: str, left: object, right: object, case_sensitive: bool
) -> bool:
    if name in ("like", "notlike"):
        found = wildcard_match(to_string(right), to_string(left), case_sensitive)
        return found if name == "like" else not found
    if name in ("match", "notmatch"):
        found = (
            regex_search(to_string(right), to_string(left), case_sensitive) is not None
        )
        return found if name == "match" else not found
    order = order_of(left, right, case_sensitive)
    if order is None:
        return name == "ne"
    return {
        "eq": order == 0,
        "ne": order != 0,
        "gt": order > 0,
        "lt": order < 0,
        "ge": order >= 0,
        "le": order <= 0,
    }[name]


def order_of(left: object, right: object, case_sensitive: bool) -> int | None:
    """Return -1, 0 or 1, or None when the values cannot be ordered."""
    if left is None or right is None:
        return (left is not None) - (right is not None)
    if isinstance(left, bool):
        return int(left) - int(is_true(right))
    if isinstance(left, int | float):
        try:
            number = to_number(right) if not is_enumerable(right) else None
        except ConversionError:
            number = None
        if number is None:
            return _text_order(to_string(left), to_string(right), case_sensitive)
        return (left > number) - (left < number)
    if isinstance(left, datetime | timedelta):
        try:
            other = (
                convert_to(right, "System.DateTime")
                if isinstance(left, datetime)
                else right
            )
        except ConversionError:
            return None
        if not isinstance(other, type(left)):
            return None
        return (left > other) - (left < other)  # type: ignore[operator]
    if isinstance(left, str):
        return _text_order(left, to_string(right), case_sensitive)
    return 0 if left is right or left == right else None


def _text_order(a: str, b: str, case_sensitive: bool) -> int:
    if not case_sensitive:
        a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _containment(name: str, left: object, right: object, case_sensitive: bool) -> bool:
    collection, item = (
        (left, right) if name in ("contains", "notcontains") else (right, left)
    )
    found = any(
        order_of(element, item, case_sensitive) == 0 for element in as_list(collection)
    )
    return found if name in ("contains", "in") else not found


def _add(left: object, right: object) -> object:
    if left is None:
        return right if not is_enumerable(right) else list(right)  # type: ignore[call-overload]
    if is_enumerable(left):
        return list(left) + as_list(right) if is_enumerable(right) else [*left, right]  # type: ignore[misc]
    if isinstance(left, str):
        return left + to_string(right)
    if isinstance(left, Hashtable):
        return _add_hashtables(left, right)
    if isinstance(left, datetime) and isinstance(right, timedelta):
        return left + right
    if is_enumerable(right) or isinstance(right, Hashtable):
        raise OperationError(
            "Method invocation failed because [System.Object[]] does not contain a "
            "method named 'op_Addition'.",
            "MethodNotFound",
        )
    return _arithmetic("+", left, right)


def _add_hashtables(left: Hashtable, right: object) -> Hashtable:
    if not isinstance(right, Hashtable):
        raise OperationError("A hash table can only be added to another hash table.")
    result = left.copy()
    for name, value in right.items():
        if name in result:
            raise OperationError(
                f"Item has already been added. Key in dictionary: '{name}'  Key being "
                f"added: '{name}'"
            )
        result[name] = value
    return result


def _multiply(left: object, right: object) -> object:
    if isinstance(left, str):
        return left * int(_number(right))
    if is_enumerable(left):
        return list(left) * int(_number(right))  # type: ignore[call-overload]
    return _arithmetic("*", left, right)


def _arithmetic(op: str, left: object, right: object) -> object:
    if isinstance(left, datetime) and op == "-":
        if isinstance(right, datetime):
            return left - right
        if isinstance(right, timedelta):
            return left - right
    a, b = _number(left), _number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise OperationError("Attempted to divide by zero.", "RuntimeException")
    if op == "%":
        result = math.fmod(a, b)
        return int(result) if isinstance(a, int) and isinstance(b, int) else result
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    return a / b


def range_values(left: object, right: object) -> range:
    """Return the integers of `left..right`, counting down when right < left."""
    first, last = _integer(left), _integer(right)
    if abs(last - first) >= MAX_RANGE_ITEMS:
        raise OperationError(
            f"The range {first}..{last} is larger than the {MAX_RANGE_ITEMS} items "
            "the winrm_sim PowerShell subset allows."
        )
    step = 1 if last >= first else -1
    return range(first, last + step, step)


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
        raise OperationError(str(error), "InvalidCastFromStringToInteger") from None


def _bitwise(op: str):  # noqa: ANN202
    def apply(left: object, right: object) -> int:
        a, b = int(_number(left)), int(_number(right))
        return {
            "band": a & b,
            "bor": a | b,
            "bxor": a ^ b,
            "shl": a << b,
            "shr": a >> b,
        }[op]

    return apply


def _is(left: object, right: object) -> bool:
    from winrm_sim.powershell.values import TypeValue

    if not isinstance(right, TypeValue):
        raise OperationError("The right operand of '-is' must be a type.")
    return right.full_name in type_chain(left) or (
        right.full_name == "System.Management.Automation.PSObject"
    )


def _as(left: object, right: object) -> object:
    from winrm_sim.powershell.values import TypeValue

    name = right.full_name if isinstance(right, TypeValue) else to_string(right)
    try:
        return convert_to(left, name)
    except ConversionError:
        return None


_BINARY = {
    "+": _add,
    "-": lambda a, b: _arithmetic("-", a, b),
    "*": _multiply,
    "/": lambda a, b: _arithmetic("/", a, b),
    "%": lambda a, b: _arithmetic("%", a, b),
    "..": lambda a, b: list(range_values(a, b)),
    "f": lambda a, b: format_composite(
        to_string(a), as_list(b) if is_enumerable(b) else [b]
    ),
    "join": lambda a, b: to_string(b).join(to_string(item) for item in as_list(a)),
    "is": _is,
    "isnot": lambda a, b: not _is(a, b),
    "as": _as,
    "xor": lambda a, b: is_true(a) != is_true(b),
    **{name: _bitwise(name) for name in ("band", "bor", "bxor", "shl", "shr")},
}
