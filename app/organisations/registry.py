"""Registry-number series: an organisation's format, e.g. "RS {year}-{number:05d}" → "RS 2026-00012".

Only two fields are known: {year} (four digits) and {number}, optionally zero-padded ({number:05d}).
Anything else in braces is refused when the format is saved, so formatting a number never fails later.
"""

import re
import string

from flask_babel import lazy_gettext as _l

EXAMPLE = "RS {year}-{number:05d}"
_NUMBER_SPEC = re.compile(r"^(0[1-9]d?|d)?$")
MAX_LENGTH = 60  # the length of a decision's registry number


def format_error(fmt: str):
    """Why `fmt` is not a usable format (a Swedish message), or None when it is."""
    hint = _l("Ange ett format med {year} och {number}, t.ex. %(example)s.", example=EXAMPLE)
    try:
        parts = list(string.Formatter().parse(fmt))
    except ValueError:
        return hint
    fields = [(name, spec, conversion) for _text, name, spec, conversion in parts if name is not None]
    names = [name for name, _spec, _conversion in fields]
    if sorted(names) != ["number", "year"]:
        return hint
    for name, spec, conversion in fields:
        if conversion is not None or (name == "year" and spec) or (name == "number" and not _NUMBER_SPEC.match(spec)):
            return _l("Skriv {year} utan tillägg och numret som {number} eller med nollor, t.ex. {number:05d}.")
    if len(format_number(fmt, 2026, 99999)) > MAX_LENGTH:
        return _l("Ett nummer i det formatet blir längre än %(n)s tecken.", n=MAX_LENGTH)
    return None


def format_number(fmt: str, year: int, number: int) -> str:
    return fmt.format(year=year, number=number)
