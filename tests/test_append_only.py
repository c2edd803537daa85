"""The change log is append-only in the database itself: UPDATE and DELETE are refused by triggers,
whatever writes them – the app, a script or a person at the SQL prompt."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.core.audit import ChangeLog
from app.extensions import db
from tests import factories as f


def _entry_id() -> int:
    f.group("NSG Loggad")
    return db.session.scalar(sa.select(ChangeLog.id))


@pytest.mark.parametrize("statement", [
    "UPDATE change_log SET changes = '{}' WHERE id = :id",
    "UPDATE change_log SET user_id = NULL WHERE id = :id",
    "DELETE FROM change_log WHERE id = :id",
    "DELETE FROM change_log",
])
def test_the_database_refuses_to_rewrite_the_log(app, statement):
    entry_id = _entry_id()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(sa.text(statement), {"id": entry_id})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeLog)) == 1


def test_the_orm_cannot_either(app):
    entry = db.session.get(ChangeLog, _entry_id())
    entry.changes = {"name": {"old": None, "new": "Förfalskat"}}
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_new_entries_are_still_written(app):
    group = f.group("NSG Loggad")
    from app.core import operations as ops

    ops.update(group, None, {"mandate": "Nytt"})
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeLog)) == 2


def test_a_migrated_database_has_the_triggers(app):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    entry_id = _entry_id()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM change_log WHERE id = :id"), {"id": entry_id})
