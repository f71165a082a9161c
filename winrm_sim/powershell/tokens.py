"""Tokens of the PowerShell subset, with their place in the script text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

# Dash-like characters PowerShell accepts: en dash, em dash, horizontal bar.
DASHES = "-\u2013\u2014\u2015"
# Quote characters PowerShell accepts, including typographic quotes.
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'


class Mode(Enum):
    """Tokenizer mode: PowerShell reads arguments of a command differently.

    In EXPRESSION mode `-eq` is an operator and `1..3` a range. In COMMAND mode
    (the arguments of a command) `-Path` is a parameter name and `C:\\x` or
    `1..3` are plain words.
    """

    EXPRESSION = auto()
    COMMAND = auto()


class Kind(Enum):
    """Token kinds. Operator spellings are in `Token.text`."""

    NEWLINE = auto()
    SEMICOLON = auto()
    LPAREN = auto()
    RPAREN = auto()
    LBRACE = auto()
    RBRACE = auto()
    LBRACKET = auto()
    RBRACKET = auto()
    AT_PAREN = auto()  # @(
    AT_BRACE = auto()  # @{
    DOLLAR_PAREN = auto()  # $(
    COMMA = auto()
    DOT = auto()  # member access, or dot-sourcing at the start of a command
    COLONCOLON = auto()  # static member access
    DOTDOT = auto()
    PIPE = auto()
    AMPERSAND = auto()  # the call operator &
    OPERATOR = auto()  # + - * / % = += -= *= /= %= ! ++ --
    DASH_OPERATOR = auto()  # -eq, -like, -not: value is the lower-case name
    PARAMETER = auto()  # -Name or -Name: in command mode; value is the name
    REDIRECTION = auto()  # > >> 2> 2>&1 *>
    NUMBER = auto()
    STRING = auto()  # single-quoted: value is final
    EXPANDABLE_STRING = auto()  # double-quoted: value is (body, body_start)
    VARIABLE = auto()  # value is (scope, name)
    SPLAT = auto()  # @name in command mode: value is the variable name
    WORD = auto()  # command names, keywords, members, bare arguments
    EOF = auto()


@dataclass(frozen=True)
class Token:
    """One token. `start` and `end` are offsets into the script text.

    `space_before` is True when blanks, a comment or a line continuation come
    right before the token, because `$a.b` and `$a .b` mean different things.
    """

    kind: Kind
    text: str
    start: int
    end: int
    space_before: bool
    value: object = None

    def is_operator(self, *spellings: str) -> bool:
        """Return True for an OPERATOR token with one of the spellings."""
        return self.kind is Kind.OPERATOR and self.text in spellings

    def is_dash(self, *names: str) -> bool:
        """Return True for a DASH_OPERATOR whose name is one of `names`."""
        return self.kind is Kind.DASH_OPERATOR and self.value in names

    def is_word(self, *words: str) -> bool:
        """Return True for a WORD equal to one of `words`, ignoring case."""
        return self.kind is Kind.WORD and self.text.lower() in words
