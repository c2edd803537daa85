"""The one reading of query arguments, shared by the lists, the dashboards and the API.

A value that cannot be understood is refused with 400 naming the argument – never ignored, which
would return an unfiltered list as if it were filtered. An empty value means "not given", as a
filter form sends its empty choices.
"""

from datetime import date

from flask import request
from werkzeug.exceptions import BadRequest

from app.core.routing import MAX_ID

MAX_TEXT = 200


class BadArgument(BadRequest):
    """400 for one query argument; `parameter` names it (the API says so in its JSON)."""

    def __init__(self, name: str, expected: str):
        super().__init__(description=f"{name}: {expected}")
        self.parameter = name


class Args:
    """Typed access to `request.args` (or another MultiDict)."""

    def __init__(self, args=None):
        self.args = request.args if args is None else args

    def raw(self, name: str) -> str:
        return (self.args.get(name) or "").strip()

    def text(self, name: str, limit: int = MAX_TEXT) -> str:
        value = self.raw(name)
        if len(value) > limit:
            raise BadArgument(name, f"at most {limit} characters")
        return value

    def id(self, name: str) -> int | None:
        """A record's id: a whole number from 1 up."""
        value = self.raw(name)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
            raise BadArgument(name, "must be the id of a record (a whole number from 1)")
        return int(value)

    def number(self, name: str, default: int, low: int, high: int) -> int:
        value = self.raw(name)
        if not value:
            return default
        if not (value.isascii() and value.lstrip("-").isdigit()) or not low <= int(value) <= high:
            raise BadArgument(name, f"must be a whole number from {low} to {high}")
        return int(value)

    def choice(self, name: str, enum_cls, *extra: str):
        """A member of `enum_cls` by its value, or one of the `extra` words (returned as given)."""
        value = self.raw(name)
        if not value:
            return None
        if value in extra:
            return value
        if value not in enum_cls._value2member_map_:
            allowed = [m.value for m in enum_cls] + list(extra)
            raise BadArgument(name, "must be one of " + ", ".join(allowed))
        return enum_cls(value)

    def word(self, name: str, allowed, default: str) -> str:
        """One of the `allowed` words (a list's sort order, say), or `default` when not given."""
        value = self.raw(name)
        if not value:
            return default
        if value not in allowed:
            raise BadArgument(name, "must be one of " + ", ".join(allowed))
        return value

    def date(self, name: str) -> date | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadArgument(name, "must be a date as YYYY-MM-DD") from None

    def flag(self, name: str) -> bool:
        value = self.raw(name)
        if value not in ("", "0", "1"):
            raise BadArgument(name, "must be 1 or 0")
        return value == "1"
