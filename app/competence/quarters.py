"""Quarters as the plan uses them, stored as "2025-Q3" (text that sorts in time order)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

# Plans are made in this century; outside it a year is a typing error (and would break the timeline).
FIRST_YEAR, LAST_YEAR = 2000, 2100

_PATTERN = re.compile(r"^\s*(\d{4})\s*[-–\s]?\s*[QqKk]([1-4])\s*$")
_SWEDISH = re.compile(r"^\s*[QqKk]([1-4])\s+(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str | None) -> "Quarter | None":
        """"2025-Q3", "2025 K3" or "K3 2025"; None for empty or unreadable text."""
        if not text:
            return None
        match = _PATTERN.match(text)
        if match:
            year, number = int(match[1]), int(match[2])
        else:
            match = _SWEDISH.match(text)
            if not match:
                return None
            year, number = int(match[2]), int(match[1])
        return cls(year, number) if FIRST_YEAR <= year <= LAST_YEAR else None

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return _("K%(number)s %(year)s", number=self.number, year=self.year)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __str__(self) -> str:
        return self.key


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    quarters, current = [], first
    while current <= last:
        quarters.append(current)
        current = current.next()
    return quarters


def quarter_choices(first_year: int, last_year: int) -> list[tuple[str, str]]:
    return [(q.key, q.label) for q in quarter_range(Quarter(first_year, 1), Quarter(last_year, 4))]
