import pytest

from app import create_app
from app.config import ConfigError, load_settings

VALID = {
    "DATABASE_URL": "postgresql://opsc@db.example/opsc",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "s",
    "CREDENTIAL_KEY": "k",
}


def test_missing_settings_named_in_error():
    with pytest.raises(ConfigError) as caught:
        load_settings({"DATABASE_URL": VALID["DATABASE_URL"]})

    message = str(caught.value)
    assert "REDIS_URL" in message
    assert "SECRET_KEY" in message
    assert "CREDENTIAL_KEY" in message
    assert "DATABASE_URL:" not in message


def test_create_app_without_environment_fails(monkeypatch):
    for name in VALID:
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_non_postgres_database_rejected():
    with pytest.raises(ConfigError, match="PostgreSQL"):
        load_settings({**VALID, "DATABASE_URL": "sqlite:///x.db"})


def test_postgres_url_uses_psycopg2():
    settings = load_settings(VALID)

    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg2://")
