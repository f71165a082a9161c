"""Template filters and helpers shared by every page."""

import re
from datetime import datetime

from flask import Flask


def format_exit_code(code: int | None) -> str:
    """Show a Windows exit code in decimal and, when negative or large, in hex."""
    if code is None:
        return "-"
    if 0 <= code < 1000:
        return str(code)
    return f"{code} (0x{code & 0xFFFFFFFF:08X})"


def format_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def format_duration(ms: int | None) -> str:
    if ms is None:
        return "-"
    if ms < 1000:
        return f"{ms} ms"
    return f"{ms / 1000:.1f} s"


# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI) would
# reorder the text around them, e.g. disguise a parameter value or output line.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def show_bidi_controls(text: str | None) -> str:
    """Replace bidirectional control characters with a visible <U+XXXX>."""
    if not text:
        return text or ""
    return _BIDI_CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["visible"] = show_bidi_controls
    from app.execution.errors import guidance_for

    app.jinja_env.filters["guidance"] = lambda category: guidance_for(category) or ""
    app.jinja_env.filters["exit_code"] = format_exit_code
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["duration"] = format_duration
