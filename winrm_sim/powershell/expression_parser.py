"""Expression part of the parser: operators, primaries, members and type literals."""

from __future__ import annotations

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ParseError
from winrm_sim.powershell.parser_base import ParserBase
from winrm_sim.powershell.strings import parse_expandable
from winrm_sim.powershell.tokens import Kind, Mode, Token

_COMPARISON_NAMES = (
    "eq ne gt ge lt le like notlike match notmatch replace contains notcontains in "
    "notin split"
).split()
COMPARISON = frozenset(
    _COMPARISON_NAMES
    + [p + n for n in _COMPARISON_NAMES for p in ("c", "i")]
    + ["is", "isnot", "as", "join"]
)
_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"and", "or", "xor"}),
    frozenset({"band", "bor", "bxor"}),
    COMPARISON,
    frozenset({"+", "-"}),
    frozenset({"*", "/", "%"}),
    frozenset({"f"}),
    frozenset({".."}),
)
_UNARY_DASH = ("not", "bnot", "join", "split")
# Tokens that can start the operand of a cast such as `[int]$x` or `[int]'5'`.
_OPERAND_START = (
    Kind.VARIABLE,
    Kind.NUMBER,
    Kind.STRING,
    Kind.EXPANDABLE_STRING,
    Kind.LPAREN,
    Kind.DOLLAR_PAREN,
    Kind.AT_PAREN,
    Kind.AT_BRACE,
    Kind.LBRACKET,
    Kind.LBRACE,
)


