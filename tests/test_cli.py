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
    assert duplicate.exit_code != 0 and "Användarnamnet är upptaget" in duplicate.output
    short = runner.invoke(args=["users", "create", "kort"], input="abc12345\n")
    assert short.exit_code != 0 and "minst 12 tecken" in short.output
    common = runner.invoke(args=["users", "create", "vanlig"], input="Password1234!\n")
    assert common.exit_code != 0 and "för vanligt" in common.output
    bad_role = runner.invoke(args=["users", "create", "x", "--role", "kung"], input="ett-bra-losenord\n")
    assert bad_role.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_set_role_deactivate_activate(runner, client):
    runner.invoke(args=["users", "create", "eva"], input="ett-bra-losenord\n")
    assert runner.invoke(args=["users", "set-role", "eva", "admin"]).exit_code == 0
    assert get_user("eva").role == Role.ADMIN
    last_admin = runner.invoke(args=["users", "deactivate", "eva"])
    assert last_admin.exit_code != 0 and "minst en aktiv administratör" in last_admin.output
    runner.invoke(args=["users", "create", "adam", "--role", "admin"], input="ett-annat-losenord\n")
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
    runner.invoke(args=["users", "set-role", "eva", "secretariat"])
    runner.invoke(args=["users", "set-password", "eva"], input="ett-nytt-losenord\n")
    runner.invoke(args=["users", "token", "eva", "--name", "Power BI"])
    runner.invoke(args=["users", "revoke-tokens", "eva"])
    runner.invoke(args=["users", "deactivate", "eva"])
    entries = db.session.scalars(sa.select(ChangeLog).where(ChangeLog.entity_type == "users")
                                 .order_by(ChangeLog.id)).all()
    assert [e.action.value for e in entries] == ["create", "update", "update", "update", "update", "archive"]
    assert entries[0].changes["username"] == {"old": None, "new": "eva"}
    assert "password_changed_at" in entries[0].changes
    assert entries[1].changes == {"role": {"old": "reader", "new": "secretariat"}}
    assert set(entries[2].changes) == {"password_changed_at"}
    assert entries[3].changes["api_tokens"]["old"] is None and "Power BI" in entries[3].changes["api_tokens"]["new"]
    assert "Power BI" in entries[4].changes["api_tokens"]["old"] and entries[4].changes["api_tokens"]["new"] is None
    text = str([e.changes for e in entries])
    assert "ett-bra-losenord" not in text and "ett-nytt-losenord" not in text and "pbkdf2" not in text
    assert "scrypt" not in text


def test_a_token_without_a_name_is_issued_and_logged_as_unnamed(runner):
    from app.core.audit import ChangeLog

    runner.invoke(args=["users", "create", "ulf"], input="ett-bra-losenord\n")
    result = runner.invoke(args=["users", "token", "ulf"])
    assert result.exit_code == 0, result.output
    logged = db.session.scalars(sa.select(ChangeLog).where(ChangeLog.entity_type == "users")
                                .order_by(ChangeLog.id.desc())).first()
    assert "Namnlös nyckel" in logged.changes["api_tokens"]["new"]
