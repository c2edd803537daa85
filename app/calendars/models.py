"""A user's calendar-feed key: the feeds' URLs are signed over (user, generation); a reset moves the
generation on, and every URL made before stops working at once."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class CalendarFeedKey(db.Model):
    __tablename__ = "calendar_feed_keys"
    __owner_attr__ = "user_id"  # a user resets their own feeds (app.core.permissions)
    __owner_actions__ = frozenset({"reset"})

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    reset_at: Mapped[datetime | None]

    user = relationship("User")

    def __str__(self) -> str:
        return f"{self.generation}"
