import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.db import enum_column
from app.core.models import LabeledEnum, utcnow
from app.extensions import db


class Role(LabeledEnum):
    ADMIN = "admin", _l("Administratör")
    SECRETARIAT = "secretariat", _l("Kansli")
    COMPETENCE_CENTRE = "competence_centre", _l("Kompetenscentrum")
    READER = "reader", _l("Läsare")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"), default=Role.READER)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The person the user is, for rights derived from memberships (chair, secretary).
    # use_alter: people refer back to users (created_by), so this key is added last.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", use_alter=True), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    person = relationship("Person", foreign_keys=[person_id])

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in for inactive users
        return self.is_active_account

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(db.Model):
    """A personal token for the read-only API (Power BI, Qlik). Only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: "User", name: str = "") -> tuple["ApiToken", str]:
        token = secrets.token_urlsafe(32)
        record = cls(user_id=user.id, token_hash=cls.hash(token), name=name)
        db.session.add(record)
        return record, token
