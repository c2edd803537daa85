"""URL pieces shared by all areas."""

from flask import request
from werkzeug.routing import IntegerConverter

# Largest id any of our databases stores in an INTEGER column.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ids a database can hold, so huge numbers give 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(name: str, args=None) -> int | None:
    """A positive id from the query string (or `args`), or None when missing, malformed or out
    of range."""
    value = (request.args if args is None else args).get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None
