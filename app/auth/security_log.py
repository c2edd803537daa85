"""The security log and the sign-in throttle that counts it: reading and counting (the writes are
app.auth.operations').

Each event is a row in `security_events` and a line in the process log `styrregister.security`
(a file under instance/ by default). The throttle counts
failed sign-ins in the database, so several gunicorn workers or app servers share one allowance:
after `SIGNIN_MAX_FAILURES_PER_ACCOUNT` failures for one user name (existing or not) or
`SIGNIN_MAX_FAILURES_PER_ADDRESS` from one address within `SIGNIN_WINDOW_MINUTES`, sign-in is
refused until the oldest of those failures leaves the window.
"""

import logging
import os
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from app.auth.models import SecurityEvent, SecurityEventKind
from app.core.models import utcnow
from app.extensions import db

logger = logging.getLogger("styrregister.security")

# What counts against an account: a wrong password at sign-in, or when confirming an action with it.
ACCOUNT_FAILURES = (SecurityEventKind.SIGN_IN_FAILED, SecurityEventKind.PASSWORD_CONFIRM_FAILED)
# After these, an account's count starts again.
ACCOUNT_RESETS = (SecurityEventKind.SIGNED_IN, SecurityEventKind.PASSWORD_CONFIRMED, SecurityEventKind.UNLOCKED,
                  SecurityEventKind.PASSWORD_LINK_USED)


def configure(app) -> None:
    """Security events also go, one line each, to SECURITY_LOG_FILE (relative to instance/), which a
    region's log collector can pick up. Every worker appends to the same file."""
    name = app.config.get("SECURITY_LOG_FILE")
    logger.setLevel(logging.INFO)
    if not name:
        return
    path = os.path.join(app.instance_path, name)
    if any(isinstance(h, logging.FileHandler) and h.baseFilename == os.path.abspath(path) for h in logger.handlers):
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)


def username_key(username: str) -> str:
    return (username or "").strip().casefold()[:80]


def printable(text: str, limit: int) -> str:
    """Text from outside (a user name, a User-Agent) fit for a log and a text column: no control
    characters (PostgreSQL refuses NUL), at most `limit` characters."""
    return "".join(c for c in (text or "") if c.isprintable())[:limit]


def client_address() -> str:
    # With TRUSTED_PROXIES set, ProxyFix has already put the client's address here.
    return printable(request.remote_addr or "", 45) if has_request_context() else ""


def event_values(kind: SecurityEventKind, username: str, user, detail: str) -> dict:
    name = printable(username or getattr(user, "username", ""), 80)
    return dict(kind=kind, username=name, username_key=username_key(name), user_id=getattr(user, "id", None),
                address=client_address(), detail=printable(detail, 200))


def log_line(values: dict) -> None:
    logger.warning("%s user=%r address=%s%s", values["kind"].value, values["username"], values["address"],
                   f" {values['detail']}" if values["detail"] else "")


def _window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["SIGNIN_WINDOW_MINUTES"])


def _account_failures(key: str, now: datetime):
    last_reset = sa.select(sa.func.max(SecurityEvent.created_at)).where(
        SecurityEvent.username_key == key, SecurityEvent.kind.in_(ACCOUNT_RESETS)).scalar_subquery()
    since = sa.func.coalesce(last_reset, _window_start(now))
    return sa.select(SecurityEvent.created_at).where(
        SecurityEvent.username_key == key, SecurityEvent.kind.in_(ACCOUNT_FAILURES),
        SecurityEvent.created_at > _window_start(now), SecurityEvent.created_at > since)


def _address_failures(address: str, now: datetime):
    return sa.select(SecurityEvent.created_at).where(
        SecurityEvent.address == address, SecurityEvent.kind == SecurityEventKind.SIGN_IN_FAILED,
        SecurityEvent.created_at > _window_start(now))


def _locked_until(failures, limit: int) -> datetime | None:
    """When the limit-th most recent failure leaves the window, or None when fewer are counted."""
    nth = db.session.scalar(failures.order_by(SecurityEvent.created_at.desc()).offset(limit - 1).limit(1))
    if nth is None:
        return None
    return nth + timedelta(minutes=current_app.config["SIGNIN_WINDOW_MINUTES"])


def account_locked_until(username: str, now: datetime | None = None, beyond: int = 0) -> datetime | None:
    """Until when `username` is locked: once the account's limit of failures (`beyond` more, for a
    count that includes an attempt just reserved) falls within the window."""
    until = _locked_until(_account_failures(username_key(username), now or utcnow()),
                          current_app.config["SIGNIN_MAX_FAILURES_PER_ACCOUNT"] + beyond)
    return until if until is not None and until > (now or utcnow()) else None


def locked_until(username: str, now: datetime | None = None, beyond: int = 0) -> datetime | None:
    """Until when sign-in as `username` from this address is refused, or None. The same answer
    whether the account exists or not."""
    now = now or utcnow()
    times = [account_locked_until(username, now, beyond)]
    address = client_address()
    if address:
        times.append(_locked_until(_address_failures(address, now),
                                   current_app.config["SIGNIN_MAX_FAILURES_PER_ADDRESS"] + beyond))
    times = [t for t in times if t is not None and t > now]
    return max(times) if times else None
