"""Writes for calendar feeds: a user resets their feed URLs (the old ones stop working at once)."""

from app.calendars.models import CalendarFeedKey
from app.core import operations as ops
from app.core.models import utcnow
from app.core.permissions import authorize
from app.extensions import db


def _label(key: CalendarFeedKey) -> str:
    # Never the secret itself (the generation is no secret: the signature is).
    return f"Kalenderlänkar nollställda ({key.reset_at:%Y-%m-%d %H:%M})"


def reset_feeds(user, by) -> CalendarFeedKey:
    """A new generation: every feed URL signed for an earlier one is refused from now on."""
    key = db.session.get(CalendarFeedKey, user.id)
    if key is None:
        return ops.add_child(user, CalendarFeedKey(user_id=user.id, generation=1, reset_at=utcnow()), by,
                             "calendar_feeds", _label)
    authorize(by, "reset", key)
    ops.change_child(user, key, by, "calendar_feeds", {"generation": key.generation + 1, "reset_at": utcnow()},
                     _label)
    return key
