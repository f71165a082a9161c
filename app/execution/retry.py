"""Capped exponential backoff with jitter for operations that provably did not run."""

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from app.execution.errors import ExecutionError

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_seconds: float = 0.5
    max_seconds: float = 10.0

    def delay(self, attempt: int) -> float:
        """Full jitter: a random wait up to the capped exponential backoff."""
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - not for secrets


def with_retries(
    operation: Callable[[], T],
    classify: Callable[[BaseException], ExecutionError],
    policy: RetryPolicy,
    on_attempt: Callable[[int, ExecutionError | None, float], None],
    should_stop: Callable[[], str | None] = lambda: None,
) -> T:
    """Call ``operation`` until it succeeds or fails with a non-retryable error.

    ``on_attempt(attempt, error, delay)`` is called for each failed attempt
    before the wait. The last error is raised as an ExecutionError.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return operation()
        except Exception as exc:
            error = classify(exc)
            if not error.retryable or attempt >= policy.attempts or should_stop():
                on_attempt(attempt, error, 0.0)
                raise error from exc
            delay = policy.delay(attempt)
            on_attempt(attempt, error, delay)
            time.sleep(delay)
