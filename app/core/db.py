"""Declarative base with a naming convention so that constraints have stable names in migrations."""

import enum
import functools

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        ident = getattr(self, "id", None)
        label = getattr(self, "name", None) or getattr(self, "username", None)
        extra = f" {label!r}" if label else ""
        return f"<{type(self).__name__} {ident}{extra}>"


# SQLite as a server's database: readers don't wait for the writer (WAL), a writer waits its turn
# instead of failing at once, and foreign keys are enforced as on PostgreSQL.
SQLITE_PRAGMAS = {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}


def configure_sqlite(engine) -> None:
    """Set SQLITE_PRAGMAS on every connection of `engine`, and check them once at start: a
    database that cannot take them (WAL on a network file system) stops the app with a reason."""

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for name, value in SQLITE_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name} = {value}")
        cursor.close()

    with engine.connect() as connection:
        actual = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in SQLITE_PRAGMAS}
    wrong = {name: value for name, value in actual.items() if str(value).lower() != str(SQLITE_PRAGMAS[name])}
    if wrong:
        raise RuntimeError(f"SQLite database at {engine.url.database} does not take the settings it needs: {wrong}")


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: stored as its value, guarded by a named check constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def refresh_statistics(engine) -> None:
    """Give the query planner fresh statistics of the tables' sizes and spreads: it chooses the
    indexes the lists and dashboards are built for only when it knows the tables are large. SQLite
    reads every index whole (a second or so at 100,000 assignments): sampled (`analysis_limit`) it
    believes no key has more than about a thousand rows, and then sorts the 60,000 open assignments for
    a dashboard's twenty instead of walking the due-date index. PostgreSQL's autovacuum keeps its own,
    this only hurries it."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit = 0")
        conn.exec_driver_sql("ANALYZE")


class PerDay:
    """A statement with one value per date, built once per number of dates and run with the dates bound.

    Figures asked for at several dates at once (a dashboard's checkpoints) are one column per date; building
    such a statement took several times longer than running it, on every request. `build` gets one bind
    parameter per date and returns the statement; the other parameters it uses are bound at `one()`."""

    def __init__(self, build, maxsize: int = 32):
        self._statement = functools.lru_cache(maxsize=maxsize)(
            lambda n: build([sa.bindparam(f"day{i}", type_=sa.Date) for i in range(n)]))

    def one(self, session, days, **params):
        """The statement's one row for `days` (in their order), with `params` bound."""
        bound = {**params, **{f"day{i}": day for i, day in enumerate(days)}}
        return session.execute(self._statement(len(days)), bound).one()
