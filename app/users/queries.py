"""The filters of the user list and the security log, in one place for the page (and any export)."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.models import Role, SecurityEvent, SecurityEventKind, User, UserSession
from app.auth.security_log import username_key
from app.core.args import Args
from app.extensions import db


@dataclass
class UserFilters:
    q: str = ""
    role: Role | None = None
    deactivated: bool = False

    @classmethod
    def from_args(cls, args=None) -> "UserFilters":
        a = Args(args)
        return cls(q=a.text("q"), role=a.choice("role", Role), deactivated=a.flag("deactivated"))


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
        a = Args(args)
        return cls(kind=a.choice("kind", SecurityEventKind), username=a.text("username", 80),
                   address=a.text("address", 45))


def events(filters: EventFilters):
    stmt = sa.select(SecurityEvent)
    if filters.kind is not None:
        stmt = stmt.where(SecurityEvent.kind == filters.kind)
    if filters.username:
        stmt = stmt.where(SecurityEvent.username_key == username_key(filters.username))
    if filters.address:
        stmt = stmt.where(SecurityEvent.address == filters.address)
    return stmt.order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
