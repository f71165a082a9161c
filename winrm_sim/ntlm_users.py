"""The NTLM user file for pyspnego's acceptor, and readers of NTLM messages.

pyspnego reads the file named by the NTLM_USER_FILE environment variable on
every NTLM login, so one process has one file. Every simulated host in the
process shares it: `NtlmUserFile.active` writes the accounts of the host that
is checking a login, under a process-wide lock, before pyspnego reads them.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import struct
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from winrm_sim.auth import UserStore

logger = logging.getLogger(__name__)

ENV_VAR = "NTLM_USER_FILE"
_AUTHENTICATE_PREFIX = b"NTLMSSP\x00\x03\x00\x00\x00"
_NEGOTIATE_UNICODE = 0x00000001
# In an NTLMv2 response the AV pairs follow the 16-byte proof and the 28-byte
# fixed part of the client challenge (MS-NLMP 2.2.2.7 and 2.2.2.8).
_AV_PAIRS_OFFSET = 44
_AV_EOL = 0x0000
_AV_CHANNEL_BINDINGS = 0x000A


class NtlmUserFile:
    """The process-wide NTLM user file, created on first use."""

    _lock = threading.Lock()
    _path: str | None = None
    _written: str | None = None

    @classmethod
    @contextmanager
    def active(cls, users: UserStore) -> Iterator[None]:
        """Hold the lock with the file listing the accounts of `users`."""
        content = user_file_lines(users)
        with cls._lock:
            path = cls._ensure_path()
            if cls._written != content:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(content)
                cls._written = content
            yield

    @classmethod
    def prepare(cls) -> None:
        """Create the file and set NTLM_USER_FILE, which pyspnego needs up front."""
        with cls._lock:
            cls._ensure_path()

    @classmethod
    def _ensure_path(cls) -> str:
        if cls._path is None or not os.path.isfile(cls._path):
            directory = tempfile.mkdtemp(prefix="winrm-sim-ntlm-")
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            cls._path = os.path.join(directory, "users")
            # The file contains passwords, so only this user may read it.
            fd = os.open(cls._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            cls._written = ""
        if os.environ.get(ENV_VAR) != cls._path:
            if os.environ.get(ENV_VAR):
                logger.info("replacing %s=%s", ENV_VAR, os.environ[ENV_VAR])
            os.environ[ENV_VAR] = cls._path
        return cls._path


def user_file_lines(users: UserStore) -> str:
    """Return `DOMAIN:USER:PASSWORD` lines for every way an account can log on.

    A local account matches an empty domain, `.` and the host name. Names
    with a colon cannot be written in this format and are left out.
    """
    lines = []
    for name in users.names():
        password = users.password(name) or ""
        domain, _, user = name.rpartition("\\")
        if ":" in name or "\n" in password:
            continue
        domains = [domain] if domain else ["", ".", users.hostname]
        lines += [f"{item}:{user}:{password}" for item in domains]
    return "\n".join(lines) + "\n"


def authenticate_login(token: bytes) -> str | None:
    """Return `DOMAIN\\user` or `user` from an NTLM AUTHENTICATE message.

    The message may be raw or wrapped in SPNEGO. Return None when the token
    contains no readable AUTHENTICATE message.
    """
    start = token.find(_AUTHENTICATE_PREFIX)
    if start < 0 or len(token) < start + 64:
        return None
    message = token[start:]
    flags = struct.unpack_from("<I", message, 60)[0]
    codec = "utf-16-le" if flags & _NEGOTIATE_UNICODE else "cp437"
    domain = _field(message, 28, codec)
    user = _field(message, 36, codec)
    if user is None:
        return None
    return f"{domain}\\{user}" if domain else user


def sends_channel_binding(token: bytes) -> bool:
    """Return True when an NTLM AUTHENTICATE message carries a channel binding.

    A binding of sixteen zero bytes counts as none, as it does for Windows
    with CbtHardeningLevel Relaxed.
    """
    start = token.find(_AUTHENTICATE_PREFIX)
    if start < 0 or len(token) < start + 64:
        return False
    message = token[start:]
    length, _, offset = struct.unpack_from("<HHI", message, 20)
    response = message[offset : offset + length]
    position = _AV_PAIRS_OFFSET
    while position + 4 <= len(response):
        av_id, av_length = struct.unpack_from("<HH", response, position)
        value = response[position + 4 : position + 4 + av_length]
        if av_id == _AV_EOL:
            return False
        if av_id == _AV_CHANNEL_BINDINGS:
            return any(value)
        position += 4 + av_length
    return False


def _field(message: bytes, offset: int, codec: str) -> str | None:
    length, _, start = struct.unpack_from("<HHI", message, offset)
    if start + length > len(message):
        return None
    return message[start : start + length].decode(codec, errors="replace")
