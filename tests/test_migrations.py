"""`flask db upgrade` on an empty database yields exactly the schema the models declare."""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.core import fulltext
from app.extensions import db


def _empty_database():
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_matches_models_and_downgrade_removes_everything(app):
    _empty_database()
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": fulltext.include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"

    downgrade(revision="base")
    remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()


def _search_index_objects() -> set[tuple]:
    """The full-text index as the database holds it (the models don't declare it, so the comparison above
    leaves it out)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(sa.text("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE '%fts%'"))
            return {(r.type, r.name, r.tbl_name, " ".join((r.sql or "").split())) for r in rows}
        columns = conn.execute(sa.text(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid) "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attgenerated = 's' AND pg_table_is_visible(c.oid)"))
        indexes = conn.execute(sa.text("SELECT tablename, indexname, indexdef FROM pg_indexes "
                                        "WHERE schemaname = current_schema() AND indexname LIKE '%search_vector'"))
        return {tuple(r) for r in columns} | {tuple(r) for r in indexes}


def test_a_migrated_database_has_the_search_index_the_models_create(app):
    """Triggers, FTS tables and the tsvector column are outside the comparison of models and migrations:
    both ways of making the schema must make them alike, on all six searchable tables."""
    db.drop_all()
    db.create_all()
    created = _search_index_objects()
    _empty_database()
    upgrade()
    migrated = _search_index_objects()
    assert migrated == created
    indexed = {"assignments", "decisions", "meetings", "activities", "kpis", "use_cases"}
    if db.engine.dialect.name == "sqlite":
        assert {name for kind, name, _t, _s in created if kind == "trigger"} == {
            f"{t}_fts_{event}" for t in indexed for event in ("insert", "update", "delete")}
    else:
        assert {row[0] for row in created} == indexed and len(created) == 2 * len(indexed)
    downgrade(revision="9f999b2947b6")
    assert _search_index_objects() == set()


def test_migrated_database_accepts_the_seed(app, runner):
    _empty_database()
    upgrade()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "groups" in result.output


def test_the_sign_in_migration_carries_existing_accounts_and_tokens(app):
    """Accounts and tokens from before server-side sessions: a deactivated account stays deactivated
    (as archived), tokens get an expiry a year after they were made, every account gets version 1."""
    _empty_database()
    upgrade(revision="5e1f0c2a9b47")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO users (username, display_name, password_hash, role, is_active_account, is_demo, created_at)"
            " VALUES ('aktiv', 'A', 'x', 'admin', :yes, :no, '2026-01-01 10:00:00'),"
            " ('borta', 'B', 'x', 'reader', :no, :no, '2026-01-01 10:00:00')"), {"yes": True, "no": False})
        conn.execute(sa.text("INSERT INTO api_tokens (user_id, token_hash, name, created_at) "
                             "SELECT id, 'h', 'Power BI', '2026-02-01 00:00:00' FROM users WHERE username = 'aktiv'"))
    upgrade()
    with db.engine.connect() as conn:
        users = {row.username: row for row in conn.execute(sa.text(
            "SELECT username, archived_at, version, updated_at FROM users"))}
        expires = conn.execute(sa.text("SELECT expires_at FROM api_tokens")).scalar()
    assert users["aktiv"].archived_at is None and users["borta"].archived_at is not None
    assert {u.version for u in users.values()} == {1} and all(u.updated_at for u in users.values())
    assert str(expires).startswith("2027-02-01")
    downgrade(revision="5e1f0c2a9b47")
    with db.engine.connect() as conn:
        flags = dict(conn.execute(sa.text("SELECT username, is_active_account FROM users")).all())
    assert {k: bool(v) for k, v in flags.items()} == {"aktiv": True, "borta": False}


def test_the_tallies_migration_counts_the_register_as_it_stands(app, runner):
    """Upgrading a register that has data fills the dashboards' tallies as the operations keep them."""
    from app.core import tallies
    from app.groups.models import Group
    from tests import gov_factories as gov

    _empty_database()
    upgrade()
    assert runner.invoke(args=["seed"]).exit_code == 0
    first, second = db.session.scalars(sa.select(Group).order_by(Group.id).limit(2)).all()
    late = gov.assignment(first, second, due_on=date.today() - timedelta(days=3))
    gov.report_request(late, date.today() - timedelta(days=1))
    nonzero = sa.select(tallies.Tally.__table__).where(tallies.Tally.n != 0)
    kept = db.session.execute(nonzero).all()
    db.session.remove()
    downgrade(revision="4b7d2e9c1a58")
    upgrade()
    assert {kind for kind, *_ in kept} == set(tallies.SPECS)
    assert sorted(db.session.execute(nonzero).all()) == sorted(kept)
    assert all(tallies.differences(kind) == [] for kind in tallies.SPECS)


def test_the_activity_order_migration_gives_existing_activities_their_sort_key(app, runner):
    """Upgrading a register with activities fills their code keys as the model keeps them, and the order
    the pages read from the index is then the numbers' (A.2 before A.10)."""
    from app.competence.plan.models import Activity
    from app.core.sorting import code_sort_key

    _empty_database()
    upgrade()
    assert runner.invoke(args=["seed"]).exit_code == 0
    kept = dict(db.session.execute(sa.select(Activity.id, Activity.code_sort)).all())
    assert len(kept) > 1
    db.session.remove()
    downgrade(revision="3e8a6c1f0b72")
    assert "code_sort" not in {c["name"] for c in sa.inspect(db.engine).get_columns("activities")}
    upgrade()
    rows = db.session.execute(sa.select(Activity.id, Activity.code, Activity.code_sort)).all()
    assert {r.id: r.code_sort for r in rows} == kept
    assert all(r.code_sort == code_sort_key(r.code) for r in rows)


def test_the_order_keys_migration_keys_the_assignments_already_there(app):
    """Upgrading a register with assignments gives each the status and latest-report keys the models and
    the operations give: the lifecycle's place, the latest report's date or the unreported's dates."""
    from app.assignments.models import Assignment, AssignmentStatus, TrafficLight
    from app.assignments.queries import kept_state_differences
    from app.core.sorting import UNDATED, UNDATED_DESC
    from tests import gov_factories as gov

    _empty_database()
    upgrade()
    w = gov.world()
    reported = gov.assignment(w.principal, w.recipient, status=AssignmentStatus.PAUSED)
    gov.report(reported, TrafficLight.AT_RISK, reported_on=date(2026, 5, 4))
    gov.assignment(w.principal, w.unrelated, status=AssignmentStatus.DELIVERED)
    keys = sa.select(Assignment.id, Assignment.status_sort, Assignment.report_sort, Assignment.report_desc_sort)
    kept = sorted(db.session.execute(keys).all())
    db.session.remove()
    downgrade(revision="3e8a6c1f0b72")
    upgrade()
    assert sorted(db.session.execute(keys).all()) == kept
    assert {row[1:] for row in kept} == {(3, date(2026, 5, 4), date(2026, 5, 4)), (4, UNDATED, UNDATED_DESC)}
    assert kept_state_differences() == []
