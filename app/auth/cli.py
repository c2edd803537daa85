"""`flask users …`: accounts from the command line, through the same operations as the web UI
(and so into the same change log and security log)."""

import sys
from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.auth import operations
from app.auth.models import Role, User
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
ROLE_CHOICE = click.Choice([r.value for r in Role])


def _get(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    return user


def _commit(write):
    """Run an operation and commit; a broken rule is an error message, not a traceback."""
    try:
        result = write()
    except BusinessRuleError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from None
    ops.commit()
    return result


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise click.ClickException("No password on standard input.")
    return password


def _link(secret: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + "/password/" + secret


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, default=Role.READER.value, show_default=True)
@click.option("--name", "display_name", default="", help="Name shown in the app.")
@click.option("--link", is_flag=True, help="Print a one-time link for the user to choose a password "
                                           "instead of reading one.")
def create_user(username: str, role: str, display_name: str, link: bool) -> None:
    """Create USERNAME; the password is read from standard input, or prompted for (or --link)."""
    password = None if link else _read_password()
    values = dict(username=username, role=Role(role), display_name=display_name or username)
    user, secret = _commit(lambda: operations.create_user(values, None, password=password))
    click.echo(f"Created {user.username} with role {role}.")
    if secret:
        click.echo(f"One-time link to choose a password (valid {current_app.config['PASSWORD_LINK_HOURS']} h): "
                   f"{_link(secret)}")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=ROLE_CHOICE)
def set_role(username: str, role: str) -> None:
    """Give USERNAME another ROLE (their sessions end)."""
    user = _get(username)
    _commit(lambda: operations.update_user(user, {"role": Role(role)}, None))
    click.echo(f"{username} now has role {role}.")


@users_cli.command("set-password")
@click.argument("username")
def set_password(username: str) -> None:
    """Set USERNAME's password (read from standard input, or prompted for); their sessions end."""
    user = _get(username)
    password = _read_password()
    _commit(lambda: operations.set_password(user, password, None))
    click.echo(f"Password of {username} set.")


@users_cli.command("reset-link")
@click.argument("username")
def reset_link(username: str) -> None:
    """Print a one-time link for USERNAME to choose a new password; the old one stops working."""
    user = _get(username)
    secret = _commit(lambda: operations.issue_password_link(user, None))
    click.echo(_link(secret))


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Stop USERNAME from signing in (the account and its history stay; sessions end at once)."""
    user = _get(username)
    if user.is_active:
        _commit(lambda: operations.deactivate_user(user, None))
    click.echo(f"{username} is deactivated.")


@users_cli.command("activate")
@click.argument("username")
def activate(username: str) -> None:
    """Let a deactivated USERNAME sign in again."""
    user = _get(username)
    _commit(lambda: operations.activate_user(user, None))
    click.echo(f"{username} is active.")


@users_cli.command("unlock")
@click.argument("username")
def unlock(username: str) -> None:
    """Lift the sign-in lock after too many wrong passwords for USERNAME."""
    _commit(lambda: operations.unlock(username, None))
    click.echo(f"Sign-in for {username} is unlocked.")


@users_cli.command("list")
def list_users() -> None:
    """List accounts with their roles."""
    for user in db.session.scalars(sa.select(User).order_by(User.username)):
        state = "active" if user.is_active else "deactivated"
        click.echo(f"{user.username}\t{user.role.value}\t{state}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. 'Power BI'.")
@click.option("--days", type=click.IntRange(1), default=90, show_default=True, help="Days until it expires.")
def create_token(username: str, name: str, days: int) -> None:
    """Create a personal API token for USERNAME and print it (it is shown only once)."""
    user = _get(username)
    _token, secret = _commit(lambda: operations.issue_token(user, None, name, date.today() + timedelta(days=days)))
    click.echo(secret)


@users_cli.command("revoke-tokens")
@click.argument("username")
def revoke_tokens(username: str) -> None:
    """Revoke every API token of USERNAME."""
    user = _get(username)
    count = _commit(lambda: operations.revoke_tokens(user, None))
    click.echo(f"Revoked {count} token(s) of {username}.")
