"""Expression part of the parser: operators, primaries and expandable strings."""

from __future__ import annotations

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ParseError, unsupported
from winrm_sim.powershell.lexer import Lexer, match_variable, scan_parenthesis
from winrm_sim.powershell.tokens import Kind, Token

COMPARISON_OPERATORS = ("eq", "ne", "gt", "lt", "ge", "le")
LOGICAL_OPERATORS = ("and", "or")
# Operators of full PowerShell that this subset rejects with a clear error.
OTHER_OPERATORS = {
    "match", "notmatch", "replace", "like", "notlike", "contains", "notcontains",
    "in", "notin", "is", "isnot", "as", "f", "join", "split", "band", "bor",
    "bxor", "bnot", "shl", "shr", "xor", "ceq", "cne", "ieq", "ine", "cgt", "clt",
}  # fmt: skip

_BACKTICK_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
    "v": "\v", "e": "\x1b",
}  # fmt: skip

_OPERATOR_KINDS = (Kind.OPERATOR, Kind.DASHWORD, Kind.COMMA, Kind.DOTDOT)

_UNSUPPORTED_TOKENS = {
    "[": "type literals and indexing ([...])",
    "]": "type literals and indexing ([...])",
    "&": "the call operator (&)",
    "<": "redirection (<)",
    ">": "redirection (>)",
    "@": "hash tables and here-strings (@)",
    "$": "this use of '$'",
}


