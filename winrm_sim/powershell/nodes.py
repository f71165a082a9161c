"""Syntax tree of the PowerShell subset.

Every node keeps `start` and `end`, offsets into the script text, so errors can
point at the failing text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Node:
    """Base of all nodes."""

    start: int
    end: int


# Expressions


@dataclass
class Constant(Node):
    """A number or a single-quoted string."""

    value: object


@dataclass
class Variable(Node):
    """`$name`. `scope` is "env" for `$env:NAME` and None otherwise."""

    name: str
    scope: str | None = None


@dataclass
class ExpandableString(Node):
    """A double-quoted string: literal text mixed with expressions."""

    parts: list[str | Node]


@dataclass
class SubExpression(Node):
    """`$( ... )` or, with `array` set, `@( ... )`."""

    statements: list[Node]
    array: bool = False


@dataclass
class Parenthesized(Node):
    """`( pipeline )`."""

    pipeline: Node


@dataclass
class BinaryOperation(Node):
    """`left op right`. `op` is the lower-case spelling, like `+` or `-eq`."""

    op: str
    left: Node
    right: Node


@dataclass
class UnaryOperation(Node):
    """`-x`, `+x`, `!x` or `-not x`."""

    op: str
    operand: Node


@dataclass
class ArrayLiteral(Node):
    """`a, b, c`."""

    items: list[Node]


@dataclass
class ScriptBlock(Node):
    """`{ statements }` as a value, passed to ForEach-Object. `text` is the body."""

    statements: list[Node]
    text: str = ""


@dataclass
class MemberAccess(Node):
    """`value.Name`."""

    target: Node
    member: str


# Commands and statements


@dataclass
class Parameter(Node):
    """`-Name` or `-Name:value` in a command's arguments."""

    name: str
    value: Node | None = None


@dataclass
class CommandCall(Node):
    """A command name with its arguments. `text` is its source text."""

    name: str
    arguments: list[Node] = field(default_factory=list)
    text: str = ""


@dataclass
class Pipeline(Node):
    """`element | command | command`. The first element may be an expression."""

    elements: list[Node]


@dataclass
class Assignment(Node):
    """`$x = pipeline`, also `+=`, `-=`, `*=`, `/=`."""

    target: Variable
    op: str
    value: Node


@dataclass
class IfStatement(Node):
    """`if (c) { } elseif (c) { } else { }`."""

    clauses: list[tuple[Node, list[Node]]]
    else_body: list[Node] | None = None


@dataclass
class ForeachStatement(Node):
    """`foreach ($item in pipeline) { }`."""

    variable: Variable
    iterable: Node
    body: list[Node]


@dataclass
class ExitStatement(Node):
    """`exit` or `exit value`."""

    value: Node | None = None
