"""Console code pages of a shell, mapped to Python codecs."""

from __future__ import annotations

import codecs

UTF8_CODEPAGE = 65001
DEFAULT_CODEPAGE = 437


def codec_for(codepage: int) -> str:
    """Return the Python codec name for a Windows code page or raise ValueError."""
    if codepage == UTF8_CODEPAGE:
        return "utf-8"
    name = f"cp{codepage}"
    try:
        codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unsupported code page {codepage}") from None
    return name


def encode_text(text: str, codec: str) -> bytes:
    """Encode console output, replacing characters the code page lacks with '?'."""
    return text.encode(codec, errors="replace")


def codepage_of(codec: str) -> int:
    """Return the Windows code page of a codec name from `codec_for`."""
    if codec.replace("-", "").lower() == "utf8":
        return UTF8_CODEPAGE
    digits = codec.lower().removeprefix("cp")
    return int(digits) if digits.isdigit() else DEFAULT_CODEPAGE
