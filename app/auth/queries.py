"""Reads for account pages: a user's API tokens (their own page and the admins' user page)."""

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db


def tokens_of(user_id: int) -> list[ApiToken]:
    """Active tokens first, then expired and revoked ones (kept for the record), newest first."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(
        ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())))
