"""Expandable strings: double-quoted strings, here-strings and bare words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ParseError
from winrm_sim.powershell.scanning import match_variable, scan_parenthesis
from winrm_sim.powershell.tokens import DOUBLE_QUOTES, Kind, Token

if TYPE_CHECKING:
    from winrm_sim.powershell.expression_parser import ExpressionParser

BACKTICK_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "e": "\x1b",
}


def parse_expandable(parser: ExpressionParser, token: Token) -> nodes.Node:
    """Split a double-quoted string token into text and embedded expressions."""
    body, body_start, is_here_string = token.value
    parts = expand_parts(
        parser, body_start, body_start + len(body), quoted=not is_here_string
    )
    return _string_node(token.start, token.end, parts)


def parse_bare_word(parser: ExpressionParser, start: int, end: int) -> nodes.Node:
    """Return the value of a command-mode word: text, or text with `$var` expanded."""
    parts = expand_parts(parser, start, end, quoted=False, bare=True)
    node = _string_node(start, end, parts)
    if isinstance(node, nodes.Constant):
        node.bare = True
    return node


def expand_parts(
    parser: ExpressionParser, index: int, end: int, quoted: bool, bare: bool = False
) -> list[str | nodes.Node]:
    """Return literal text pieces and expression nodes of source[index:end]."""
    source = parser.source
    parts: list[str | nodes.Node] = []
    text: list[str] = []
    while index < end:
        char = source[index]
        if char == "`" and index + 1 < end:
            escaped = source[index + 1]
            text.append(escaped if bare else BACKTICK_ESCAPES.get(escaped, escaped))
            index += 2
        elif quoted and char in DOUBLE_QUOTES and index + 1 < end:
            text.append(char)
            index += 2 if source[index + 1] in DOUBLE_QUOTES else 1
        elif source.startswith("$(", index):
            parts.append("".join(text))
            text = []
            node = _subexpression(parser, index)
            parts.append(node)
            index = node.end
        elif char == "$" and (variable := match_variable(source, index)):
            scope, name, variable_end = variable
            parts.append("".join(text))
            text = []
            parts.append(nodes.Variable(index, variable_end, name, scope))
            index = variable_end
        else:
            text.append(char)
            index += 1
    parts.append("".join(text))
    return [part for part in parts if part != ""]


def _subexpression(parser: ExpressionParser, index: int) -> nodes.SubExpression:
    close = scan_parenthesis(parser.source, index + 1)
    if close is None:
        raise ParseError(
            "Missing closing ')' in subexpression.",
            "MissingEndParenthesisInSubexpression",
            index,
        )
    saved = parser.pos
    parser.pos = index + 2
    try:
        statements = parser.parse_statement_list(Kind.RPAREN)
        parser.skip_newlines()
        if parser.pos < close and parser.peek().kind is not Kind.RPAREN:
            raise parser.unexpected()
    finally:
        parser.pos = saved
    return nodes.SubExpression(index, close + 1, statements)


def _string_node(start: int, end: int, parts: list[str | nodes.Node]) -> nodes.Node:
    if all(isinstance(part, str) for part in parts):
        return nodes.Constant(start, end, "".join(str(part) for part in parts))
    return nodes.ExpandableString(start, end, parts)
