"""Command part of the parser: pipelines, command names, arguments, redirections."""

from __future__ import annotations

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ParseError
from winrm_sim.powershell.expression_parser import ExpressionParser
from winrm_sim.powershell.scanning import number_value
from winrm_sim.powershell.strings import parse_bare_word
from winrm_sim.powershell.tokens import Kind, Mode, Token

STATEMENT_END = (Kind.NEWLINE, Kind.SEMICOLON, Kind.RBRACE, Kind.RPAREN, Kind.EOF)
_ARGUMENT_END = (*STATEMENT_END, Kind.PIPE)
_ASSIGNABLE = (
    nodes.Variable,
    nodes.MemberAccess,
    nodes.IndexAccess,
    nodes.Cast,
    nodes.ArrayLiteral,
)
ASSIGNMENT_OPERATORS = ("=", "+=", "-=", "*=", "/=", "%=")
_WORD_TERMINATORS = " \t\r\n;|&(){}<>,"


class CommandParser(ExpressionParser):
    """Parses pipelines and command calls in command mode."""

    def parse_pipeline(self) -> nodes.Node:
        """Parse `element | command | ...`, or an assignment."""
        first = self._pipeline_element(first=True)
        if isinstance(first, nodes.CommandExpression) and not first.redirections:
            token = self.peek()
            if token.is_operator(*ASSIGNMENT_OPERATORS):
                return self._assignment(first.expression, token)
        elements = [first]
        while self.peek().kind is Kind.PIPE:
            self.take()
            self.skip_newlines()
            elements.append(self._pipeline_element(first=False))
        if len(elements) == 1 and isinstance(first, nodes.CommandExpression):
            if not first.redirections:
                return first.expression
        return nodes.Pipeline(elements[0].start, elements[-1].end, elements)

    def _assignment(self, target: nodes.Node, operator: Token) -> nodes.Node:
        if not isinstance(target, _ASSIGNABLE):
            raise ParseError(
                "The assignment expression is not valid. The input to an assignment "
                "operator must be an object that is able to accept assignments, such "
                "as a variable or a property.",
                "InvalidLeftHandSide",
                target.start,
                target.end,
            )
        self.take()
        self.skip_newlines()
        if self.peek().kind in STATEMENT_END:
            raise self.error_at(
                self.peek(),
                f"You must provide a value expression following the '{operator.text}' "
                "operator.",
                "ExpectedValueExpression",
            )
        value = self.parse_statement()
        return nodes.Assignment(target.start, value.end, target, operator.text, value)

    def _pipeline_element(self, first: bool) -> nodes.Node:
        token = self.peek()
        if token.kind is Kind.AMPERSAND or self._is_dot_source(token):
            return self._command(invocation=self.take().text)
        if token.kind is Kind.WORD and not token.text.startswith(":"):
            return self._command(invocation="")
        if token.is_operator("%") or token.is_operator("?"):
            return self._command(invocation="")
        if not first:
            raise self.error_at(
                token,
                "Expressions are only allowed as the first element of a pipeline.",
                "ExpressionsMustBeFirstInPipeline",
            )
        expression = self.parse_expression()
        redirections = self._redirections()
        return nodes.CommandExpression(
            expression.start, self.pos, expression, redirections
        )

    def _is_dot_source(self, token: Token) -> bool:
        if token.kind is not Kind.DOT:
            return False
        following = self.source[token.end : token.end + 1]
        return following in (" ", "\t", "{", "(", "$", "'", '"', "&")

    def _command(self, invocation: str) -> nodes.Command:
        start = self.peek(Mode.COMMAND).start
        name = self._command_name(invocation)
        elements: list[nodes.Node] = []
        redirections: list[nodes.Redirection] = []
        while True:
            token = self.peek(Mode.COMMAND)
            if token.kind in _ARGUMENT_END:
                break
            if token.kind is Kind.AMPERSAND or token.text.startswith("&&"):
                raise self.unexpected(token)
            if token.kind is Kind.REDIRECTION:
                redirections.append(self._redirection())
            elif token.kind is Kind.PARAMETER:
                elements.append(self._parameter(token))
            else:
                elements.append(self.parse_command_argument())
        end = max([name.end] + [node.end for node in (*elements, *redirections)])
        return nodes.Command(start, end, name, elements, invocation, redirections)

    def _command_name(self, invocation: str) -> nodes.Node:
        token = self.peek(Mode.COMMAND)
        if token.kind is Kind.WORD:
            self.take(Mode.COMMAND)
            return nodes.Constant(
                token.start, token.end, _unescape(token.text), bare=True
            )
        if token.kind in (Kind.STRING, Kind.NUMBER):
            self.take(Mode.COMMAND)
            return nodes.Constant(token.start, token.end, str(token.value))
        if invocation and token.kind not in _ARGUMENT_END:
            return self.parse_postfix(self.parse_primary())
        raise self.error_at(
            token,
            f"Missing expression after '{invocation or 'command'}'.",
            "MissingExpression",
        )

    def _parameter(self, token: Token) -> nodes.CommandParameter:
        self.take(Mode.COMMAND)
        name, colon = token.value
        if not colon:
            return nodes.CommandParameter(token.start, token.end, name)
        if self.peek(Mode.COMMAND).kind in _ARGUMENT_END:
            raise self.error_at(
                token,
                f"The parameter '-{name}' requires an argument.",
                "ParameterRequiresArgument",
            )
        value = self.parse_command_argument()
        return nodes.CommandParameter(token.start, value.end, name, value, colon=True)

    def parse_command_argument(self) -> nodes.Node:
        """Parse one argument, or `a, b, c` as an array argument."""
        first = self._single_argument()
        if self.peek(Mode.COMMAND).kind is not Kind.COMMA:
            return first
        items = [first]
        while self.peek(Mode.COMMAND).kind is Kind.COMMA:
            self.take(Mode.COMMAND)
            self.skip_newlines()
            items.append(self._single_argument())
        return nodes.ArrayLiteral(first.start, items[-1].end, items)

    def _single_argument(self) -> nodes.Node:
        token = self.peek(Mode.COMMAND)
        if token.kind is Kind.SPLAT:
            self.take(Mode.COMMAND)
            return nodes.Splat(token.start, token.end, str(token.value))
        if token.kind in (Kind.WORD, Kind.LBRACKET, Kind.DOT, Kind.RBRACKET):
            return self._bare_word(token.start)
        if token.kind is Kind.NUMBER:
            self.take(Mode.COMMAND)
            return nodes.Constant(token.start, token.end, token.value)
        if token.kind is Kind.PARAMETER:
            return self._bare_word(token.start)
        if token.kind is Kind.COMMA or token.kind in _ARGUMENT_END:
            raise self.error_at(
                token,
                "Missing argument in parameter list.",
                "MissingArgument",
            )
        node = self.parse_postfix(self.parse_primary())
        if self._word_continues():
            # `$env:TEMP\file.txt` is one argument: the variable plus text.
            return self._bare_word(token.start)
        return node

    def _word_continues(self) -> bool:
        following = self.source[self.pos : self.pos + 1]
        return following != "" and following not in _WORD_TERMINATORS

    def _bare_word(self, start: int) -> nodes.Node:
        end = start
        source = self.source
        while end < len(source) and source[end] not in _WORD_TERMINATORS:
            if source[end] == "`" and end + 1 < len(source):
                end += 2
                continue
            if source[end] in "'\"":
                closing = source.find(source[end], end + 1)
                end = len(source) if closing == -1 else closing + 1
                continue
            end += 1
        self.pos = end
        text = source[start:end]
        signed = text[1:] if text[:1] == "-" else text
        if signed and signed[0].isdigit() and "$" not in text:
            try:
                value = number_value(signed)
            except ValueError:
                pass
            else:
                return nodes.Constant(start, end, -value if text[:1] == "-" else value)
        if any(quote in text for quote in "'\""):
            return self._quoted_word(start, end)
        return parse_bare_word(self, start, end)

    def _quoted_word(self, start: int, end: int) -> nodes.Node:
        # A word such as a"b c"d: quoted pieces lose their quotes.
        text = self.source[start:end]
        pieces: list[str] = []
        index = 0
        while index < len(text):
            char = text[index]
            if char in "'\"":
                closing = text.find(char, index + 1)
                closing = len(text) if closing == -1 else closing
                pieces.append(text[index + 1 : closing])
                index = closing + 1
            else:
                pieces.append(char)
                index += 1
        return nodes.Constant(start, end, "".join(pieces), bare=True)

    def _redirections(self) -> list[nodes.Redirection]:
        redirections = []
        while self.peek(Mode.COMMAND).kind is Kind.REDIRECTION:
            redirections.append(self._redirection())
        return redirections

    def _redirection(self) -> nodes.Redirection:
        token = self.take(Mode.COMMAND)
        text = token.text
        if text.startswith("<"):
            raise ParseError(
                "The '<' operator is reserved for future use.",
                "RedirectionNotSupported",
                token.start,
            )
        stream = text[0] if text[0] in "123456*" else "1"
        if "&" in text:
            return nodes.Redirection(token.start, token.end, stream, merge=True)
        append = ">>" in text
        if self.peek(Mode.COMMAND).kind in _ARGUMENT_END:
            raise self.error_at(
                token,
                "Missing file specification after redirection operator.",
                "MissingFileSpecification",
            )
        target = self._single_argument()
        return nodes.Redirection(token.start, target.end, stream, append, target)


def _unescape(text: str) -> str:
    result = []
    index = 0
    while index < len(text):
        if text[index] == "`" and index + 1 < len(text):
            result.append(text[index + 1])
            index += 2
        else:
            result.append(text[index])
            index += 1
    return "".join(result)
