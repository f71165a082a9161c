"""`flask create-user` and `flask create-token`."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.auth.models import ApiToken, Role, User
from app.extensions import db


@click.command("create-user")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.VIEWER.value,
    show_default=True,
    help="What the user may do: viewer reads, operator runs jobs, admin manages.",
)
@click.password_option(help="The user's password; prompted for when not given.")
@click.option("--token", is_flag=True, help="Also print an API token for the user.")
@with_appcontext
def create_user_command(username: str, role: str, password: str, token: bool) -> None:
    """Create a user, or reset the password and role of an existing one."""
    user = db.session.scalar(select(User).filter_by(username=username))
    if user is None:
        user = User(username=username)
        db.session.add(user)
    user.role = role
    user.set_password(password)
    if token:
        api_token, plaintext = ApiToken.issue(user, "cli")
        db.session.add(api_token)
    db.session.commit()

    click.echo(f"User {username} saved with role {role}.")
    if token:
        click.echo(f"API token (shown once): {plaintext}")
