"""Signals of `break`, `continue` and `return` as they unwind the interpreter."""

from __future__ import annotations


class BreakSignal(Exception):
    """`break [label]` leaving a loop or switch."""

    def __init__(self, label: str | None = None) -> None:
        super().__init__(label)
        self.label = label


class ContinueSignal(BreakSignal):
    """`continue [label]`: the next iteration of a loop."""


class ReturnSignal(Exception):
    """`return`: leave the current script block."""
