"""Map Windows code pages to Python codecs and decode output incrementally."""

import codecs

CODEPAGE_CODECS = {
    65001: "utf-8",
    437: "cp437",
    850: "cp850",
    852: "cp852",
    866: "cp866",
    1250: "cp1250",
    1251: "cp1251",
    1252: "cp1252",
    936: "gbk",
    932: "cp932",
    949: "cp949",
    950: "cp950",
}


def codec_for(codepage: int) -> str:
    """Return the Python codec for a Windows code page; ValueError if unknown."""
    try:
        return CODEPAGE_CODECS[codepage]
    except KeyError:
        known = ", ".join(str(cp) for cp in sorted(CODEPAGE_CODECS))
        raise ValueError(
            f"unsupported code page {codepage}; use one of {known}"
        ) from None


class StreamDecoder:
    """Decode one output stream chunk by chunk without ever raising.

    A character whose bytes are split across two chunks is held back until the
    rest arrives; invalid bytes become U+FFFD and set ``lossy``.
    """

    def __init__(self, codepage: int) -> None:
        self._decoder = codecs.getincrementaldecoder(codec_for(codepage))("replace")
        self.lossy = False

    def decode(self, data: bytes, final: bool = False) -> str:
        text = self._decoder.decode(data, final)
        if "\ufffd" in text:
            self.lossy = True
        return text
