"""OpsConductor: run PowerShell jobs on Windows hosts over WinRM."""

import logging

from flask import Flask

from app.config import load_settings
from app.extensions import csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Create the application; settings come from the environment unless given."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.update(load_settings() if config is None else config)

    from app import models  # noqa: F401 - registers every table on db.metadata

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(app))
    csrf.init_app(app)
    login_manager.init_app(app)
    _init_redis(app)

    _register_blueprints(app)
    _register_error_pages(app)
    _register_commands(app)
    _configure_logging(app)
    return app


def _migrations_dir(app: Flask) -> str:
    import os

    return os.path.join(os.path.dirname(app.root_path), "migrations")


def _init_redis(app: Flask) -> None:
    from redis import Redis

    app.extensions["redis"] = Redis.from_url(app.config["REDIS_URL"])


def _register_blueprints(app: Flask) -> None:
    import importlib

    from app.web import templating

    templating.init_app(app)
    for feature in ("auth", "credentials", "targets", "jobs", "runs", "api"):
        importlib.import_module(f"app.{feature}.views")
        app.register_blueprint(importlib.import_module(f"app.{feature}.blueprint").bp)


def _register_error_pages(app: Flask) -> None:
    from flask import jsonify, render_template, request
    from werkzeug.exceptions import HTTPException

    def render_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return jsonify(error=exc.description), exc.code
        return render_template("errors.html", error=exc), exc.code

    for code in (400, 403, 404, 405, 422, 500):
        app.register_error_handler(code, render_error)


def _register_commands(app: Flask) -> None:
    from app.auth.commands import create_user_command

    app.cli.add_command(create_user_command)


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
        )
