"""Account lockout after failed logins, like the Windows account lockout policy."""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)


class LockoutPolicy:
    """Locks an account for `duration_s` after `threshold` failed logins in a row.

    A threshold of 0 never locks, which is the Windows Server 2016 default.
    A successful login resets the count. While an account is locked, even the
    right password is rejected.
    """

    def __init__(self, threshold: int = 0, duration_s: float = 600.0) -> None:
        self.threshold = threshold
        self.duration_s = duration_s
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}

    def record_failure(self, account: str | None) -> None:
        """Count a failed login of a known account (None for an unknown one)."""
        if account is None or self.threshold <= 0:
            return
        key = account.casefold()
        with self._lock:
            failures = self._failures.get(key, 0) + 1
            self._failures[key] = failures
            if failures >= self.threshold:
                self._locked_until[key] = time.monotonic() + self.duration_s
                self._failures[key] = 0
                logger.warning(
                    "account locked out user=%s failures=%d", account, failures
                )

    def record_success(self, account: str) -> None:
        """Reset the failed-login count of an account."""
        with self._lock:
            self._failures.pop(account.casefold(), None)

    def is_locked(self, account: str) -> bool:
        """Return True while the account is locked out."""
        with self._lock:
            until = self._locked_until.get(account.casefold())
            if until is None:
                return False
            if time.monotonic() >= until:
                del self._locked_until[account.casefold()]
                return False
            return True

    def locked_accounts(self) -> list[str]:
        """Return the keys (case-folded names) of the accounts locked right now."""
        with self._lock:
            now = time.monotonic()
            return sorted(
                key for key, until in self._locked_until.items() if until > now
            )

    def unlock_all(self) -> None:
        """Unlock every account and forget all failed logins."""
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()
