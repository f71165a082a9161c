"""Split PowerShell script text into tokens, one at a time and by mode."""

from __future__ import annotations

import re

from winrm_sim.powershell.errors import ParseError
from winrm_sim.powershell.scanning import (
    NUMBER,
    find_any,
    match_variable,
    number_value,
    scan_double_quoted,
)
from winrm_sim.powershell.tokens import (
    DASHES,
    DOUBLE_QUOTES,
    SINGLE_QUOTES,
    Kind,
    Mode,
    Token,
)

_CASE_VARIANTS = (
    "eq ne gt ge lt le like notlike match notmatch replace contains notcontains "
    "in notin split"
).split()
DASH_OPERATORS = frozenset(
    [*_CASE_VARIANTS]
    + [prefix + name for name in _CASE_VARIANTS for prefix in ("c", "i")]
    + "is isnot as join f and or xor not band bor bxor bnot shl shr".split()
)
_SINGLE = {
    "(": Kind.LPAREN,
    ")": Kind.RPAREN,
    "{": Kind.LBRACE,
    "}": Kind.RBRACE,
    "]": Kind.RBRACKET,
    "|": Kind.PIPE,
    ",": Kind.COMMA,
    ";": Kind.SEMICOLON,
}
_OPERATORS = (
    "++",
    "--",
    "+=",
    "-=",
    "*=",
    "/=",
    "%=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "=",
    "!",
)
_REDIRECTION = re.compile(r"(?:[1-6*]?>>|[1-6*]?>(?:&[12])?)")
_MEMBER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAMETER = re.compile(rf"[{DASHES}]([A-Za-z_?][\w-]*)(:?)")
_SPLAT = re.compile(r"@([A-Za-z_]\w*)")
_EXPRESSION_WORD_END = set(" \t\r\n\f\v;|&(){}<>,'\"$=[]+*/%!") | set(
    SINGLE_QUOTES + DOUBLE_QUOTES
)
_COMMAND_WORD_END = set(" \t\r\n\f\v;|&(){}<>,") | set(SINGLE_QUOTES + DOUBLE_QUOTES)
_BLANKS = " \t\r\f\v\ufeff\u00a0"


