"""Sign-in sessions kept on the server, and the loaders Flask-Login calls on each request.

The session cookie holds a random key; `user_sessions` holds its hash, who, when, from where and
when last seen. A session ends when its user signs out or ends it, when an admin ends it, when the
password changes, the account is deactivated or its rights change, after `SESSION_IDLE_MINUTES`
without a request and at the latest `SESSION_MAX_HOURS` after sign-in. "Remember me" keeps the
cookie after the browser closes and makes the session last `REMEMBER_DAYS` (at most 30) instead.
"""

import logging
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from app.auth.models import ApiToken, SessionEndReason, User, UserSession, secret_hash
from app.core.models import utcnow
from app.extensions import db

# Bookkeeping (last seen, last used) is written at most this often per session or token.
TOUCH_INTERVAL = timedelta(minutes=1)
MAX_REMEMBER_DAYS = 30
logger = logging.getLogger(__name__)


def check_session_settings(config) -> None:
    """Refuse to start with session settings outside what the security rules allow."""
    if not 1 <= int(config["REMEMBER_DAYS"]) <= MAX_REMEMBER_DAYS:
        raise RuntimeError(f"REMEMBER_DAYS must be between 1 and {MAX_REMEMBER_DAYS}.")
    for name in ("SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"):
        if int(config[name]) < 1:
            raise RuntimeError(f"{name} must be at least 1.")
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=int(config["REMEMBER_DAYS"]))
    config["REMEMBER_COOKIE_DURATION"] = config["PERMANENT_SESSION_LIFETIME"]


def lifetime(remember: bool) -> timedelta:
    config = current_app.config
    return timedelta(days=config["REMEMBER_DAYS"]) if remember else timedelta(hours=config["SESSION_MAX_HOURS"])


def _idle_limit(record: UserSession) -> timedelta:
    # A remembered session is meant to outlive a weekend away: only its lifetime bounds it.
    return lifetime(True) if record.remember else timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def why_over(record: UserSession, now: datetime) -> SessionEndReason | None:
    if now >= record.expires_at:
        return SessionEndReason.EXPIRED
    if now - record.last_seen_at >= _idle_limit(record):
        return SessionEndReason.IDLE
    return None


def live_sessions(user_id: int) -> list[UserSession]:
    now = utcnow()
    records = db.session.scalars(sa.select(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()
    return [r for r in records if why_over(r, now) is None]


def _write_aside(stmt) -> None:
    """Bookkeeping outside the request's transaction, so a read-only request stays read-only and
    nothing it does is committed early. Losing one such write is harmless; failing the request is not."""
    try:
        with db.engine.begin() as connection:
            connection.execute(stmt)
    except SQLAlchemyError:
        logger.warning("could not record last use", exc_info=True)


@cache
def _live_session_by_key():
    # Built once: every signed-in request asks it, and a statement built anew costs as much again as its run.
    return sa.select(UserSession, User).join(UserSession.user).where(
        UserSession.key_hash == sa.bindparam("key_hash"), UserSession.ended_at.is_(None))


def load_user_from_session(key: str) -> User | None:
    """Flask-Login's user loader: the session cookie's key → the live session → its user."""
    if not key:
        return None
    row = db.session.execute(_live_session_by_key(), {"key_hash": secret_hash(key)}).first()
    if row is None:
        return None
    record, user = row
    now = utcnow()
    reason = why_over(record, now)
    if reason is not None or not user.is_active:
        if reason is not None:
            _write_aside(sa.update(UserSession).where(UserSession.id == record.id, UserSession.ended_at.is_(None))
                         .values(ended_at=now, end_reason=reason))
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        _write_aside(sa.update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now))
    user.session_key = key
    user.current_session = record
    return user


def load_user_from_token(req) -> User | None:
    """Flask-Login's request loader: `Authorization: Bearer <token>` on the API only."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
        return None
    row = db.session.execute(sa.select(ApiToken, User).join(ApiToken.user).where(
        ApiToken.token_hash == secret_hash(header[7:].strip()))).first()
    now = utcnow()
    if row is None or not row[0].is_usable(now) or not row[1].is_active:
        from app.auth.security_log import client_address
        from app.auth.security_log import logger as security_logger

        security_logger.warning("api_token_refused address=%s path=%s", client_address(), req.path)
        return None
    token, user = row
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        _write_aside(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    g.api_token = token
    return user


def rate_limit_key() -> str:
    """Flask-Limiter's key for the API: the token (by its hash), else the signed-in user, else the address."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return "token:" + secret_hash(header[7:].strip())
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "address:" + (request.remote_addr or "")
