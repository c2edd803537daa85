"""`flask users …` manages accounts from the command line."""

import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from tests.conftest import Browser


def get_user(name: str) -> User:
    db.session.expire_all()
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def test_create_reads_password_from_stdin_and_user_can_sign_in(runner, client):
    result = runner.invoke(args=["users", "create", "eva", "--role", "secretariat", "--name", "Eva Exempel"],
                           input="ett-bra-losenord\n")
    assert result.exit_code == 0, result.output
    user = get_user("eva")
    assert user.role == Role.SECRETARIAT and user.display_name == "Eva Exempel"
    assert user.password_hash != "ett-bra-losenord"
    assert Browser(client).login("eva", "ett-bra-losenord").status_code == 302


def test_create_refuses_duplicates_short_passwords_and_unknown_roles(runner):
    assert runner.invoke(args=["users", "create", "eva"], input="ett-bra-losenord\n").exit_code == 0
    duplicate = runner.invoke(args=["users", "create", "eva"], input="ett-bra-losenord\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["users", "create", "kort"], input="abc\n")
    assert short.exit_code != 0 and "at least 8" in short.output
    bad_role = runner.invoke(args=["users", "create", "x", "--role", "kung"], input="ett-bra-losenord\n")
    assert bad_role.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_set_role_deactivate_activate(runner, client):
    runner.invoke(args=["users", "create", "eva"], input="ett-bra-losenord\n")
    assert runner.invoke(args=["users", "set-role", "eva", "admin"]).exit_code == 0
    assert get_user("eva").role == Role.ADMIN
    assert runner.invoke(args=["users", "deactivate", "eva"]).exit_code == 0
    assert not get_user("eva").is_active
    page = Browser(client).login("eva", "ett-bra-losenord").get_data(as_text=True)
    assert "Kontot är avstängt" in page
    assert runner.invoke(args=["users", "activate", "eva"]).exit_code == 0
    assert Browser(client).login("eva", "ett-bra-losenord").status_code == 302
    listing = runner.invoke(args=["users", "list"])
    assert "eva\tadmin\tactive" in listing.output
    assert runner.invoke(args=["users", "set-role", "nobody", "admin"]).exit_code != 0


def test_account_changes_are_in_the_change_log(runner):
    from app.core.audit import ChangeLog

    runner.invoke(args=["users", "create", "eva"], input="ett-bra-losenord\n")
    runner.invoke(args=["users", "set-role", "eva", "admin"])
    runner.invoke(args=["users", "deactivate", "eva"])
    entries = db.session.scalars(sa.select(ChangeLog).where(ChangeLog.entity_type == "users")
                                 .order_by(ChangeLog.id)).all()
    assert [e.action.value for e in entries] == ["create", "update", "archive"]
    assert entries[1].changes == {"role": {"old": "reader", "new": "admin"}}
    assert "ett-bra-losenord" not in str([e.changes for e in entries])
