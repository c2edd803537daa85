"""Kept counts ("tallies") for dashboards at national scale.

A dashboard figure such as "open assignments by status and traffic light" or "overdue assignments"
would otherwise read one index entry per record on every view. A tally keeps those counts per scope
(a group) and key (a status, or a date), with scope 0 holding the sum over every group, so a figure is
a handful of rows whatever the size of the register.

A tally is declared by its area (`TallySpec`: which rows count, under which scope and key) and kept
by recounting, in the writing transaction, the scopes whose rows a flush touched: the count of one
group is read from that group's rows (an index range), the change is added to scope 0. It never
depends on knowing a record's previous state, so no write path can leave it wrong except writes
past the ORM; those (the scale seed's bulk insert, a repair by hand) run `rebuild`
(`flask maintenance recompute`), and `differences` says whether anything drifted.
"""

from collections import Counter
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

EVERY = 0  # the scope that sums every group


class Tally(db.Model):
    __tablename__ = "tallies"

    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    scope_id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class TallySpec:
    """What a tally counts: rows of `model` meeting `where`, per `scope` (a column naming a group)
    and `key` (an SQL expression giving a string: a stored enum value, joined values, an ISO date).
    Rows whose key is NULL do not count. An edit of a record recounts its scope when it changed one of
    `fields` (empty: any edit), a new or deleted record always."""

    kind: str
    model: type
    scope: sa.ColumnElement
    key: sa.ColumnElement
    where: tuple = ()
    fields: frozenset = frozenset()

    def source(self, scope_ids=None):
        """(scope, key, count) from the records themselves, for `scope_ids` (None: every scope)."""
        stmt = (sa.select(self.scope, self.key, sa.func.count())
                .where(*self.where, self.key.is_not(None))
                .group_by(self.scope, self.key))
        return stmt if scope_ids is None else stmt.where(self.scope.in_(scope_ids))


SPECS: dict[str, TallySpec] = {}


def declare(spec: TallySpec) -> TallySpec:
    SPECS[spec.kind] = spec
    _watch(spec)
    return spec


