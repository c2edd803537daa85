"""The change log: one row per create/update/archive/restore, with old and new field values.

Written by app.core.operations in the same transaction as the change itself, so a change
without its log row cannot be committed.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, utcnow
from app.extensions import db


class ChangeAction(LabeledEnum):
    CREATE = "create", _l("Skapad")
    UPDATE = "update", _l("Ändrad")
    ARCHIVE = "archive", _l("Arkiverad")
    RESTORE = "restore", _l("Återställd")


class ChangeLog(db.Model):
    __tablename__ = "change_log"
    # One record's history, newest first, read through the index a page at a time (app.core.crud.history).
    __table_args__ = (sa.Index("ix_change_log_entity_time", "entity_type", "entity_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int]
    action: Mapped[ChangeAction] = mapped_column(enum_column(ChangeAction, "change_action"))
    # The record's version after this change: lets a stale form ask "what changed since mine?".
    version: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {field: {"old": value, "new": value}} with values as JSON scalars; references are stored
    # with their display label too, so history stays readable after a rename.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    user = relationship("User", lazy="joined", foreign_keys=[user_id])

    @property
    def action_label(self):
        """What happened, in the record's own words where it has them (an account is "deactivated",
        not "archived")."""
        model = model_for_table(self.entity_type)
        return getattr(model, "__action_labels__", {}).get(self.action, self.action.label)

    def __repr__(self) -> str:
        return f"<ChangeLog {self.entity_type}#{self.entity_id} {self.action.value} v{self.version}>"


# The log is append-only in the database itself, not only by the app's good manners: UPDATE and
# DELETE on it are refused by triggers (created with the table, and by the migration that added them).
APPEND_ONLY_MESSAGE = "change_log is append-only"
SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    f"CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
]
POSTGRESQL_APPEND_ONLY = [
    f"CREATE OR REPLACE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    "CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log "
    "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()",
]
for _statement in SQLITE_APPEND_ONLY:
    sa.event.listen(ChangeLog.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_APPEND_ONLY:
    sa.event.listen(ChangeLog.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))
sa.event.listen(ChangeLog.__table__, "after_drop",
                sa.DDL("DROP FUNCTION IF EXISTS change_log_append_only()").execute_if(dialect="postgresql"))


def model_for_table(table_name: str):
    """The model of a change log's entity type (its table), found among the mapped classes: no table of
    kinds to keep up to date."""
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table_name:
            return mapper.class_
    return None


def audited_models() -> list[type]:
    """Every mapped model that keeps a change log."""
    return [m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, AuditedMixin)]


def serialize(value):
    if value is None or isinstance(value, bool | int | float | str) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [serialize(v) for v in value]
    return str(value)


def loggable_fields(record) -> list[str]:
    """Columns worth a line in History: the record's own data, not bookkeeping."""
    skip = {"id", "version", "created_at", "updated_at", "archived_at",
            "created_by_id", "updated_by_id", "archived_by_id"} | set(record.__log_exclude__)
    return [c.key for c in sa.inspect(type(record)).column_attrs if c.key not in skip]


def _reference_label(record, field: str):
    """The display label of the record a foreign key points to (`group_id` → str(group))."""
    if not field.endswith("_id"):
        return None
    rel = sa.inspect(type(record)).relationships.get(field[:-3])
    value = getattr(record, field)
    if rel is None or value is None:
        return None
    # By id, not through the relationship: that may still hold the object before the change.
    target = db.session.get(rel.mapper.class_, value)
    return str(target) if target is not None else None


def snapshot(record) -> dict:
    """Field values and reference labels, to diff before/after an update."""
    values = {}
    for field in loggable_fields(record):
        values[field] = (serialize(getattr(record, field)), _reference_label(record, field))
    return values


def creation_changes(record, label=None) -> dict:
    """A new record's entry in its history: every field given a value, with reference labels.
    `label(record, field)` finds a reference's label (by default from the database)."""
    label = label or _reference_label
    changes = {}
    for field in loggable_fields(record):
        new, new_label = serialize(getattr(record, field)), label(record, field)
        if new not in (None, ""):
            changes[field] = {"old": None, "new": new} | ({"new_label": new_label} if new_label else {})
    return changes


def diff(before: dict, after: dict) -> dict:
    changes = {}
    for field, (new, new_label) in after.items():
        old, old_label = before.get(field, (None, None))
        if old != new:
            entry = {"old": old, "new": new}
            if old_label is not None or new_label is not None:
                entry["old_label"], entry["new_label"] = old_label, new_label
            changes[field] = entry
    return changes


def log_change(record, action: ChangeAction, user, changes: dict) -> ChangeLog:
    entry = ChangeLog(
        entity_type=record.__tablename__,
        entity_id=record.id,
        action=action,
        version=record.version,
        user_id=getattr(user, "id", None),
        changes=changes,
    )
    db.session.add(entry)
    return entry


# A record's history is read newest first by these, after its entity type and id (the index above).
HISTORY_ORDER = (ChangeLog.created_at, ChangeLog.id)


def history_query(record):
    """The change log of one record, unordered: paged by app.core.crud.history."""
    return sa.select(ChangeLog).where(ChangeLog.entity_type == record.__tablename__, ChangeLog.entity_id == record.id)


def history_for(record, since_version: int | None = None) -> list[ChangeLog]:
    stmt = history_query(record)
    if since_version is not None:
        stmt = stmt.where(ChangeLog.version > since_version)
    return list(db.session.scalars(stmt.order_by(ChangeLog.created_at.desc(), ChangeLog.id.desc())))


# Lines any record's history may hold: children that can belong to a record of any area.
SHARED_FIELD_LABELS = {"documents": _l("Dokument")}


def _ordered_fields(record_cls, entry: ChangeLog) -> list[str]:
    labels = record_cls.__field_labels__
    return [f for f in labels if f in entry.changes] + [f for f in entry.changes if f not in labels]


def changed_fields(record_cls, entry: ChangeLog) -> list:
    """The labels of the fields a change touched, in the model's field order (what `describe` shows,
    without formatting the values)."""
    return [_label(record_cls, f) for f in _ordered_fields(record_cls, entry)]


def _label(record_cls, field: str):
    # Looked up, not tested for truth: a lazy label would be translated only to be tested.
    labels = record_cls.__field_labels__
    return labels[field] if field in labels else SHARED_FIELD_LABELS.get(field, field)


def describe(record_cls, entry: ChangeLog) -> list[tuple[object, object, object]]:
    """(field label, old, new) lines a person can read, in the model's field order."""
    columns = sa.inspect(record_cls).columns
    lines = []
    for field in _ordered_fields(record_cls, entry):
        change = entry.changes[field]
        col_type = columns[field].type if field in columns else None
        lines.append((
            _label(record_cls, field),
            _display(change.get("old_label", change["old"]), col_type),
            _display(change.get("new_label", change["new"]), col_type),
        ))
    return lines


def _display(value, col_type):
    if value is None or value == "":
        return "–"
    enum_cls = getattr(col_type, "enum_class", None)
    if enum_cls is not None:
        try:
            return enum_cls(value).label
        except ValueError:
            return value
    if isinstance(col_type, sa.DateTime) and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    if isinstance(col_type, sa.Date) and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if value is True:
        return _l("Ja")
    if value is False:
        return _l("Nej")
    return value
