"""Script block bodies: attributes, `param()` blocks, named blocks and functions."""

from __future__ import annotations

import re

from winrm_sim.powershell import nodes
from winrm_sim.powershell.command_parser import CommandParser
from winrm_sim.powershell.errors import ParseError
from winrm_sim.powershell.tokens import Kind, Mode

_ATTRIBUTE = re.compile(r"\[\s*([A-Za-z_][\w.]*)\s*\(")
_NAMED_BLOCKS = ("begin", "process", "end")


class ScriptBlockParser(CommandParser):
    """Parses `{ }` bodies, `param()` blocks and function definitions."""

    def parse_script_block(self) -> nodes.ScriptBlockExpression:
        """Parse `{ ... }` as a value."""
        opening = self.take()
        body = self.parse_body(Kind.RBRACE, opening.end)
        end = self.close_brace(opening.start)
        body.start, body.end = opening.start, end
        return nodes.ScriptBlockExpression(opening.start, end, body)

    def close_brace(self, opening: int) -> int:
        """Consume `}` (provided by the statement parser)."""
        raise NotImplementedError

    def block(self, keyword: str) -> list[nodes.Node]:
        """Parse `{ statements }` (provided by the statement parser)."""
        raise NotImplementedError

    def parse_body(self, closing: Kind, start: int) -> nodes.ScriptBlockBody:
        """Parse the inside of a script block up to `closing` (not consumed)."""
        self._skip_separators()
        cmdlet_binding = self._attributes()
        parameters = None
        token = self.peek()
        if token.is_word("param") and self._next_char_after(token.end) == "(":
            self.take()
            self.skip_newlines()
            parameters = self._parameter_list(self.take())
            self._skip_separators()
        elif cmdlet_binding:
            raise self.error_at(
                token, "Unexpected attribute 'CmdletBinding'.", "UnexpectedAttribute"
            )
        body = nodes.ScriptBlockBody(
            start, start, parameters, cmdlet_binding=cmdlet_binding
        )
        if self._named_block_follows():
            self._named_blocks(body, closing)
        else:
            body.end_block = self.parse_statement_list(closing)
        body.text = self.source[start : self.peek().start]
        return body

    def _skip_separators(self) -> None:
        while (token := self.peek()).kind in (Kind.NEWLINE, Kind.SEMICOLON):
            self.pos = token.end

    def _next_char_after(self, index: int) -> str:
        return self.source[
            self.lexer.skip_blanks(index) : self.lexer.skip_blanks(index) + 1
        ]

    def _attributes(self) -> bool:
        cmdlet_binding = False
        while True:
            start = self.peek().start
            match = _ATTRIBUTE.match(self.source, start)
            if match is None or match[1].lower() not in ("cmdletbinding", "outputtype"):
                return cmdlet_binding
            cmdlet_binding |= match[1].lower() == "cmdletbinding"
            self.pos = match.end() - 1
            self._attribute_arguments()
            self.skip_newlines()
            self.expect(
                Kind.RBRACKET,
                "Missing ']' after attribute.",
                "EndSquareBracketExpected",
            )
            self._skip_separators()

    def _named_block_follows(self) -> bool:
        token = self.peek()
        return token.is_word(*_NAMED_BLOCKS) and self._next_char_after(token.end) in (
            "{",
            "\n",
            "\r",
        )

    def _named_blocks(self, body: nodes.ScriptBlockBody, closing: Kind) -> None:
        while True:
            self._skip_separators()
            token = self.peek()
            if token.kind in (closing, Kind.EOF):
                return
            if not token.is_word(*_NAMED_BLOCKS):
                raise self.unexpected(token)
            self.take()
            statements = self.block(token.text.lower())
            setattr(body, f"{token.text.lower()}_block", statements)

    def parse_function(self) -> nodes.FunctionDefinition:
        """Parse `function Name [(params)] { body }` or `filter ...`."""
        keyword = self.take()
        name_token = self.take(Mode.COMMAND)
        if name_token.kind not in (Kind.WORD, Kind.NUMBER):
            raise self.error_at(
                name_token,
                "Missing function name after function keyword.",
                "MissingNameAfterKeyword",
            )
        name = (
            name_token.text.split(":", 1)[-1]
            if ":" in name_token.text
            else name_token.text
        )
        parameters = None
        self.skip_newlines()
        if self.peek().kind is Kind.LPAREN:
            parameters = self._parameter_list(self.take())
            self.skip_newlines()
        opening = self.peek()
        if opening.kind is not Kind.LBRACE:
            raise self.error_at(
                opening,
                "Missing function body in function declaration.",
                "MissingFunctionBody",
            )
        block = self.parse_script_block()
        body = block.body
        if parameters is not None:
            if body.parameters is not None:
                raise ParseError(
                    "A function cannot use both a param block and a parameter list.",
                    "OnlyOneParameterListAllowed",
                    opening.start,
                )
            body.parameters = parameters
        is_filter = keyword.text.lower() == "filter"
        if is_filter and body.process_block is None:
            body.process_block, body.end_block = body.end_block, []
        return nodes.FunctionDefinition(keyword.start, block.end, name, body, is_filter)

    def _parameter_list(self, opening) -> list[nodes.ParameterDefinition]:  # noqa: ANN001
        parameters: list[nodes.ParameterDefinition] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token.kind is Kind.RPAREN:
                self.take()
                return parameters
            if token.kind is Kind.EOF:
                raise ParseError(
                    "Missing ')' in function parameter list.",
                    "MissingEndParenthesisInFunctionParameterList",
                    opening.start,
                )
            parameters.append(self._param_definition())
            self.skip_newlines()
            if self.peek().kind is Kind.COMMA:
                self.take()
            elif self.peek().kind is not Kind.RPAREN:
                raise self.error_at(
                    self.peek(),
                    "Missing ')' in function parameter list.",
                    "MissingEndParenthesisInFunctionParameterList",
                )

    def _param_definition(self) -> nodes.ParameterDefinition:
        start = self.peek().start
        definition = nodes.ParameterDefinition(start, start, "")
        while self.peek().kind is Kind.LBRACKET:
            self._parameter_attribute(definition)
            self.skip_newlines()
        token = self.expect(
            Kind.VARIABLE,
            "Missing variable name in parameter list.",
            "InvalidFunctionParameter",
        )
        definition.name = token.value[1]
        self.skip_newlines()
        if self.peek().is_operator("="):
            self.take()
            self.skip_newlines()
            definition.default = self.parse_expression(allow_comma=False)
        definition.end = self.pos
        return definition

    def _parameter_attribute(self, definition: nodes.ParameterDefinition) -> None:
        start = self.peek().start
        match = _ATTRIBUTE.match(self.source, start)
        if match is None:
            definition.type_name = self.parse_type_name()[1]
            return
        self.pos = match.end() - 1
        name = match[1].lower()
        arguments = self._attribute_arguments()
        self.skip_newlines()
        self.expect(
            Kind.RBRACKET, "Missing ']' after attribute.", "EndSquareBracketExpected"
        )
        if name in ("parameter", "system.management.automation.parameter"):
            for key, value in arguments:
                key = (key or "").lower()
                if key == "mandatory":
                    definition.mandatory = _flag(value)
                elif key == "position" and isinstance(value, nodes.Constant):
                    definition.position = int(value.value)  # type: ignore[arg-type]
                elif key == "valuefrompipeline":
                    definition.value_from_pipeline = _flag(value)
        elif name == "validateset":
            definition.validate_set = [
                value for _, value in arguments if value is not None
            ]
        elif name == "alias":
            definition.aliases = [
                str(value.value)
                for _, value in arguments
                if isinstance(value, nodes.Constant)
            ]

    def _attribute_arguments(self) -> list[tuple[str | None, nodes.Node | None]]:
        self.take()  # (
        arguments: list[tuple[str | None, nodes.Node | None]] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token.kind is Kind.RPAREN:
                self.take()
                return arguments
            if token.kind is Kind.WORD:
                self.take()
                if self.peek().is_operator("="):
                    self.take()
                    self.skip_newlines()
                    arguments.append(
                        (token.text, self.parse_expression(allow_comma=False))
                    )
                else:
                    arguments.append((token.text, None))
            else:
                arguments.append((None, self.parse_expression(allow_comma=False)))
            self.skip_newlines()
            if self.peek().kind is Kind.COMMA:
                self.take()


def _flag(value: nodes.Node | None) -> bool:
    if value is None:
        return True
    if isinstance(value, nodes.Variable):
        return value.name.lower() == "true"
    if isinstance(value, nodes.Constant):
        return bool(value.value)
    return True
