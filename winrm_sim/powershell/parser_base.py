"""Token access and error helpers shared by the parts of the parser."""

from __future__ import annotations

from winrm_sim.powershell import nodes
from winrm_sim.powershell.errors import ParseError
from winrm_sim.powershell.lexer import Lexer
from winrm_sim.powershell.tokens import Kind, Mode, Token


class ParserBase:
    """Position in the script, token helpers and the parse errors they raise."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lexer = Lexer(source)
        self.pos = 0

    # Token helpers

    def peek(self, mode: Mode = Mode.EXPRESSION) -> Token:
        """Return the token at the current position without consuming it."""
        return self.lexer.token(self.pos, mode)

    def take(self, mode: Mode = Mode.EXPRESSION) -> Token:
        """Consume and return the current token."""
        token = self.peek(mode)
        self.pos = token.end
        return token

    def expect(self, kind: Kind, message: str, error_id: str) -> Token:
        """Consume a token of `kind` or raise a parse error at the current token."""
        token = self.peek()
        if token.kind is not kind:
            raise self.error_at(token, message, error_id)
        return self.take()

    def skip_newlines(self) -> None:
        """Skip NEWLINE tokens."""
        while (token := self.peek()).kind is Kind.NEWLINE:
            self.pos = token.end

    def error_at(self, token: Token, message: str, error_id: str) -> ParseError:
        """Return a parse error pointing at a token (or at the end of the script)."""
        return ParseError(
            message, error_id, token.start, max(token.end, token.start + 1)
        )

    def unexpected(self, token: Token | None = None) -> ParseError:
        """Return PowerShell's error for an unexpected token."""
        token = token or self.peek()
        if token.kind is Kind.EOF:
            return self.error_at(token, "Missing expression.", "ExpectedExpression")
        if token.text in ("&&", "||") or self.source.startswith(
            ("&&", "||"), token.start
        ):
            text = self.source[token.start : token.start + 2]
            return ParseError(
                f"The token '{text}' is not a valid statement separator in this "
                "version.",
                "InvalidEndOfLine",
                token.start,
                token.start + 2,
            )
        return self.error_at(
            token,
            f"Unexpected token '{token.text}' in expression or statement.",
            "UnexpectedToken",
        )

    # Provided by the statement parser

    def parse_statement(self) -> nodes.Node:
        """Parse one statement (provided by the statement parser)."""
        raise NotImplementedError

    def parse_statement_list(self, closing: Kind) -> list[nodes.Node]:
        """Parse statements up to a closing token (provided by the subclass)."""
        raise NotImplementedError

    def parse_script_block(self) -> nodes.ScriptBlockExpression:
        """Parse `{ ... }` (provided by the subclass)."""
        raise NotImplementedError

    def parse_command_argument(self) -> nodes.Node:
        """Parse one command-mode argument (provided by the subclass)."""
        raise NotImplementedError
