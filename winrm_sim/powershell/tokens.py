"""Tokens of the PowerShell subset, with their place in the script text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto


class Kind(Enum):
    """Token kinds. Operator spellings are in `Token.text`."""

    NEWLINE = auto()
    SEMICOLON = auto()
    LPAREN = auto()
    RPAREN = auto()
    LBRACE = auto()
    RBRACE = auto()
    PIPE = auto()
    COMMA = auto()
    DOT = auto()
    DOTDOT = auto()
    OPERATOR = auto()  # + - * / % = += -= *= /= !
    DASHWORD = auto()  # -eq, -Seconds: operator or parameter by context
    VARIABLE = auto()  # $name, $env:NAME, $_
    SUBEXPRESSION = auto()  # $(
    ARRAY_SUBEXPRESSION = auto()  # @(
    NUMBER = auto()
    STRING = auto()  # single-quoted: value is final
    EXPANDABLE_STRING = auto()  # double-quoted: value is the raw body
    WORD = auto()
    UNSUPPORTED = auto()  # a character this subset has no use for, like [ or @{
    EOF = auto()


@dataclass(frozen=True)
class Token:
    """One token. `start` and `end` are offsets into the script text."""

    kind: Kind
    text: str
    start: int
    end: int
    space_before: bool
    value: object = None

    def is_operator(self, *spellings: str) -> bool:
        """Return True for an OPERATOR token with one of the spellings."""
        return self.kind is Kind.OPERATOR and self.text in spellings

    def is_dashword(self, *names: str) -> bool:
        """Return True for a DASHWORD whose name (without dash) is one of `names`."""
        return self.kind is Kind.DASHWORD and str(self.value).lower() in names

    def is_word(self, *words: str) -> bool:
        """Return True for a WORD equal to one of `words`, ignoring case."""
        return self.kind is Kind.WORD and self.text.lower() in words
