"""Accounts, their sign-in sessions, API tokens, one-time password links and the security log."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from app.core.audit import ChangeAction
from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, utcnow
from app.core.roles import Role
from app.extensions import db

# Stored instead of a hash while an account waits for its owner to choose a password (a new account,
# or after a reset): no password matches it.
NO_PASSWORD = "!"


def secret_hash(secret: str) -> str:
    """Tokens, session keys and one-time links are 256 random bits: a plain SHA-256 is enough to
    keep a copy of the database from being a copy of the keys."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """A fresh secret and its hash; only the hash is stored."""
    secret = secrets.token_urlsafe(32)
    return secret, secret_hash(secret)


class User(UserMixin, AuditedMixin, db.Model):
    """An account. Deactivating it archives it: it stays, with its history, and can be activated."""

    __tablename__ = "users"
    # Accounts are the admins' business (users pages): their changes stay off every reader's start page.
    __record_page__ = None

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256), default=NO_PASSWORD)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"), default=Role.READER)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The person the user is, for rights derived from memberships (chair, secretary).
    # use_alter: people refer back to users (created_by), so this key is added last.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", use_alter=True), unique=True)

    person = relationship("Person", foreign_keys=[person_id])

    __field_labels__ = {
        "username": _l("Användarnamn"),
        "display_name": _l("Namn"),
        "role": _l("Roll"),
        "person_id": _l("Person"),
        "password_changed_at": _l("Lösenord satt"),
        "api_tokens": _l("API-nyckel"),
        "is_demo": _l("Demokonto"),
    }
    __log_exclude__ = frozenset({"password_hash"})
    __action_labels__ = {ChangeAction.ARCHIVE: _l("Avstängt"), ChangeAction.RESTORE: _l("Aktiverat igen")}

    def check_password(self, password: str) -> bool:
        if not self.has_password:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        return self.password_hash != NO_PASSWORD

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in for inactive users
        return self.archived_at is None

    def governed_group_ids(self, on) -> frozenset[int]:
        """Groups this user's person currently chairs or is secretary of (what app.core.permissions
        needs from the people area, asked here so that core imports no area)."""
        if not self.person_id:
            return frozenset()
        from app.people.models import Membership

        return Membership.governing_group_ids(self.person_id, on)

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the cookie: the key of the server-side session, never the
        # user's id, so that ending the session record ends the sign-in (app.auth.sessions).
        return getattr(self, "session_key", None)

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(db.Model):
    """A personal token for the read-only API (Power BI, Qlik). Only its hash is stored; it is a
    child of its user: issuing and revoking are entries in the user's history."""

    __tablename__ = "api_tokens"
    __owner_attr__ = "user_id"  # its user may revoke it (app.core.permissions)
    __owner_actions__ = frozenset({"revoke"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    hash = staticmethod(secret_hash)

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    @property
    def last_day(self) -> date:
        """The last day it works (it expires at the start of the next)."""
        return (self.expires_at - timedelta(seconds=1)).date()

    def __str__(self) -> str:
        return self.name or str(_l("Namnlös nyckel"))


class SessionEndReason(LabeledEnum):
    SIGNED_OUT = "signed_out", _l("Utloggad")
    ENDED_BY_USER = "ended_by_user", _l("Avslutad av användaren")
    ENDED_BY_ADMIN = "ended_by_admin", _l("Avslutad av en administratör")
    PASSWORD_CHANGED = "password_changed", _l("Lösenordet byttes")
    PASSWORD_RESET = "password_reset", _l("Lösenordet återställdes")
    DEACTIVATED = "deactivated", _l("Kontot stängdes av")
    RIGHTS_CHANGED = "rights_changed", _l("Behörigheten ändrades")
    IDLE = "idle", _l("Inaktiv för länge")
    EXPIRED = "expired", _l("Längsta tid nådd")


class UserSession(db.Model):
    """One sign-in: the cookie holds its random key, the server holds its hash, so ending the record
    ends the sign-in everywhere the cookie was copied."""

    __tablename__ = "user_sessions"
    __table_args__ = (sa.Index("ix_user_sessions_user_id_ended_at", "user_id", "ended_at"),)
    __owner_attr__ = "user_id"
    __owner_actions__ = frozenset({"end"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    remember: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[SessionEndReason | None] = mapped_column(enum_column(SessionEndReason, "session_end_reason"))

    user: Mapped[User] = relationship()

    @property
    def browser(self) -> str:
        """A short name for the user agent, enough to tell one's own devices apart."""
        agent = self.user_agent
        browsers = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
        name = next((label for needle, label in browsers if needle in agent), agent[:40] or "–")
        for needle, system in (("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                               ("Android", "Android"), ("Mac OS", "macOS"), ("Linux", "Linux")):
            if needle in agent:
                return f"{name}, {system}"
        return name


class PasswordLink(db.Model):
    """A one-time link to choose a password: for a new account, or after a reset by an admin."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    for_new_account: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now


class SecurityEventKind(LabeledEnum):
    SIGN_IN_FAILED = "sign_in_failed", _l("Misslyckad inloggning")
    LOCKED_OUT = "locked_out", _l("Spärr inledd")
    SIGN_IN_BLOCKED = "sign_in_blocked", _l("Försök nekat under spärr")
    SIGNED_IN = "signed_in", _l("Inloggning")
    SIGNED_OUT = "signed_out", _l("Utloggning")
    SESSION_ENDED = "session_ended", _l("Session avslutad")
    PASSWORD_CONFIRM_FAILED = "password_confirm_failed", _l("Fel lösenord vid bekräftelse")
    PASSWORD_CONFIRMED = "password_confirmed", _l("Lösenord bekräftat")
    PASSWORD_CHANGED = "password_changed", _l("Lösenord bytt")
    PASSWORD_LINK_USED = "password_link_used", _l("Engångslänk använd")
    PASSWORD_LINK_REFUSED = "password_link_refused", _l("Ogiltig engångslänk")
    UNLOCKED = "unlocked", _l("Spärr hävd")


class SecurityEvent(db.Model):
    """The security log: sign-ins, failures, lockouts, session ends. It is also what the sign-in
    throttle counts, so that every worker and server sees the same counts."""

    __tablename__ = "security_events"
    __table_args__ = (
        sa.Index("ix_security_events_username_key_created_at", "username_key", "created_at"),
        sa.Index("ix_security_events_address_created_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[SecurityEventKind] = mapped_column(enum_column(SecurityEventKind, "security_event_kind"))
    # As typed (the account may not exist) and folded, which is what the throttle counts.
    username: Mapped[str] = mapped_column(sa.String(80), default="")
    username_key: Mapped[str] = mapped_column(sa.String(80), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    address: Mapped[str] = mapped_column(sa.String(45), default="")
    detail: Mapped[str] = mapped_column(sa.String(200), default="")

    user: Mapped[User | None] = relationship()
