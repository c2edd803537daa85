"""Behaviour every record that matters shares: who/when, archive instead of delete, a version."""

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.core import fulltext
from app.core.sorting import search_text, swedish_key


def utcnow() -> datetime:
    # Stored naive in UTC; Flask-Babel converts to Europe/Stockholm for display.
    return datetime.now(UTC).replace(tzinfo=None)


class LabeledEnum(enum.StrEnum):
    """A str enum whose members carry a translatable label: `Member = "member", _l("Ledamot")`."""

    def __new__(cls, value: str, label=None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label if label is not None else value
        return obj

    def __str__(self) -> str:
        return str(self.label)

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        return [(m.value, m.label) for m in cls]


@dataclass(frozen=True)
class RecordPage:
    """Where a user sees a record, so that pages listing changes (the start page) can link to it: the
    page's endpoint, the attribute holding its `record_id` – the record's own id, its parent's (a KPI
    measurement is shown on its KPI's page) or None for a page without one – and an optional anchor on
    that page, `{id}` standing for the record's id."""

    endpoint: str
    id_attr: str | None = "id"
    anchor: str | None = None

    def url(self, record) -> str:
        args = {"record_id": getattr(record, self.id_attr)} if self.id_attr else {}
        if self.anchor:
            args["_anchor"] = self.anchor.format(id=record.id)
        return url_for(self.endpoint, **args)


class AuditedMixin:
    """Created/updated by whom and when, archived flag and an optimistic-locking version.

    SQLAlchemy bumps `version` on every UPDATE and refuses a write whose row changed meanwhile;
    forms carry the version they were rendered with so a stale save is caught before that.

    Each audited model declares `__record_page__`: a RecordPage, or None for records whose changes are
    not for every reader's start page (accounts). Deliberately no default here, so a new model cannot
    forget it (tests/test_audit.py checks every one).
    """

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(nullable=False, default=1)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id"), default=None)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id"), default=None)

    @declared_attr
    def archived_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id"), default=None)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}

    # Fields shown in History, in order, with their labels; subclasses override.
    __field_labels__: dict[str, object] = {}
    # Fields not worth a history line (derived columns).
    __log_exclude__: frozenset[str] = frozenset({"name_sort", "search_text", "seed_key"})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @classmethod
    def active(cls):
        """Criterion for lists: archived records leave them but stay readable."""
        return cls.archived_at.is_(None)


class SeededMixin:
    """Records loaded by `flask seed` keep the key they have in seed/data/, so that a re-seed
    finds them even after someone renamed them in the app."""

    seed_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True, default=None)


class NamedMixin:
    """A name that sorts the Swedish way and is searchable regardless of case."""

    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(60), default=None)
    # Derived, so Text: case folding can make them longer than the name ("ß" → "ss").
    name_sort: Mapped[str] = mapped_column(sa.Text, default="", index=True)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    def refresh_derived_names(self) -> None:
        self.name_sort = swedish_key(self.name)
        self.search_text = search_text(self.name, self.short_name)

    @property
    def display_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name or ""


@sa.event.listens_for(NamedMixin, "before_insert", propagate=True)
@sa.event.listens_for(NamedMixin, "before_update", propagate=True)
def _named_before_write(mapper, connection, target) -> None:
    target.refresh_derived_names()


class SearchableMixin:
    """Case-folded text of the record's `__search_fields__`, for searches that ignore case; the database
    keeps a full-text index of it (app.core.fulltext)."""

    __search_fields__: tuple[str, ...] = ()
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    def refresh_search_text(self) -> None:
        self.search_text = search_text(*(str(getattr(self, f) or "") for f in self.__search_fields__))


@sa.event.listens_for(SearchableMixin, "before_insert", propagate=True)
@sa.event.listens_for(SearchableMixin, "before_update", propagate=True)
def _searchable_before_write(mapper, connection, target) -> None:
    target.refresh_search_text()


@sa.event.listens_for(SearchableMixin, "after_mapper_constructed", propagate=True)
def _searchable_index(mapper, class_) -> None:
    fulltext.index_table(mapper.local_table)


def is_current(start: date | None, end: date | None, on: date) -> bool:
    """True when a period [start, end] (open ends allowed) covers `on`."""
    return (start is None or start <= on) and (end is None or end >= on)


def current_on(start_col, end_col, on: date):
    """SQL criterion matching is_current()."""
    return sa.and_(
        sa.or_(start_col.is_(None), start_col <= on),
        sa.or_(end_col.is_(None), end_col >= on),
    )
