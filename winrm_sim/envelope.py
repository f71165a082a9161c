"""SOAP envelopes written the way a Windows WinRM service writes them."""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

from winrm_sim import namespaces as ns

# Windows uses these prefixes in responses. Clients parse by URI.
_ENVELOPE_NAMESPACES = (
    f'xmlns:s="{ns.SOAP}" xmlns:a="{ns.ADDRESSING}" xmlns:x="{ns.TRANSFER}" '
    f'xmlns:w="{ns.WSMAN}" xmlns:rsp="{ns.SHELL}" xmlns:p="{ns.WSMAN_MS}"'
)


def new_message_id() -> str:
    """Return a new message id in the Windows form `uuid:` plus an upper-case GUID."""
    return f"uuid:{str(uuid.uuid4()).upper()}"


def build_envelope(action: str, relates_to: str | None, body: str) -> bytes:
    """Wrap a body (already XML text) in a response envelope, encoded as UTF-8.

    `relates_to` is the request's MessageID, copied verbatim because some clients
    compare it as a string.
    """
    relates = ""
    if relates_to is not None:
        relates = f"<a:RelatesTo>{escape(relates_to)}</a:RelatesTo>"

    header = (
        f"<s:Header><a:Action>{escape(action)}</a:Action>"
        f"<a:MessageID>{new_message_id()}</a:MessageID>"
        f"<a:To>{ns.ANONYMOUS}</a:To>{relates}</s:Header>"
    )
    text = (
        f'<s:Envelope xml:lang="en-US" {_ENVELOPE_NAMESPACES}>'
        f"{header}<s:Body>{body}</s:Body></s:Envelope>"
    )
    return text.encode("utf-8")


def envelope_overhead(action: str, relates_to: str | None) -> int:
    """Return the size in bytes of an envelope with an empty body."""
    return len(build_envelope(action, relates_to, ""))
