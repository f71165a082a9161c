"""Syntax tree of the PowerShell subset.

Every node keeps `start` and `end`, offsets into the script text, so errors can
point at the failing text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Node:
    """Base of all nodes."""

    start: int
    end: int


# Expressions


@dataclass(eq=False)
class Constant(Node):
    """A number, a single-quoted string or a bare word argument."""

    value: object
    bare: bool = False


@dataclass(eq=False)
class ExpandableString(Node):
    """A double-quoted string or here-string: text mixed with expressions."""

    parts: list[str | Node]


@dataclass(eq=False)
class Variable(Node):
    """`$name`, `$scope:name` or `${name}`. `scope` is lower case or None."""

    name: str
    scope: str | None = None


@dataclass(eq=False)
class Splat(Node):
    """`@name` in a command's arguments."""

    name: str


@dataclass(eq=False)
class ArrayLiteral(Node):
    """`a, b, c`, or the unary `,a`."""

    items: list[Node]


@dataclass(eq=False)
class HashLiteral(Node):
    """`@{ key = value; ... }`."""

    entries: list[tuple[Node, Node]]


@dataclass(eq=False)
class SubExpression(Node):
    """`$( ... )` or, with `array` set, `@( ... )`."""

    statements: list[Node]
    array: bool = False


@dataclass(eq=False)
class Parenthesized(Node):
    """`( pipeline )`."""

    pipeline: Node


@dataclass(eq=False)
class TypeLiteral(Node):
    """`[Type.Name]` used as a value, as in `[IO.File]::Exists(...)`."""

    name: str


@dataclass(eq=False)
class Cast(Node):
    """`[type] operand`."""

    type_name: str
    operand: Node


@dataclass(eq=False)
class BinaryOperation(Node):
    """`left op right`. `op` is the lower-case spelling, like `+` or `-eq`."""

    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class UnaryOperation(Node):
    """`-x`, `+x`, `!x`, `-not x`, `-bnot x`, unary `-join`/`-split`."""

    op: str
    operand: Node


@dataclass(eq=False)
class IncrementDecrement(Node):
    """`$x++`, `++$x`, `$x--`, `--$x`."""

    op: str
    target: Node
    prefix: bool


@dataclass(eq=False)
class MemberAccess(Node):
    """`value.Name` or `[Type]::Name`. `member` is a name or an expression."""

    target: Node
    member: str | Node
    static: bool = False


@dataclass(eq=False)
class MethodCall(Node):
    """`value.Name(args)` or `[Type]::Name(args)`."""

    target: Node
    member: str
    arguments: list[Node]
    static: bool = False


@dataclass(eq=False)
class IndexAccess(Node):
    """`value[index]`."""

    target: Node
    index: Node


@dataclass(eq=False)
class ParameterDefinition(Node):
    """One entry of a `param()` block."""

    name: str
    type_name: str | None = None
    default: Node | None = None
    mandatory: bool = False
    position: int | None = None
    value_from_pipeline: bool = False
    validate_set: list[Node] | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass(eq=False)
class ScriptBlockBody(Node):
    """The inside of `{ }`, a function body or a whole script."""

    parameters: list[ParameterDefinition] | None = None
    begin_block: list[Node] | None = None
    process_block: list[Node] | None = None
    end_block: list[Node] = field(default_factory=list)
    cmdlet_binding: bool = False
    text: str = ""


@dataclass(eq=False)
class ScriptBlockExpression(Node):
    """`{ ... }` as a value."""

    body: ScriptBlockBody


# Commands and statements


@dataclass(eq=False)
class CommandParameter(Node):
    """`-Name` or `-Name:value` in a command's arguments."""

    name: str
    value: Node | None = None
    colon: bool = False


@dataclass(eq=False)
class Redirection(Node):
    """`> file`, `>> file`, `2>&1`, `2> $null` after a command."""

    stream: str  # "1", "2", ... "6" or "*"
    append: bool = False
    target: Node | None = None  # None when merging into the output stream
    merge: bool = False


@dataclass(eq=False)
class Command(Node):
    """A command call. `name` is a word or, after `&` or `.`, an expression."""

    name: Node
    elements: list[Node] = field(default_factory=list)
    invocation: str = ""  # "", "&" or "."
    redirections: list[Redirection] = field(default_factory=list)

    @property
    def name_text(self) -> str:
        """Return the command name as typed, for messages."""
        if isinstance(self.name, Constant):
            return str(self.name.value)
        return ""


@dataclass(eq=False)
class CommandExpression(Node):
    """An expression in a pipeline, with optional redirections."""

    expression: Node
    redirections: list[Redirection] = field(default_factory=list)


@dataclass(eq=False)
class Pipeline(Node):
    """`element | command | command`. The first element may be an expression."""

    elements: list[Node]


@dataclass(eq=False)
class Assignment(Node):
    """`target = statement`, also `+=`, `-=`, `*=`, `/=`, `%=`."""

    target: Node
    op: str
    value: Node


@dataclass(eq=False)
class IfStatement(Node):
    """`if (c) { } elseif (c) { } else { }`."""

    clauses: list[tuple[Node, list[Node]]]
    else_body: list[Node] | None = None


@dataclass(eq=False)
class LoopStatement(Node):
    """`while`, `do {} while`, `do {} until` and `for` loops."""

    kind: str  # "while", "do-while", "do-until", "for"
    condition: Node | None
    body: list[Node]
    initializer: Node | None = None
    iterator: Node | None = None
    label: str | None = None


@dataclass(eq=False)
class ForeachStatement(Node):
    """`foreach ($item in pipeline) { }`."""

    variable: Variable
    iterable: Node
    body: list[Node]
    label: str | None = None


@dataclass(eq=False)
class SwitchStatement(Node):
    """`switch [-regex|-wildcard|-exact|-casesensitive] (value) { clauses }`."""

    value: Node
    clauses: list[tuple[Node | None, list[Node]]]  # None marks `default`
    mode: str = "exact"
    case_sensitive: bool = False
    label: str | None = None


@dataclass(eq=False)
class FunctionDefinition(Node):
    """`function name { }` or `filter name { }`."""

    name: str
    body: ScriptBlockBody
    is_filter: bool = False


@dataclass(eq=False)
class TryStatement(Node):
    """`try { } catch [types] { } finally { }`."""

    body: list[Node]
    catches: list[tuple[list[str], list[Node]]]
    finally_body: list[Node] | None = None


@dataclass(eq=False)
class TrapStatement(Node):
    """`trap [type] { }`."""

    type_names: list[str]
    body: list[Node]


@dataclass(eq=False)
class FlowStatement(Node):
    """`throw`, `return`, `exit`, `break` or `continue`, with an optional value."""

    keyword: str
    value: Node | None = None