class Lexer:
    """On-demand scanner: `token(pos, mode)` returns the token at `pos`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._cache: dict[tuple[int, Mode], Token] = {}

    def token(self, pos: int, mode: Mode) -> Token:
        """Return the token that starts at or after `pos` in the given mode."""
        key = (pos, mode)
        token = self._cache.get(key)
        if token is None:
            token = self._scan(pos, mode)
            self._cache[key] = token
        return token

    def _scan(self, pos: int, mode: Mode) -> Token:
        start = self.skip_blanks(pos)
        space = start != pos or pos == 0
        source = self.source
        if start >= len(source):
            return Token(Kind.EOF, "", start, start, space)

        char = source[start]
        if char == "\n":
            return Token(Kind.NEWLINE, "\n", start, start + 1, space)
        if char in _SINGLE:
            return Token(_SINGLE[char], char, start, start + 1, space)
        if char in SINGLE_QUOTES:
            return self._single_quoted(start, space)
        if char in DOUBLE_QUOTES:
            return self._double_quoted(start, space)
        if char == "@":
            return self._at(start, space, mode)
        if char == "$":
            return self._dollar(start, space, mode)
        if char == "[":
            return Token(Kind.LBRACKET, "[", start, start + 1, space)
        if char == "&" and not source.startswith("&&", start):
            return Token(Kind.AMPERSAND, "&", start, start + 1, space)
        redirection = _REDIRECTION.match(source, start)
        if redirection and (char in "<>*" or char.isdigit()):
            text = redirection[0]
            return Token(Kind.REDIRECTION, text, start, start + len(text), space)
        if mode is Mode.COMMAND:
            return self._command_token(start, space)
        return self._expression_token(start, space)

    def skip_blanks(self, pos: int) -> int:
        """Return the offset after blanks, comments and line continuations."""
        source = self.source
        while pos < len(source):
            char = source[pos]
            if char in _BLANKS:
                pos += 1
            elif char == "`" and source[pos + 1 : pos + 2] in ("\n", "\r"):
                pos = source.index("\n", pos) + 1 if "\n" in source[pos:] else pos + 2
            elif source.startswith("<#", pos):
                end = source.find("#>", pos + 2)
                if end == -1:
                    raise ParseError(
                        "Missing the terminator: #>.", "MissingEndOfComment", pos
                    )
                pos = end + 2
            elif char == "#":
                end = source.find("\n", pos)
                pos = len(source) if end == -1 else end
            else:
                return pos
        return pos

    def _expression_token(self, start: int, space: bool) -> Token:
        source = self.source
        char = source[start]
        if source.startswith("::", start):
            return Token(Kind.COLONCOLON, "::", start, start + 2, space)
        if source.startswith("..", start):
            return Token(Kind.DOTDOT, "..", start, start + 2, space)
        if char.isdigit() or (char == "." and source[start + 1 : start + 2].isdigit()):
            number = self._number(start, space)
            if number is not None:
                return number
        if char == ".":
            return Token(Kind.DOT, ".", start, start + 1, space)
        if char in DASHES:
            match = _PARAMETER.match(source, start)
            if match and match[1].lower() in DASH_OPERATORS and not match[2]:
                name = match[1].lower()
                return Token(
                    Kind.DASH_OPERATOR, match[0], start, match.end(), space, name
                )
        for operator in _OPERATORS:
            if source.startswith(operator, start) or (
                char in DASHES[1:] and operator[0] == "-" and len(operator) == 1
            ):
                end = start + len(operator)
                return Token(Kind.OPERATOR, operator, start, end, space)
        return self._word(start, space, _EXPRESSION_WORD_END)

    def _command_token(self, start: int, space: bool) -> Token:
        source = self.source
        char = source[start]
        if char in DASHES:
            match = _PARAMETER.match(source, start)
            if match:
                name, colon = match[1], bool(match[2])
                return Token(
                    Kind.PARAMETER, match[0], start, match.end(), space, (name, colon)
                )
            if source.startswith("--", start):
                return Token(Kind.WORD, "--", start, start + 2, space)
        if char == "." and source[start + 1 : start + 2] in (" ", "\t", "{", "("):
            return Token(Kind.DOT, ".", start, start + 1, space)
        word = self._word(start, space, _COMMAND_WORD_END)
        number = NUMBER.fullmatch(word.text)
        if number and not word.text.endswith("."):
            return Token(
                Kind.NUMBER, word.text, start, word.end, space, number_value(word.text)
            )
        return word

    def _word(self, start: int, space: bool, ends: set[str]) -> Token:
        source = self.source
        index = start
        while index < len(source) and source[index] not in ends:
            if source[index] == "`" and index + 1 < len(source):
                index += 2
                continue
            index += 1
        index = max(index, start + 1)
        return Token(Kind.WORD, source[start:index], start, index, space)

    def member_name(self, pos: int) -> Token | None:
        """Return the member name directly at `pos` (after `.` or `::`), if any."""
        match = _MEMBER_NAME.match(self.source, pos)
        if match is None:
            return None
        return Token(Kind.WORD, match[0], pos, match.end(), False)

    def _number(self, start: int, space: bool) -> Token | None:
        match = NUMBER.match(self.source, start)
        if match is None:
            return None
        text = match[0]
        # `1..3` is a range: the number ends before the two dots.
        if text.endswith(".") and self.source.startswith("..", match.end() - 1):
            text = text[:-1]
        return Token(
            Kind.NUMBER, text, start, start + len(text), space, number_value(text)
        )

    def _single_quoted(self, start: int, space: bool) -> Token:
        source = self.source
        index = start + 1
        parts: list[str] = []
        while True:
            end = find_any(source, SINGLE_QUOTES, index)
            if end == -1:
                raise ParseError(
                    "The string is missing the terminator: '.",
                    "TerminatorExpectedAtEndOfString",
                    start,
                )
            parts.append(source[index:end])
            if source[end + 1 : end + 2] and source[end + 1] in SINGLE_QUOTES:
                parts.append("'")
                index = end + 2
                continue
            return Token(
                Kind.STRING,
                source[start : end + 1],
                start,
                end + 1,
                space,
                "".join(parts),
            )

    def _double_quoted(self, start: int, space: bool) -> Token:
        end = scan_double_quoted(self.source, start + 1)
        if end is None:
            raise ParseError(
                'The string is missing the terminator: ".',
                "TerminatorExpectedAtEndOfString",
                start,
            )
        body = (self.source[start + 1 : end], start + 1, False)
        return Token(
            Kind.EXPANDABLE_STRING,
            self.source[start : end + 1],
            start,
            end + 1,
            space,
            body,
        )

    def _at(self, start: int, space: bool, mode: Mode) -> Token:
        source = self.source
        following = source[start + 1 : start + 2]
        if following == "(":
            return Token(Kind.AT_PAREN, "@(", start, start + 2, space)
        if following == "{":
            return Token(Kind.AT_BRACE, "@{", start, start + 2, space)
        if following and following in SINGLE_QUOTES + DOUBLE_QUOTES:
            return self._here_string(start, space, following in DOUBLE_QUOTES)
        splat = _SPLAT.match(source, start)
        if splat:
            return Token(Kind.SPLAT, splat[0], start, splat.end(), space, splat[1])
        raise ParseError(
            "Unrecognized token in source text.", "UnrecognizedToken", start
        )

    def _here_string(self, start: int, space: bool, expandable: bool) -> Token:
        source = self.source
        quote = '"' if expandable else "'"
        line_end = source.find("\n", start + 2)
        if line_end == -1 or source[start + 2 : line_end].strip(" \t\r"):
            raise ParseError(
                "No characters are allowed after a here-string header but before "
                "the end of the line.",
                "UnexpectedCharactersAfterHereStringHeader",
                start + 2,
            )

        body_start = line_end + 1
        match = re.compile(
            rf"\r?\n[{re.escape(quote)}\u201c\u201d\u201e\u2018\u2019]@"
        ).search(source, line_end)
        if match is None or match.start() < line_end:
            raise ParseError(
                f"The string is missing the terminator: {quote}@.",
                "TerminatorExpectedAtEndOfString",
                start,
            )

        body = source[body_start : max(match.start(), body_start)]
        end = match.end()
        text = source[start:end]
        if expandable:
            return Token(
                Kind.EXPANDABLE_STRING,
                text,
                start,
                end,
                space,
                (body, body_start, True),
            )
        return Token(Kind.STRING, text, start, end, space, body)

    def _dollar(self, start: int, space: bool, mode: Mode) -> Token:
        source = self.source
        if source.startswith("$(", start):
            return Token(Kind.DOLLAR_PAREN, "$(", start, start + 2, space)
        variable = match_variable(source, start)
        if variable is not None:
            scope, name, end = variable
            return Token(
                Kind.VARIABLE, source[start:end], start, end, space, (scope, name)
            )
        if mode is Mode.COMMAND:
            return self._word(start, space, _COMMAND_WORD_END)
        raise ParseError(
            "Variable reference is not valid. '$' was not followed by a valid variable "
            "name character. Consider using ${} to delimit the name.",
            "InvalidVariableReference",
            start,
        )
