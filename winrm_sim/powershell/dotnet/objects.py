"""Small .NET objects that scripts create or receive: lists, encodings, GUIDs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from winrm_sim.powershell.values import PSProperty, to_string


class DotNetError(Exception):
    """A .NET exception thrown by a method; the caller wraps it for PowerShell."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.message = message


class ArrayList(list):
    """System.Collections.ArrayList or List[T]: a list whose Add works."""

    ps_type_name = "System.Collections.ArrayList"


class PropertyCollection(list):
    """`.PSObject.Properties`: a list that can also be indexed by property name."""

    ps_type_name = "System.Management.Automation.PSMemberInfoCollection`1"

    def ps_index(self, index: object) -> object:
        """Return the property of that name, or the item at that position."""
        if isinstance(index, str):
            for item in self:
                if (
                    isinstance(item, PSProperty)
                    and item.name.casefold() == index.casefold()
                ):
                    return item
            return None
        return self[int(index)]  # type: ignore[call-overload]


@dataclass
class PSObjectView:
    """The `.PSObject` member of any value."""

    base: object
    properties: PropertyCollection
    type_names: list[str]
    ps_type_name = "System.Management.Automation.PSObject"


@dataclass
class EncodingValue:
    """A System.Text.Encoding: the Python codec plus the .NET names."""

    codec: str
    web_name: str
    encoding_name: str
    code_page: int
    preamble: bytes = b""
    ps_type_name = "System.Text.Encoding"

    def encode(self, text: str) -> bytes:
        """Return the bytes for text; unmappable characters become '?'."""
        return text.encode(self.codec, errors="replace")

    def decode(self, data: bytes) -> str:
        """Return the text for bytes; invalid sequences become U+FFFD."""
        return bytes(data).decode(self.codec, errors="replace")

    def ps_string(self) -> str:
        """Return the .NET class name, as ToString() does for encodings."""
        classes = {
            65001: "UTF8Encoding",
            1200: "UnicodeEncoding",
            1201: "UnicodeEncoding",
        }
        return "System.Text." + classes.get(self.code_page, "SBCSCodePageEncoding")


def encoding(name: str) -> EncodingValue:
    """Return a well-known encoding: utf8, utf8nobom, unicode, bigendianunicode..."""
    key = name.replace("-", "").lower()
    table = {
        "utf8": EncodingValue(
            "utf-8", "utf-8", "Unicode (UTF-8)", 65001, b"\xef\xbb\xbf"
        ),
        "utf8nobom": EncodingValue("utf-8", "utf-8", "Unicode (UTF-8)", 65001),
        "unicode": EncodingValue("utf-16-le", "utf-16", "Unicode", 1200, b"\xff\xfe"),
        "utf16": EncodingValue("utf-16-le", "utf-16", "Unicode", 1200, b"\xff\xfe"),
        "bigendianunicode": EncodingValue(
            "utf-16-be", "utf-16BE", "Unicode (Big-Endian)", 1201, b"\xfe\xff"
        ),
        "utf32": EncodingValue(
            "utf-32-le", "utf-32", "Unicode (UTF-32)", 12000, b"\xff\xfe\x00\x00"
        ),
        "ascii": EncodingValue("ascii", "us-ascii", "US-ASCII", 20127),
        "default": EncodingValue(
            "cp1252", "Windows-1252", "Western European (Windows)", 1252
        ),
        "oem": EncodingValue("cp437", "ibm437", "OEM United States", 437),
    }
    return table[key]


def codepage_encoding(code_page: int) -> EncodingValue:
    """Return the encoding of a Windows code page, as [Console]::OutputEncoding does."""
    names = {
        437: ("cp437", "ibm437", "OEM United States"),
        850: ("cp850", "ibm850", "Western European (DOS)"),
        1252: ("cp1252", "Windows-1252", "Western European (Windows)"),
        936: ("gbk", "gb2312", "Chinese Simplified (GB2312)"),
        65001: ("utf-8", "utf-8", "Unicode (UTF-8)"),
    }
    codec, web, title = names.get(
        code_page, (f"cp{code_page}", f"cp{code_page}", f"cp{code_page}")
    )
    return EncodingValue(codec, web, title, code_page)


@dataclass
class GuidValue:
    """A System.Guid."""

    value: uuid.UUID = field(default_factory=uuid.uuid4)
    ps_type_name = "System.Guid"

    def ps_string(self) -> str:
        """Return the lower-case 8-4-4-4-12 form."""
        return str(self.value)

    def ps_view(self) -> object:
        """Print as a one-column table headed Guid."""
        from winrm_sim.powershell.formatting import Column, View

        return View(
            "table", (Column("Guid", lambda item: to_string(item)),), group="guid"
        )


class StringBuilder:
    """System.Text.StringBuilder."""

    ps_type_name = "System.Text.StringBuilder"

    def __init__(self, text: str = "") -> None:
        self.parts = [text]

    def ps_string(self) -> str:
        """Return the built text."""
        return "".join(self.parts)
