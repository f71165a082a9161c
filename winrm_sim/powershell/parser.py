"""Statement parser for the PowerShell subset."""

from __future__ import annotations

import re

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ParseError, unsupported
from winrm_sim.powershell.expression_parser import ExpressionParser
from winrm_sim.powershell.lexer import Lexer
from winrm_sim.powershell.tokens import Kind

ASSIGNMENT_OPERATORS = ("=", "+=", "-=", "*=", "/=")
_STATEMENT_END = (Kind.NEWLINE, Kind.SEMICOLON, Kind.RBRACE, Kind.RPAREN, Kind.EOF)
_ARGUMENT_END = (*_STATEMENT_END, Kind.PIPE, Kind.COMMA)
# Tokens that glue into one bareword argument when written without spaces.
_BAREWORD_KINDS = (Kind.WORD, Kind.NUMBER, Kind.DOT, Kind.DOTDOT, Kind.OPERATOR)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?$")
_UNSUPPORTED_KEYWORDS = {
    "while", "do", "for", "switch", "function", "filter", "workflow", "try",
    "catch", "finally", "trap", "throw", "return", "break", "continue", "param",
    "begin", "process", "end", "class", "enum", "until", "data", "dynamicparam",
    "using", "configuration",
}  # fmt: skip


def parse_script(source: str) -> list[nodes.Node]:
    """Parse a whole script or raise ParseError."""
    parser = Parser(source, Lexer(source).tokens())
    statements = parser.parse_statement_list(Kind.EOF)
    if parser.token.kind is not Kind.EOF:
        parser.fail_unexpected()
    return statements


