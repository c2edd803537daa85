"""`flask users …`: create users, change their role, deactivate them, without the web UI."""

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.auth.models import ApiToken, Role, User
from app.core.audit import ChangeAction, ChangeLog
from app.core.models import utcnow
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
ROLE_CHOICE = click.Choice([r.value for r in Role])


def _get(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    return user


def _log(user: User, action: ChangeAction, changes: dict) -> None:
    """Account changes from the command line go to the change log like any other change.
    Accounts carry no version of their own, so the entry's version is 0."""
    db.session.flush()
    db.session.add(ChangeLog(entity_type="users", entity_id=user.id, action=action, version=0, user_id=None,
                             changes=changes))


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise click.ClickException("No password on standard input.")
    return password


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, default=Role.READER.value, show_default=True)
@click.option("--name", "display_name", default="", help="Name shown in the app.")
def create_user(username: str, role: str, display_name: str) -> None:
    """Create USERNAME; the password is read from standard input, or prompted for."""
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise click.ClickException(f"User {username!r} already exists.")
    password = _read_password()
    if len(password) < 8:
        raise click.ClickException("The password must be at least 8 characters.")
    user = User(username=username, role=Role(role), display_name=display_name or username)
    user.set_password(password)
    db.session.add(user)
    _log(user, ChangeAction.CREATE, {"username": {"old": None, "new": username}, "role": {"old": None, "new": role}})
    db.session.commit()
    click.echo(f"Created {username} with role {role}.")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=ROLE_CHOICE)
def set_role(username: str, role: str) -> None:
    """Give USERNAME another ROLE."""
    user = _get(username)
    _log(user, ChangeAction.UPDATE, {"role": {"old": user.role.value, "new": role}})
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{username} now has role {role}.")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Stop USERNAME from signing in (the account and its history stay)."""
    user = _get(username)
    if user.is_active_account:
        _log(user, ChangeAction.ARCHIVE, {"is_active_account": {"old": True, "new": False}})
    user.is_active_account = False
    db.session.commit()
    click.echo(f"{username} is deactivated.")


@users_cli.command("activate")
@click.argument("username")
def activate(username: str) -> None:
    """Let a deactivated USERNAME sign in again."""
    user = _get(username)
    if not user.is_active_account:
        _log(user, ChangeAction.RESTORE, {"is_active_account": {"old": False, "new": True}})
    user.is_active_account = True
    db.session.commit()
    click.echo(f"{username} is active.")


@users_cli.command("list")
def list_users() -> None:
    """List accounts with their roles."""
    for user in db.session.scalars(sa.select(User).order_by(User.username)):
        state = "active" if user.is_active_account else "deactivated"
        click.echo(f"{user.username}\t{user.role.value}\t{state}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. 'Power BI'.")
def create_token(username: str, name: str) -> None:
    """Create a personal API token for USERNAME and print it (it is shown only once)."""
    user = _get(username)
    _record, token = ApiToken.issue(user, name)
    db.session.commit()
    click.echo(token)


@users_cli.command("revoke-tokens")
@click.argument("username")
def revoke_tokens(username: str) -> None:
    """Revoke every API token of USERNAME."""
    user = _get(username)
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                          ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = utcnow()
    db.session.commit()
    click.echo(f"Revoked {len(tokens)} token(s) of {username}.")
