"""The filters of the user list and the security log, in one place for the page (and any export)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, request
from sqlalchemy.orm import selectinload

from app.auth.models import Role, SecurityEvent, SecurityEventKind, User, UserSession
from app.auth.security_log import username_key
from app.extensions import db


@dataclass
class UserFilters:
    q: str = ""
    role: Role | None = None
    deactivated: bool = False

    @classmethod
    def from_args(cls, args=None) -> "UserFilters":
        args = request.args if args is None else args
        return cls(q=args.get("q", "").strip()[:200], role=_choice(Role, args.get("role", "")),
                   deactivated=args.get("deactivated") == "1")


def _choice(enum_cls, raw: str):
    """An enum value from a query argument; an unknown one is refused rather than ignored, so a list
    never looks filtered when it is not."""
    if not raw:
        return None
    if raw not in enum_cls._value2member_map_:
        abort(400)
    return enum_cls(raw)


def last_sign_ins(user_ids) -> dict[int, object]:
    """When each of these users last signed in (one query for a page of users)."""
    return dict(db.session.execute(sa.select(UserSession.user_id, sa.func.max(UserSession.created_at))
                                   .where(UserSession.user_id.in_(list(user_ids))).group_by(UserSession.user_id)).all())


def users(filters: UserFilters):
    stmt = sa.select(User).options(selectinload(User.person))
    if not filters.deactivated:
        stmt = stmt.where(User.active())
    if filters.role is not None:
        stmt = stmt.where(User.role == filters.role)
    if filters.q:
        needle = f"%{filters.q.casefold()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.username).like(needle),
                                 sa.func.lower(User.display_name).like(needle)))
    return stmt.order_by(User.username)


@dataclass
class EventFilters:
    kind: SecurityEventKind | None = None
    username: str = ""
    address: str = ""

    @classmethod
    def from_args(cls, args=None) -> "EventFilters":
        args = request.args if args is None else args
        return cls(kind=_choice(SecurityEventKind, args.get("kind", "")),
                   username=args.get("username", "").strip()[:80], address=args.get("address", "").strip()[:45])


def events(filters: EventFilters):
    stmt = sa.select(SecurityEvent)
    if filters.kind is not None:
        stmt = stmt.where(SecurityEvent.kind == filters.kind)
    if filters.username:
        stmt = stmt.where(SecurityEvent.username_key == username_key(filters.username))
    if filters.address:
        stmt = stmt.where(SecurityEvent.address == filters.address)
    return stmt.order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