class ExpressionParser(ParserBase):
    """Recursive-descent parser for expressions. The subclass parses statements."""

    # Expressions, lowest precedence first

    def parse_expression(self, allow_comma: bool = True) -> nodes.Node:
        """Parse an expression; `allow_comma=False` stops at commas (call arguments)."""
        return self._binary(0, allow_comma)

    def _binary(self, level: int, allow_comma: bool) -> nodes.Node:
        if level == len(_LEVELS):
            return self._array(allow_comma)
        left = self._binary(level + 1, allow_comma)
        while (op := self._binary_operator(self.peek(), level)) is not None:
            self.take()
            self.skip_newlines()
            right = self._binary(level + 1, allow_comma)
            left = nodes.BinaryOperation(left.start, right.end, op, left, right)
        return left

    @staticmethod
    def _binary_operator(token: Token, level: int) -> str | None:
        names = _LEVELS[level]
        if token.kind is Kind.DASH_OPERATOR and token.value in names:
            return "-" + str(token.value)
        if token.kind is Kind.OPERATOR and token.text in names:
            return token.text
        if token.kind is Kind.DOTDOT and ".." in names:
            return ".."
        return None

    def _array(self, allow_comma: bool) -> nodes.Node:
        first = self.parse_unary()
        if not allow_comma or self.peek().kind is not Kind.COMMA:
            return first
        items = [first]
        while allow_comma and self.peek().kind is Kind.COMMA:
            self.take()
            self.skip_newlines()
            items.append(self.parse_unary())
        return nodes.ArrayLiteral(first.start, items[-1].end, items)

    def parse_unary(self) -> nodes.Node:
        """Parse a unary expression, a cast or a primary with its postfix parts."""
        token = self.peek()
        if token.is_operator("-", "+", "!") or (
            token.kind is Kind.DASH_OPERATOR and token.value in _UNARY_DASH
        ):
            self.take()
            self.skip_newlines()
            operand = self.parse_unary()
            op = token.text if token.kind is Kind.OPERATOR else "-" + str(token.value)
            return _fold_sign(
                nodes.UnaryOperation(token.start, operand.end, op, operand)
            )
        if token.is_operator("++", "--"):
            self.take()
            operand = self.parse_unary()
            return nodes.IncrementDecrement(
                token.start, operand.end, token.text, operand, True
            )
        if token.kind is Kind.COMMA:
            self.take()
            operand = self.parse_unary()
            return nodes.ArrayLiteral(token.start, operand.end, [operand])
        if token.kind is Kind.LBRACKET:
            return self._type_or_cast()
        return self.parse_postfix(self.parse_primary())

    def _type_or_cast(self) -> nodes.Node:
        start, name = self.parse_type_name()
        end = self.pos
        following = self.peek()
        if following.kind is Kind.COLONCOLON or following.kind is Kind.DOT:
            literal = nodes.TypeLiteral(start, end, name)
            return self.parse_postfix(literal)
        if following.kind in _OPERAND_START or following.is_operator("-", "+", "!"):
            operand = self.parse_unary()
            return nodes.Cast(start, operand.end, name, operand)
        return nodes.TypeLiteral(start, end, name)

    def parse_type_name(self) -> tuple[int, str]:
        """Consume `[Type.Name]` (with nested brackets) and return (start, name)."""
        start = self.peek().start
        depth, index = 0, start
        while index < len(self.source):
            char = self.source[index]
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    break
            elif char in "\n(":
                break
            index += 1
        if index >= len(self.source) or self.source[index] != "]":
            raise ParseError(
                "Missing ] at end of type token.",
                "EndSquareBracketExpectedAtEndOfType",
                start + 1,
            )
        self.pos = index + 1
        return start, self.source[start + 1 : index].strip()

    def parse_postfix(self, node: nodes.Node) -> nodes.Node:
        """Parse `.Member`, `::Member`, `.Method()`, `[index]`, `++` after a value."""
        while True:
            token = self.lexer.token(self.pos, Mode.EXPRESSION)
            if token.space_before:
                return node
            if token.kind in (Kind.DOT, Kind.COLONCOLON):
                node = self._member(node, token)
            elif token.kind is Kind.LBRACKET:
                self.take()
                self.skip_newlines()
                index = self.parse_expression()
                self.skip_newlines()
                close = self.expect(
                    Kind.RBRACKET,
                    "Array index expression is missing or not valid.",
                    "MissingArrayIndexExpression",
                )
                node = nodes.IndexAccess(node.start, close.end, node, index)
            elif token.is_operator("++", "--"):
                self.take()
                node = nodes.IncrementDecrement(
                    node.start, token.end, token.text, node, False
                )
            else:
                return node

    def _member(self, target: nodes.Node, operator: Token) -> nodes.Node:
        static = operator.kind is Kind.COLONCOLON
        self.pos = operator.end
        name_token = self.lexer.member_name(self.pos)
        member: str | nodes.Node
        if name_token is not None:
            member = name_token.text
            self.pos = name_token.end
        else:
            following = self.peek()
            if following.space_before or following.kind not in (
                Kind.VARIABLE,
                Kind.STRING,
                Kind.EXPANDABLE_STRING,
                Kind.LPAREN,
            ):
                raise self.error_at(
                    following,
                    "Missing property name after reference operator.",
                    "MissingPropertyName",
                )
            member = self.parse_primary()
        if isinstance(member, str) and self.source.startswith("(", self.pos):
            arguments, end = self._call_arguments()
            return nodes.MethodCall(
                target.start, end, target, member, arguments, static
            )
        return nodes.MemberAccess(target.start, self.pos, target, member, static)

    def _call_arguments(self) -> tuple[list[nodes.Node], int]:
        self.take()  # (
        arguments: list[nodes.Node] = []
        self.skip_newlines()
        if self.peek().kind is Kind.RPAREN:
            return arguments, self.take().end
        while True:
            self.skip_newlines()
            arguments.append(self.parse_expression(allow_comma=False))
            self.skip_newlines()
            token = self.take()
            if token.kind is Kind.RPAREN:
                return arguments, token.end
            if token.kind is not Kind.COMMA:
                raise self.error_at(
                    token,
                    "Missing ')' in method call.",
                    "MissingEndParenthesisInMethodCall",
                )

    def parse_primary(self) -> nodes.Node:
        """Parse a literal, variable, string, sub-expression, hash or script block."""
        token = self.peek()
        kind = token.kind
        if kind in (Kind.NUMBER, Kind.STRING):
            self.take()
            return nodes.Constant(token.start, token.end, token.value)
        if kind is Kind.VARIABLE:
            self.take()
            scope, name = token.value
            return nodes.Variable(token.start, token.end, name, scope)
        if kind is Kind.EXPANDABLE_STRING:
            self.take()
            return parse_expandable(self, token)
        if kind in (Kind.DOLLAR_PAREN, Kind.AT_PAREN):
            self.take()
            statements = self.parse_statement_list(Kind.RPAREN)
            end = self._close_parenthesis("Missing closing ')' in subexpression.")
            return nodes.SubExpression(
                token.start, end, statements, kind is Kind.AT_PAREN
            )
        if kind is Kind.LPAREN:
            self.take()
            self.skip_newlines()
            inner = self.parse_statement()
            self.skip_newlines()
            end = self._close_parenthesis("Missing closing ')' in expression.")
            return nodes.Parenthesized(token.start, end, inner)
        if kind is Kind.AT_BRACE:
            return self._hash_literal()
        if kind is Kind.LBRACE:
            return self.parse_script_block()
        raise self._missing_operand(token)

    def _missing_operand(self, token: Token) -> ParseError:
        before = self.source[: token.start].rstrip(" \t")
        for operator in ("-and", "-or", "+", "-", "*", "/", "=", ",", ".."):
            if before.lower().endswith(operator):
                return self.error_at(
                    token,
                    "You must provide a value expression following the "
                    f"'{operator}' operator.",
                    "ExpectedValueExpression",
                )
        return self.unexpected(token)

    def _close_parenthesis(self, message: str) -> int:
        self.skip_newlines()
        return self.expect(
            Kind.RPAREN, message, "MissingEndParenthesisInExpression"
        ).end

    def _hash_literal(self) -> nodes.HashLiteral:
        start = self.take().start
        entries: list[tuple[nodes.Node, nodes.Node]] = []
        while True:
            while self.peek().kind in (Kind.NEWLINE, Kind.SEMICOLON):
                self.take()
            token = self.peek()
            if token.kind is Kind.RBRACE:
                return nodes.HashLiteral(start, self.take().end, entries)
            if token.kind is Kind.EOF:
                raise ParseError(
                    "Missing closing '}' in statement block or type definition.",
                    "MissingEndCurlyBrace",
                    start,
                )
            key = self._hash_key()
            if not self.peek().is_operator("="):
                raise self.error_at(
                    self.peek(),
                    "Missing '=' operator after key in hash literal.",
                    "MissingEqualsInHashLiteral",
                )
            self.take()
            self.skip_newlines()
            entries.append((key, self.parse_statement()))

    def _hash_key(self) -> nodes.Node:
        token = self.peek(Mode.COMMAND)
        if token.kind in (Kind.WORD, Kind.NUMBER):
            self.take(Mode.COMMAND)
            word = token.text.split("=", 1)[0]
            self.pos = token.start + len(word)
            value = (
                token.value
                if token.kind is Kind.NUMBER and word == token.text
                else word
            )
            return nodes.Constant(token.start, self.pos, value)
        return self.parse_unary()


def _fold_sign(node: nodes.UnaryOperation) -> nodes.Node:
    """Turn `-5` into the constant -5, as PowerShell's parser does."""
    operand = node.operand
    if node.op == "-" and isinstance(operand, nodes.Constant):
        if isinstance(operand.value, int | float) and not isinstance(
            operand.value, bool
        ):
            return nodes.Constant(node.start, node.end, -operand.value)
    return node
