"""The password rule: long enough, not a common password, not built from one, not the account's own name.

Length over composition rules, and a list of passwords known from breaches, as NIST SP 800-63B
advises; the list ships with the app (common_passwords.txt) so that closed networks need nothing.
"""

import string
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

LIST_FILE = Path(__file__).with_name("common_passwords.txt")
# Runs of these, forwards or backwards, are not passwords ("abcdefghijkl", "123456789012", "asdfghjklöä").
SEQUENCES = ("abcdefghijklmnopqrstuvwxyzåäö", "0123456789", "qwertyuiopåasdfghjklöäzxcvbnm",
             "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
EDGE_CHARACTERS = string.digits + string.punctuation + " "


@cache
def common_passwords() -> frozenset[str]:
    with LIST_FILE.open(encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip() and not line.startswith("#"))


def _is_sequence(folded: str) -> bool:
    return any(folded in seq * 3 or folded in (seq * 3)[::-1] for seq in SEQUENCES)


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` may not be used, in Swedish (lazy), or None when it is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _l("Lösenordet måste vara minst %(n)s tecken.", n=minimum)
    if len(password) > 200:
        return _l("Lösenordet får vara högst 200 tecken.")
    folded = password.casefold()
    # "Sommar2024!!" is "sommar" with a year and two signs: as easy to guess as "sommar".
    core = folded.strip(EDGE_CHARACTERS)
    common = common_passwords()
    if folded in common or core in common or not core:
        return _l("Lösenordet är för vanligt och lätt att gissa. Välj ett annat, gärna flera ord.")
    if len(set(folded)) < 5 or _is_sequence(folded):
        return _l("Lösenordet är en upprepning eller en följd av tecken. Välj ett annat, gärna flera ord.")
    name = username.strip().casefold()
    if len(name) >= 3 and name in folded:
        return _l("Lösenordet får inte innehålla användarnamnet.")
    return None
