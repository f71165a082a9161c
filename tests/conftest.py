"""Fixtures: a test database and Redis index, the app, users, and factories.

With DATABASE_URL and REDIS_URL set, tests create their own database on that
PostgreSQL server and use Redis db index TEST_REDIS_DB (default 13), never 0.
Without them, embedded servers start under a temporary folder.
"""

import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from cryptography.fernet import Fernet
from redis import Redis
from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import load_settings
from app.extensions import db

pytest_plugins = ["winrm_sim.pytest_plugin", "tests.support.fixtures"]

TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "13"))


def _isolate_kerberos() -> None:
    # Debian's krb5-user writes an /etc/krb5.conf naming public KDCs; the
    # tests, their workers and their clients must never try to reach them.
    if os.environ.get("KRB5_CONFIG"):
        return
    handle, path = tempfile.mkstemp(prefix="opsc-krb5-", suffix=".conf")
    with os.fdopen(handle, "w") as config:
        config.write(
            "[libdefaults]\n dns_lookup_kdc = false\n dns_lookup_realm = false\n"
        )
    os.environ["KRB5_CONFIG"] = path


_isolate_kerberos()


def _create_database(server_url: str) -> tuple[str, object]:
    name = f"opsc_test_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(server_url)
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(parts._replace(path="/" + name)), drop


def _redis_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}?db={TEST_REDIS_DB}"
    return urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}"))


@pytest.fixture(scope="session")
def services(tmp_path_factory):
    """URLs of the test database and Redis index, torn down after the session."""
    embedded = None
    database_server = os.environ.get("DATABASE_URL")
    redis_server = os.environ.get("REDIS_URL")
    if not (database_server and redis_server):
        from app.embedded import start_embedded

        embedded = start_embedded(Path(tmp_path_factory.mktemp("embedded")))
        database_server = database_server or embedded.database_url
        redis_server = redis_server or embedded.redis_url

    database_url, drop_database = _create_database(database_server)
    redis_url = _redis_url(redis_server)
    yield {"DATABASE_URL": database_url, "REDIS_URL": redis_url}

    Redis.from_url(redis_url).flushdb()
    drop_database()
    if embedded is not None:
        embedded.stop()


@pytest.fixture(scope="session")
def settings_env(services) -> dict[str, str]:
    """Environment variables that configure the app, the worker and the CLI."""
    return {
        **services,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "CREDENTIAL_KEY": Fernet.generate_key().decode(),
        # Short recovery and retry timings keep the tests fast.
        "HEARTBEAT_SECONDS": "1",
        "HEARTBEAT_TIMEOUT_SECONDS": "6",
        "REAPER_INTERVAL_SECONDS": "1",
        "RETRY_BASE_SECONDS": "0.05",
        "RETRY_MAX_SECONDS": "0.2",
    }


@pytest.fixture(scope="session")
def app(settings_env):
    from flask_migrate import upgrade

    config = load_settings(settings_env)
    application = create_app(config)
    with application.app_context():
        upgrade()
    return application


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table and the test Redis index after each test that used them."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        application.extensions["redis"].flushdb()
        _delete_all_rows()


def _delete_all_rows() -> None:
    # DELETE rather than TRUNCATE: TRUNCATE's exclusive table locks deadlock
    # with the reapers of the worker processes, which keep reading the tables.
    for attempt in range(5):
        try:
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == 4:
                raise


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