def _upsert(connection, rows: list[dict], add: bool) -> None:
    """Set (or, with `add`, add to) the counts of `rows` ({kind, scope_id, key, n})."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(Tally.__table__)
    new_n = Tally.__table__.c.n + stmt.excluded.n if add else stmt.excluded.n
    connection.execute(stmt.on_conflict_do_update(index_elements=["kind", "scope_id", "key"], set_={"n": new_n}),
                       rows)


def recount(kind: str, scope_ids) -> None:
    """Bring tally `kind` up to date for the groups `scope_ids`, and scope 0 by the difference."""
    spec, scope_ids = SPECS[kind], sorted({s for s in scope_ids if s is not None})
    if not scope_ids:
        return
    connection = db.session.connection()
    t = Tally.__table__
    if connection.dialect.name == "postgresql":
        # Two transactions recounting one group would both add their difference to scope 0; the
        # second waits for the first (SQLite lets one writer in at a time anyway).
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:kind), s) "
                                   "FROM unnest(CAST(:scopes AS integer[])) AS s ORDER BY s"),
                           {"kind": kind, "scopes": scope_ids})
    kept = {(s, k): n for s, k, n in connection.execute(
        sa.select(t.c.scope_id, t.c.key, t.c.n).where(t.c.kind == kind, t.c.scope_id.in_(scope_ids)))}
    actual = {(s, k): n for s, k, n in connection.execute(spec.source(scope_ids))}
    changed = {key: actual.get(key, 0) for key in kept.keys() | actual.keys() if actual.get(key, 0) != kept.get(key, 0)}
    if not changed:
        return
    _upsert(connection, [{"kind": kind, "scope_id": s, "key": k, "n": n} for (s, k), n in changed.items()], add=False)
    every = Counter()
    for (s, k), n in changed.items():
        every[k] += n - kept.get((s, k), 0)
    _upsert(connection, [{"kind": kind, "scope_id": EVERY, "key": k, "n": n} for k, n in every.items() if n],
            add=True)


def _expected(spec: TallySpec) -> dict[tuple[int, str], int]:
    rows = db.session.execute(spec.source()).all()
    out: Counter = Counter()
    for scope_id, key, n in rows:
        out[(scope_id, key)] += n
        out[(EVERY, key)] += n
    return dict(out)


def rebuild(kinds=None) -> None:
    """Recount tallies `kinds` (default every one) from their records."""
    for kind in kinds or SPECS:
        t = Tally.__table__
        # Counts are set to zero, not deleted (nothing is): a count that comes back reuses its row.
        db.session.execute(sa.update(t).where(t.c.kind == kind).values(n=0))
        _upsert(db.session.connection(), [{"kind": kind, "scope_id": s, "key": k, "n": n}
                                          for (s, k), n in _expected(SPECS[kind]).items()], add=False)


def differences(kind: str) -> list[tuple[int, str, int, int]]:
    """Counts of tally `kind` that differ from its records: (scope, key, kept, actual)."""
    db.session.flush()
    t = Tally.__table__
    kept = {(s, k): n for s, k, n in db.session.execute(
        sa.select(t.c.scope_id, t.c.key, t.c.n).where(t.c.kind == kind, t.c.n != 0))}
    actual = _expected(SPECS[kind])
    return sorted((s, k, kept.get((s, k), 0), actual.get((s, k), 0)) for s, k in kept.keys() | actual.keys()
                  if kept.get((s, k), 0) != actual.get((s, k), 0))


@cache
def _sum_statement(by_key: bool, every: bool, before: bool):
    # Built once for each shape, with the kind, scopes and key bound at run: every list and dashboard
    # reads tallies, and a statement built anew costs more than the sum.
    t = Tally.__table__
    stmt = sa.select(*((t.c.key,) if by_key else ()), sa.func.coalesce(sa.func.sum(t.c.n), 0)).where(
        t.c.kind == sa.bindparam("kind"),
        t.c.scope_id == EVERY if every else t.c.scope_id.in_(sa.bindparam("scopes", expanding=True)))
    if before:
        stmt = stmt.where(t.c.key < sa.bindparam("before"))
    return stmt.group_by(t.c.key) if by_key else stmt


def _sum(kind: str, scopes, by_key: bool, before: str | None):
    """The statement and its parameters that sum tally `kind` over `scopes` (None: every group)."""
    params = {"kind": kind}
    if scopes is not None:
        params["scopes"] = list(scopes)
    if before is not None:
        params["before"] = before
    return _sum_statement(by_key, scopes is None, before is not None), params


def counts(kind: str, scope_ids=None, less=None) -> dict[str, int]:
    """Tally `kind` per key over the groups `scope_ids` (None: every group) less the groups `less`."""
    out = Counter()
    for scopes, sign in ((scope_ids, 1), (less, -1)):
        if scopes is None and sign < 0 or scopes is not None and not scopes:
            continue
        for key, n in db.session.execute(*_sum(kind, scopes, True, None)):
            out[key] += sign * n
    return {key: n for key, n in out.items() if n}


def total(kind: str, scope_ids=None, less=None, before: str | None = None) -> int:
    """The sum of tally `kind` over the groups `scope_ids` (None: every group) less the groups `less`,
    with `before` over the keys before it only (dates as ISO text sort as dates do)."""
    n = 0
    for scopes, sign in ((scope_ids, 1), (less, -1)):
        if scopes is None and sign < 0 or scopes is not None and not scopes:
            continue
        n += sign * db.session.scalar(*_sum(kind, scopes, False, before))
    return n


def recount_for(obj) -> None:
    """Recount every tally of `obj`'s model for its scope: after a write past the unit of work (the
    kept state's UPDATE by primary key), which no flush reports."""
    for spec in _WATCHED.get(type(obj), ()):
        recount(spec.kind, [getattr(obj, spec.scope.key)])


_WATCHED: dict[type, list[TallySpec]] = {}


def _watch(spec: TallySpec) -> None:
    _WATCHED.setdefault(spec.model, []).append(spec)
    if getattr(_watch, "listening", False):
        return
    _watch.listening = True

    @sa.event.listens_for(db.session, "after_flush")
    def collect(session, _context):
        # The flush's objects and their attribute history are still as before it here.
        pending = session.info.setdefault("tallies", {})
        for state, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
            for obj in objects:
                for spec in _WATCHED.get(type(obj), ()):
                    attrs = sa.inspect(obj).attrs
                    if state == "dirty" and spec.fields and not any(attrs[f].history.has_changes()
                                                                    for f in spec.fields):
                        continue
                    scope = attrs[spec.scope.key]
                    pending.setdefault(spec.kind, set()).update({scope.value, *scope.history.deleted})

    @sa.event.listens_for(db.session, "after_flush_postexec")
    def keep(session, _context):
        # Kinds in one order, scopes sorted (recount): concurrent writers take the locks alike.
        for kind, scopes in sorted(session.info.pop("tallies", {}).items()):
            recount(kind, scopes)

    @sa.event.listens_for(db.session, "after_rollback")
    def forget(session):
        session.info.pop("tallies", None)
