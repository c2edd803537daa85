"""Declarative base with a naming convention so that constraints have stable names in migrations."""

import enum

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