class Parser(ExpressionParser):
    """Parses statements, pipelines and command calls."""

    def parse_statement_list(self, closing: Kind) -> list[nodes.Node]:
        """Parse statements until `closing` (not consumed) or EOF."""
        statements: list[nodes.Node] = []
        while True:
            while self.token.kind in (Kind.NEWLINE, Kind.SEMICOLON):
                self.advance()
            if self.token.kind in (closing, Kind.EOF):
                return statements
            statements.append(self.parse_statement())
            if self.token.kind not in _STATEMENT_END:
                self.fail_unexpected()

    def parse_statement(self) -> nodes.Node:
        """Parse one statement."""
        token = self.token
        if token.kind is Kind.WORD:
            keyword = token.text.lower()
            if keyword == "if":
                return self._if_statement()
            if keyword == "foreach" and self.peek().kind is Kind.LPAREN:
                return self._foreach_statement()
            if keyword == "exit":
                return self._exit_statement()
            if keyword in _UNSUPPORTED_KEYWORDS:
                raise unsupported(f"the '{keyword}' keyword", token.start, token.end)
        if token.kind is Kind.VARIABLE and self.peek().is_operator(
            *ASSIGNMENT_OPERATORS
        ):
            return self._assignment()
        return self.parse_pipeline()

    def parse_pipeline(self) -> nodes.Node:
        """Parse `element | command | ...`."""
        elements = [self._pipeline_element(first=True)]
        while self.token.kind is Kind.PIPE:
            self.advance()
            self.skip_newlines()
            elements.append(self._pipeline_element(first=False))
        if len(elements) == 1:
            return elements[0]
        return nodes.Pipeline(elements[0].start, elements[-1].end, elements)

    def _pipeline_element(self, first: bool) -> nodes.Node:
        token = self.token
        if token.kind is Kind.WORD or (not first and token.is_operator("%")):
            return self._command()
        if token.kind is Kind.DOT:
            raise unsupported("dot-sourcing (.)", token.start, token.end)
        if not first:
            raise ParseError(
                "Expressions are only allowed as the first element of a pipeline.",
                "ExpressionsMustBeFirstInPipeline",
                token.start,
                token.end,
            )
        return self.parse_expression()

    def _command(self) -> nodes.CommandCall:
        name = self.advance()
        arguments: list[nodes.Node] = []
        while self.token.kind not in (*_STATEMENT_END, Kind.PIPE):
            arguments.append(self._command_argument())
        end = arguments[-1].end if arguments else name.end
        text = self.source[name.start : end]
        return nodes.CommandCall(name.start, end, name.text, arguments, text)

    def _command_argument(self) -> nodes.Node:
        token = self.token
        if token.kind is Kind.DASHWORD:
            self.advance()
            name = str(token.value)
            if token.text.endswith(":"):
                value = self._argument_value()
                return nodes.Parameter(token.start, value.end, name, value)
            return nodes.Parameter(token.start, token.end, name)

        value = self._argument_value()
        if self.token.kind is not Kind.COMMA:
            return value
        items = [value]
        while self.token.kind is Kind.COMMA:
            self.advance()
            self.skip_newlines()
            items.append(self._argument_value())
        return nodes.ArrayLiteral(items[0].start, items[-1].end, items)

    def _argument_value(self) -> nodes.Node:
        token = self.token
        if token.kind in _BAREWORD_KINDS:
            return self._bareword()
        if token.kind in _ARGUMENT_END or token.kind is Kind.UNSUPPORTED:
            self.fail_unexpected()
        return self.parse_postfix(self.parse_primary())

    def _bareword(self) -> nodes.Constant:
        first = self.advance()
        end = first.end
        while self.token.kind in _BAREWORD_KINDS and not self.token.space_before:
            end = self.advance().end
        text = self.source[first.start : end]
        if _NUMBER.match(text):
            value: object = float(text) if "." in text else int(text)
            return nodes.Constant(first.start, end, value)
        return nodes.Constant(first.start, end, text)

    def _assignment(self) -> nodes.Assignment:
        target_token = self.advance()
        scope, name = target_token.value
        target = nodes.Variable(target_token.start, target_token.end, name, scope)
        op = self.advance().text
        self.skip_newlines()
        if self.token.kind in _STATEMENT_END:
            self.fail_unexpected(
                f"You must provide a value expression following the '{op}' operator.",
                "ExpectedValueExpression",
            )
        value = self.parse_statement()
        return nodes.Assignment(target.start, value.end, target, op, value)

    def _if_statement(self) -> nodes.IfStatement:
        start = self.advance().start
        clauses = [self._condition_and_block("if")]
        else_body = None
        while True:
            saved = self.index
            self.skip_newlines()
            if self.token.is_word("elseif"):
                self.advance()
                clauses.append(self._condition_and_block("elseif"))
            elif self.token.is_word("else"):
                self.advance()
                self.skip_newlines()
                else_body = self._block("else")
                break
            else:
                self.index = saved
                break
        end = self.peek(-1).end
        return nodes.IfStatement(start, end, clauses, else_body)

    def _condition_and_block(self, keyword: str) -> tuple[nodes.Node, list[nodes.Node]]:
        self.skip_newlines()
        self.expect(
            Kind.LPAREN,
            f"Missing '(' after '{keyword}' in if statement.",
            "MissingOpenParenthesisInIfStatement",
        )
        self.skip_newlines()
        condition = self.parse_pipeline()
        self.skip_newlines()
        self.expect(
            Kind.RPAREN,
            f"Missing closing ')' after expression in '{keyword}' statement.",
            "MissingEndParenthesisInIfStatement",
        )
        self.skip_newlines()
        return condition, self._block(keyword)

    def _block(self, keyword: str) -> list[nodes.Node]:
        if self.token.kind is not Kind.LBRACE:
            self.fail_unexpected(
                f"Missing statement block after {keyword}.", "MissingStatementBlock"
            )
        return self.parse_script_block().statements

    def _foreach_statement(self) -> nodes.ForeachStatement:
        start = self.advance().start
        self.advance()
        self.skip_newlines()
        variable_token = self.expect(
            Kind.VARIABLE,
            "Missing variable name after foreach.",
            "MissingVariableNameAfterForeach",
        )
        scope, name = variable_token.value
        variable = nodes.Variable(variable_token.start, variable_token.end, name, scope)
        if not self.token.is_word("in"):
            self.fail_unexpected(
                "Missing 'in' after variable in foreach loop.", "MissingInInForeach"
            )
        self.advance()
        self.skip_newlines()
        iterable = self.parse_pipeline()
        self.skip_newlines()
        self.expect(
            Kind.RPAREN,
            "Missing closing ')' in foreach statement.",
            "MissingEndParenthesisAfterForeach",
        )
        self.skip_newlines()
        body = self._block("foreach")
        return nodes.ForeachStatement(
            start, self.peek(-1).end, variable, iterable, body
        )

    def _exit_statement(self) -> nodes.ExitStatement:
        token = self.advance()
        if self.token.kind in (*_STATEMENT_END, Kind.PIPE):
            return nodes.ExitStatement(token.start, token.end)
        value = self.parse_expression()
        return nodes.ExitStatement(token.start, value.end, value)