class ExpressionParser:
    """Recursive-descent parser for expressions. The subclass parses statements."""

    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.index = 0

    # Helpers shared with the statement parser

    @property
    def token(self) -> Token:
        """Return the current token."""
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        """Return a token after the current one (EOF at the end)."""
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the current token."""
        token = self.token
        if token.kind is not Kind.EOF:
            self.index += 1
        return token

    def expect(self, kind: Kind, message: str, error_id: str) -> Token:
        """Consume a token of `kind` or raise a parse error."""
        if self.token.kind is not kind:
            self.fail_unexpected(message, error_id)
        return self.advance()

    def skip_newlines(self) -> None:
        """Skip NEWLINE tokens."""
        while self.token.kind is Kind.NEWLINE:
            self.advance()

    def fail_unexpected(self, message: str | None = None, error_id: str = "") -> None:
        """Raise the parse error for the current token."""
        token = self.token
        if token.kind is Kind.UNSUPPORTED:
            feature = _UNSUPPORTED_TOKENS.get(token.text, f"'{token.text}'")
            raise unsupported(feature, token.start, token.end)
        if token.kind is Kind.DASHWORD and str(token.value).lower() in OTHER_OPERATORS:
            raise unsupported(f"the {token.text} operator", token.start, token.end)
        if message is None:
            message = f"Unexpected token '{token.text}' in expression or statement."
            error_id = "UnexpectedToken"
        raise ParseError(
            message, error_id, token.start, max(token.end, token.start + 1)
        )

    # Abstract: the statement parser provides these.

    def parse_pipeline(self) -> nodes.Node:
        """Parse a pipeline (provided by the statement parser)."""
        raise NotImplementedError

    def parse_statement_list(self, closing: Kind) -> list[nodes.Node]:
        """Parse statements up to a closing token (provided by the subclass)."""
        raise NotImplementedError

    # Expressions, lowest precedence first

    def parse_expression(self) -> nodes.Node:
        """Parse an expression."""
        return self._binary_level(0)

    def _binary_level(self, level: int) -> nodes.Node:
        if level == len(_BINARY_LEVELS):
            return self.parse_unary()
        left = self._binary_level(level + 1)
        items: list[nodes.Node] = []
        while (op := _BINARY_LEVELS[level](self.token)) is not None:
            self.advance()
            self.skip_newlines()
            right = self._binary_level(level + 1)
            if op == ",":
                items = items or [left]
                items.append(right)
                left = nodes.ArrayLiteral(items[0].start, right.end, items)
            else:
                left = nodes.BinaryOperation(left.start, right.end, op, left, right)
        return left

    def parse_unary(self) -> nodes.Node:
        """Parse a unary expression, a primary and any member access after it."""
        token = self.token
        if token.is_operator("-", "+", "!") or token.is_dashword("not"):
            self.advance()
            operand = self.parse_unary()
            op = token.text.lower()
            return nodes.UnaryOperation(token.start, operand.end, op, operand)
        return self.parse_postfix(self.parse_primary())

    def parse_postfix(self, node: nodes.Node) -> nodes.Node:
        """Parse `.Member` directly after a value."""
        while self.token.kind is Kind.DOT and not self.token.space_before:
            self.advance()
            member = self.token
            if member.kind is not Kind.WORD or member.space_before:
                self.fail_unexpected(
                    "Missing property name after reference operator.",
                    "MissingPropertyName",
                )
            self.advance()
            if self.token.kind is Kind.LPAREN and not self.token.space_before:
                raise unsupported("method calls", member.start, self.token.end)
            node = nodes.MemberAccess(node.start, member.end, node, member.text)
        return node

    def parse_primary(self) -> nodes.Node:
        """Parse a literal, variable, string, sub-expression or script block."""
        token = self.token
        kind = token.kind
        if kind in (Kind.NUMBER, Kind.STRING):
            self.advance()
            return nodes.Constant(token.start, token.end, token.value)
        if kind is Kind.VARIABLE:
            self.advance()
            scope, name = token.value
            return nodes.Variable(token.start, token.end, name, scope)
        if kind is Kind.EXPANDABLE_STRING:
            self.advance()
            return self.parse_expandable(token)
        if kind in (Kind.SUBEXPRESSION, Kind.ARRAY_SUBEXPRESSION):
            return self._subexpression(kind is Kind.ARRAY_SUBEXPRESSION)
        if kind is Kind.LPAREN:
            return self._parenthesized()
        if kind is Kind.LBRACE:
            return self.parse_script_block()
        previous = self.peek(-1) if self.index else None
        if previous is not None and previous.kind in _OPERATOR_KINDS:
            self.fail_unexpected(
                "You must provide a value expression following the "
                f"'{previous.text}' operator.",
                "ExpectedValueExpression",
            )
        self.fail_unexpected()
        raise AssertionError("fail_unexpected always raises")

    def parse_script_block(self) -> nodes.ScriptBlock:
        """Parse `{ statements }`."""
        start = self.advance().start
        statements = self.parse_statement_list(Kind.RBRACE)
        if self.token.kind is not Kind.RBRACE:
            # PowerShell points at the opening brace that is never closed.
            raise ParseError(
                "Missing closing '}' in statement block or type definition.",
                "MissingEndCurlyBrace",
                start,
            )
        end = self.advance().end
        text = self.source[start + 1 : end - 1]
        return nodes.ScriptBlock(start, end, statements, text)

    def _subexpression(self, array: bool) -> nodes.SubExpression:
        start = self.advance().start
        statements = self.parse_statement_list(Kind.RPAREN)
        end = self._close_parenthesis()
        return nodes.SubExpression(start, end, statements, array)

    def _parenthesized(self) -> nodes.Parenthesized:
        start = self.advance().start
        self.skip_newlines()
        pipeline = self.parse_pipeline()
        self.skip_newlines()
        end = self._close_parenthesis()
        return nodes.Parenthesized(start, end, pipeline)

    def _close_parenthesis(self) -> int:
        return self.expect(
            Kind.RPAREN,
            "Missing closing ')' in expression.",
            "MissingEndParenthesisInExpression",
        ).end

    # Double-quoted strings

    def parse_expandable(self, token: Token) -> nodes.ExpandableString:
        """Split a double-quoted string into text and embedded expressions."""
        source = self.source
        index, end = token.start + 1, token.end - 1
        parts: list[str | nodes.Node] = []
        text: list[str] = []
        while index < end:
            character = source[index]
            if character == "`" and index + 1 < end:
                escaped = source[index + 1]
                text.append(_BACKTICK_ESCAPES.get(escaped, escaped))
                index += 2
            elif source.startswith('""', index):
                text.append('"')
                index += 2
            elif source.startswith("$(", index):
                index = self._embedded_subexpression(index, parts, text)
            elif character == "$" and (variable := match_variable(source, index)):
                scope, name, variable_end = variable
                parts.extend(
                    ["".join(text), nodes.Variable(index, variable_end, name, scope)]
                )
                text = []
                index = variable_end
            else:
                text.append(character)
                index += 1
        parts.append("".join(text))
        return nodes.ExpandableString(
            token.start, token.end, [p for p in parts if p != ""]
        )

    def _embedded_subexpression(
        self, index: int, parts: list[str | nodes.Node], text: list[str]
    ) -> int:
        close = scan_parenthesis(self.source, index + 1)
        if close is None:
            raise ParseError(
                "Missing closing ')' in subexpression.",
                "MissingEndParenthesisInSubexpression",
                index,
            )
        inner = type(self)(self.source, Lexer(self.source, index + 2, close).tokens())
        statements = inner.parse_statement_list(Kind.EOF)
        parts.extend(["".join(text), nodes.SubExpression(index, close + 1, statements)])
        text.clear()
        return close + 1


def _logical(token: Token) -> str | None:
    if token.kind is Kind.DASHWORD and str(token.value).lower() in LOGICAL_OPERATORS:
        return "-" + str(token.value).lower()
    return None


def _comparison(token: Token) -> str | None:
    if token.kind is Kind.DASHWORD and str(token.value).lower() in COMPARISON_OPERATORS:
        return "-" + str(token.value).lower()
    return None


def _additive(token: Token) -> str | None:
    return token.text if token.is_operator("+", "-") else None


def _multiplicative(token: Token) -> str | None:
    return token.text if token.is_operator("*", "/", "%") else None


def _range(token: Token) -> str | None:
    return ".." if token.kind is Kind.DOTDOT else None


def _comma(token: Token) -> str | None:
    return "," if token.kind is Kind.COMMA else None


_BINARY_LEVELS = (_logical, _comparison, _additive, _multiplicative, _range, _comma)
