"""Settings read from the environment when the application is created."""

import os

REQUIRED_SETTINGS = {
    "DATABASE_URL": "the PostgreSQL URL, e.g. postgresql://opsc@db.example/opsc",
    "REDIS_URL": "the Redis URL, e.g. redis://redis.example:6379/0",
    "SECRET_KEY": "a random string that signs sessions and CSRF tokens",
    "CREDENTIAL_KEY": (
        "a Fernet key that encrypts stored passwords; create one with "
        "`python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'`"
    ),
}


class ConfigError(RuntimeError):
    """A required setting is missing or invalid."""


def load_settings(environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from environment variables.

    Raises ConfigError naming every missing variable, because a service that
    starts with a made-up secret key or database is worse than one that stops.
    """
    env = os.environ if environ is None else environ
    missing = [name for name in REQUIRED_SETTINGS if not env.get(name)]
    if missing:
        lines = [f"  {name}: {REQUIRED_SETTINGS[name]}" for name in missing]
        raise ConfigError(
            "OpsConductor cannot start: missing settings:\n" + "\n".join(lines)
        )

    return {
        "SQLALCHEMY_DATABASE_URI": _database_uri(env["DATABASE_URL"]),
        "REDIS_URL": env["REDIS_URL"],
        "SECRET_KEY": env["SECRET_KEY"],
        "CREDENTIAL_KEY": env["CREDENTIAL_KEY"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE", "0")),
        "RUNS_PER_PAGE": int(env.get("RUNS_PER_PAGE", "25")),
        **_engine_settings(env),
    }


ENGINE_DEFAULTS = {
    # Targets executing at once across all workers; 0 means no limit.
    "MAX_CONCURRENT_TARGETS": 0,
    # Maximum wait of one Receive, so cancels and deadlines are detected quickly.
    "RECEIVE_POLL_SECONDS": 1,
    "HEARTBEAT_SECONDS": 5,
    # A running target whose worker sent no heartbeat for this long is ended.
    "HEARTBEAT_TIMEOUT_SECONDS": 30,
    "REAPER_INTERVAL_SECONDS": 10,
    # A queued run older than this moves up one priority queue.
    "PRIORITY_AGING_SECONDS": 120,
    "RETRY_ATTEMPTS": 4,
    "RETRY_BASE_SECONDS": 0.5,
    "RETRY_MAX_SECONDS": 10.0,
    # Characters of stdout and stderr kept on the step for display.
    "STEP_OUTPUT_LIMIT": 1_000_000,
    # Commands per shell before a new shell replaces it (Windows counts
    # operations per user up to MaxConcurrentOperationsPerUser, 1500).
    "SHELL_ROTATE_AFTER": 100,
    # Seconds the RQ job timeout adds above the job's own run deadline.
    "RQ_TIMEOUT_MARGIN_SECONDS": 300,
}


def _engine_settings(env) -> dict:
    settings = {}
    for name, default in ENGINE_DEFAULTS.items():
        raw = env.get(name)
        try:
            settings[name] = default if raw is None else type(default)(raw)
        except ValueError:
            raise ConfigError(
                f"{name} must be a {type(default).__name__}, got {raw!r}"
            ) from None
    return settings


def _database_uri(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if not url.startswith("postgresql"):
        raise ConfigError(
            f"DATABASE_URL must be a PostgreSQL URL (postgresql://...), got {url!r}"
        )
    # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; the driver shipped
    # in requirements.txt is psycopg2.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
