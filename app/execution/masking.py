"""Mask secret values in output before it is stored."""

import base64
from urllib.parse import quote, quote_plus

MASK = "********"


def secret_forms(secret: str) -> set[str]:
    """Return the forms in which a secret may appear in output.

    These are the text itself, base64 of its UTF-8 and UTF-16LE bytes (which
    scripts and -EncodedCommand produce) and its URL-encoded forms.
    """
    forms = {secret, quote(secret, safe=""), quote_plus(secret)}
    for encoding in ("utf-8", "utf-16-le"):
        encoded = base64.b64encode(secret.encode(encoding)).decode("ascii")
        forms.add(encoded)
        forms.add(encoded.rstrip("="))
    return {form for form in forms if form}


class Masker:
    """Replace secrets in a stream of text chunks, also across chunk borders.

    Text at the end of a chunk that could be the start of a secret is held
    back until the next chunk (or ``flush``), so a secret split between two
    chunks is masked. Any other text is passed on at once.
    """

    def __init__(self, secrets: list[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret:
                forms |= secret_forms(secret)
        self.forms = sorted(forms, key=len, reverse=True)
        self.hold = max((len(f) for f in self.forms), default=1) - 1
        self.pending = ""

    def mask(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, MASK)
        return text

    def feed(self, text: str) -> str:
        """Return the masked text that is safe to store now."""
        if not self.forms:
            return text
        buffer = self.mask(self.pending + text)
        keep = self._partial_secret_length(buffer)
        self.pending = buffer[len(buffer) - keep :]
        return buffer[: len(buffer) - keep]

    def _partial_secret_length(self, buffer: str) -> int:
        for length in range(min(self.hold, len(buffer)), 0, -1):
            suffix = buffer[-length:]
            if any(form.startswith(suffix) for form in self.forms):
                return length
        return 0

    def flush(self) -> str:
        text, self.pending = self.mask(self.pending), ""
        return text
