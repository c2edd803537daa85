"""Swedish alphabetical order (… x y z å ä ö) that the database can sort by.

Neither SQLite's binary order nor PostgreSQL's default collation sorts å, ä, ö the Swedish way,
so records keep a sort key made of lowercase ASCII letter pairs, which every collation orders
the same way.
"""

import re
import unicodedata
from datetime import date

# A date column's sort key for "no date": after every real date, the same on every database (SQLite
# sorts NULL first, PostgreSQL last), so that an index on the key serves the list's order.
UNDATED = date(9999, 12, 31)
# The same for a key read in descending order: before every real date, so that "no date" comes last there too.
UNDATED_DESC = date(1, 1, 1)

_ALPHABET = " 0123456789abcdefghijklmnopqrstuvwxyzåäö"
# Letters Swedish sorts as another letter.
_EQUIVALENTS = {"w": "w", "ü": "y", "æ": "ä", "ø": "ö", "é": "e", "è": "e", "á": "a", "à": "a"}
_CODES = {ch: chr(97 + i // 26) + chr(97 + i % 26) for i, ch in enumerate(_ALPHABET)}


def _fold(ch: str) -> str:
    if ch in _CODES:
        return ch
    if ch in _EQUIVALENTS:
        return _EQUIVALENTS[ch]
    base = unicodedata.normalize("NFD", ch)[0]
    return base if base in _CODES else ""


def swedish_key(text: str | None) -> str:
    """Sort key for `text` in Swedish order, case-insensitive; punctuation is ignored."""
    if not text:
        return ""
    out = []
    for ch in text.casefold():
        folded = _fold(ch)
        if folded:
            out.append(_CODES[folded])
    return "".join(out)


def search_text(*parts: str | None) -> str:
    """Case-folded text to match searches against (SQLite's LIKE folds ASCII only)."""
    return " ".join(p.casefold() for p in parts if p)


def person_sort_key(name: str | None) -> str:
    """People sort by surname, as registers and minutes list them: "Kim Kanslisson" sorts as
    "Kanslisson Kim" (the last word is taken as the surname)."""
    words = (name or "").split()
    return swedish_key(" ".join(words[-1:] + words[:-1]))


# A number in a code, zero-padded: a code holds at most 20 characters, so no number is longer.
_NUMBER_WIDTH = 20


def code_sort_key(code: str | None) -> str:
    """Sort key for a short code ("A.3", "KPI-D2") with its numbers as numbers: "A.2" before "A.10".

    The code's text runs in Swedish order (swedish_key: letters only), each ended by "0"; each number
    as "1" and its value zero-padded; the end of the code as "0", so that a code sorts before its
    continuations ("A.2" before "A.2.1"). Digits sort before letters in every collation, so the key sorts
    alike as plain text on any database. Codes that read alike ("A.01", "A.1", "a1") are told apart by
    the code as written, code point by code point (six hex digits each), after the end mark.
    """
    code = code or ""
    parts = re.split(r"(\d+)", code)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append("1" + str(int(part)).zfill(_NUMBER_WIDTH))
        else:
            out.append(swedish_key(part) + "0")
    out.append("0")
    out.extend(f"{ord(ch):06x}" for ch in code)
    return "".join(out)
