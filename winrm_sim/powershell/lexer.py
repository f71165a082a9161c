"""Split PowerShell script text into tokens."""

from __future__ import annotations

import re

from winrm_sim.powershell.errors import ParseError
from winrm_sim.powershell.tokens import Kind, Token

_SINGLE_CHARACTER = {
    "(": Kind.LPAREN,
    ")": Kind.RPAREN,
    "{": Kind.LBRACE,
    "}": Kind.RBRACE,
    "|": Kind.PIPE,
    ",": Kind.COMMA,
    ";": Kind.SEMICOLON,
}
_OPERATORS = ("+=", "-=", "*=", "/=", "+", "-", "*", "/", "%", "=", "!")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?![\w.]*[A-Za-z_])")
_SCOPES = r"(?:(env|global|script|local|private):)?"
_VARIABLE = re.compile(rf"\${_SCOPES}([A-Za-z_]\w*|_|\?)", re.IGNORECASE)
_BRACED_VARIABLE = re.compile(rf"\$\{{{_SCOPES}([^}}]+)\}}", re.IGNORECASE)
_DASHWORD = re.compile(r"-([A-Za-z_][\w]*)(:?)")
# Call operator, redirection and type literals are outside the subset.
_UNSUPPORTED_CHARACTERS = "[]&<>"
_WORD_END = set(" \t\r\n(){};|,'\"$") | set(_UNSUPPORTED_CHARACTERS)


class Lexer:
    """Scanner over one script. `tokens()` returns the whole token list."""

    def __init__(self, source: str, start: int = 0, end: int | None = None) -> None:
        # The lexer reads source[start:end] but reports offsets into all of source.
        self.source = source[: len(source) if end is None else end]
        self.pos = start
        self.space_before = True

    def tokens(self) -> list[Token]:
        """Return all tokens, ending with EOF."""
        result: list[Token] = []
        while True:
            token = self._next()
            result.append(token)
            if token.kind is Kind.EOF:
                return result

    def _next(self) -> Token:
        self._skip_blanks()
        start = self.pos
        if start >= len(self.source):
            return self._token(Kind.EOF, start, start)

        character = self.source[start]
        if character == "\n":
            return self._token(Kind.NEWLINE, start, start + 1)
        if character in _SINGLE_CHARACTER:
            return self._token(_SINGLE_CHARACTER[character], start, start + 1)
        if character == "'":
            return self._single_quoted(start)
        if character == '"':
            return self._double_quoted(start)
        if character in "$@":
            return self._sigil(start)
        if character == ".":
            return self._dot(start)
        if character.isdigit():
            return self._number_or_word(start)
        if character == "-" and _DASHWORD.match(self.source, start):
            return self._dashword(start)
        for operator in _OPERATORS:
            if self.source.startswith(operator, start):
                return self._token(Kind.OPERATOR, start, start + len(operator))
        if character in _UNSUPPORTED_CHARACTERS:
            return self._token(Kind.UNSUPPORTED, start, start + 1)
        return self._word(start)

    def _token(self, kind: Kind, start: int, end: int, value: object = None) -> Token:
        token = Token(
            kind, self.source[start:end], start, end, self.space_before, value
        )
        self.pos = end
        self.space_before = False
        return token

    def _skip_blanks(self) -> None:
        source = self.source
        while self.pos < len(source):
            character = source[self.pos]
            if character in " \t\r\f\v\ufeff":
                self.pos += 1
            elif source.startswith("`\n", self.pos) or source.startswith(
                "`\r\n", self.pos
            ):
                self.pos = source.index("\n", self.pos) + 1
            elif source.startswith("<#", self.pos):
                end = source.find("#>", self.pos + 2)
                if end == -1:
                    raise ParseError(
                        "Missing the terminator: #>.", "MissingEndOfComment", self.pos
                    )
                self.pos = end + 2
            elif character == "#":
                end = source.find("\n", self.pos)
                self.pos = len(source) if end == -1 else end
            else:
                return
            self.space_before = True

    def _single_quoted(self, start: int) -> Token:
        index = start + 1
        parts: list[str] = []
        while True:
            end = self.source.find("'", index)
            if end == -1:
                raise ParseError(
                    "The string is missing the terminator: '.",
                    "TerminatorExpectedAtEndOfString",
                    start,
                )
            parts.append(self.source[index:end])
            if self.source.startswith("''", end):
                parts.append("'")
                index = end + 2
                continue
            return self._token(Kind.STRING, start, end + 1, "".join(parts))

    def _double_quoted(self, start: int) -> Token:
        end = scan_double_quoted(self.source, start + 1)
        if end is None:
            raise ParseError(
                'The string is missing the terminator: ".',
                "TerminatorExpectedAtEndOfString",
                start,
            )
        body = self.source[start + 1 : end]
        return self._token(Kind.EXPANDABLE_STRING, start, end + 1, body)

    def _sigil(self, start: int) -> Token:
        source = self.source
        if source.startswith("$(", start):
            return self._token(Kind.SUBEXPRESSION, start, start + 2)
        if source.startswith("@(", start):
            return self._token(Kind.ARRAY_SUBEXPRESSION, start, start + 2)
        variable = match_variable(source, start)
        if variable is not None:
            scope, name, end = variable
            return self._token(Kind.VARIABLE, start, end, (scope, name))
        return self._token(Kind.UNSUPPORTED, start, start + 1)

    def _dot(self, start: int) -> Token:
        if self.source.startswith("..", start):
            return self._token(Kind.DOTDOT, start, start + 2)
        return self._token(Kind.DOT, start, start + 1)

    def _number_or_word(self, start: int) -> Token:
        match = _NUMBER.match(self.source, start)
        if match is None:
            return self._word(start)
        text = match[0]
        value: object = float(text) if "." in text else int(text)
        return self._token(Kind.NUMBER, start, match.end(), value)

    def _dashword(self, start: int) -> Token:
        match = _DASHWORD.match(self.source, start)
        assert match is not None
        return self._token(Kind.DASHWORD, start, match.end(), match[1])

    def _word(self, start: int) -> Token:
        index = start
        while index < len(self.source) and self.source[index] not in _WORD_END:
            index += 1
        index = max(index, start + 1)
        return self._token(Kind.WORD, start, index)


def scan_double_quoted(source: str, index: int) -> int | None:
    """Return the offset of the closing quote of a string body starting at `index`.

    Backtick escapes, doubled quotes and quotes inside `$( )` do not end it.
    """
    while index < len(source):
        character = source[index]
        if character == "`":
            index += 2
            continue
        if character == '"':
            if source.startswith('""', index):
                index += 2
                continue
            return index
        if source.startswith("$(", index):
            end = scan_parenthesis(source, index + 1)
            if end is None:
                return None
            index = end + 1
            continue
        index += 1
    return None


def scan_parenthesis(source: str, index: int) -> int | None:
    """Return the offset of the `)` matching the `(` at `index`, skipping strings."""
    depth = 0
    while index < len(source):
        character = source[index]
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                return index
        elif character == "'":
            end = source.find("'", index + 1)
            index = len(source) if end == -1 else end
        elif character == '"':
            end = scan_double_quoted(source, index + 1)
            index = len(source) if end is None else end
        index += 1
    return None


def match_variable(source: str, index: int) -> tuple[str | None, str, int] | None:
    """Match `$name`, `$env:NAME` or `${name}` at `index`: (scope, name, end)."""
    match = _BRACED_VARIABLE.match(source, index) or _VARIABLE.match(source, index)
    if match is None:
        return None
    scope = (match[1] or "").lower() or None
    return scope, match[2], match.end()
