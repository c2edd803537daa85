"""URL pieces shared by all areas."""

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

# Largest id any of our databases stores in an INTEGER column.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ids a database can hold, so huge numbers give 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(name: str, args=None) -> int | None:
    """A record's id from the query string (or `args`), or None when not given; a malformed one is
    refused with 400 (app.core.args)."""
    from app.core.args import Args

    return Args(args).id(name)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths are followed after sign-in or a language switch."""
    if not target or any(not c.isprintable() or c == "\\" for c in target):
        # A newline would split the Location header; a backslash is a slash to some browsers.
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
