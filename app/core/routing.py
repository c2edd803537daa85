"""URL pieces shared by all areas."""

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
