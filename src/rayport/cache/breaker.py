from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """Stops calling a dependency for `open_seconds` after it failed.

    A frozen Redis costs its timeout once; for the next `open_seconds` every call fails
    fast, then one call is let through to see whether it is back (half-open).
    """

    def __init__(self, name: str, open_seconds: float) -> None:
        self.name = name
        self.open_seconds = open_seconds
        self._open_until = 0.0

    def allow(self) -> bool:
        return not self.is_open

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def record_success(self) -> None:
        if self._open_until:
            logger.info("dependency recovered", extra={"dependency": self.name})
        self._open_until = 0.0

    def record_failure(self, error: BaseException) -> None:
        if not self.is_open:
            logger.warning(
                "dependency failed; routing around it",
                extra={
                    "dependency": self.name,
                    "error": type(error).__name__,
                    "retry_in_sec": self.open_seconds,
                },
            )
        self._open_until = time.monotonic() + self.open_seconds
