"""Quarters as the plan uses them (app/competence/quarters.py): what is read as a quarter, its days,
order and labels."""

from datetime import date

import pytest

from app.competence.quarters import Quarter, quarter_choices, quarter_range


@pytest.mark.parametrize("text,quarter", [
    ("2025-Q3", Quarter(2025, 3)),
    ("2025 K3", Quarter(2025, 3)),
    ("K3 2025", Quarter(2025, 3)),
    ("q1 2026", Quarter(2026, 1)),
    ("2026Q4", Quarter(2026, 4)),
    ("2026–K2", Quarter(2026, 2)),
    (" 2026 - q2 ", Quarter(2026, 2)),
    ("2025-Q5", None),
    ("2025-Q0", None),
    ("25-Q1", None),
    ("hösten 2025", None),
    ("", None),
    (None, None),
])
def test_quarter_parse(text, quarter):
    assert Quarter.parse(text) == quarter


def test_quarter_days_order_and_labels(app):
    q3 = Quarter(2025, 3)
    assert (q3.key, str(q3), q3.label) == ("2025-Q3", "2025-Q3", "K3 2025")
    assert (q3.first_day, q3.last_day) == (date(2025, 7, 1), date(2025, 9, 30))
    assert Quarter(2025, 1).last_day == date(2025, 3, 31)
    assert Quarter(2024, 1).first_day == date(2024, 1, 1)
    assert Quarter(2025, 2).last_day == date(2025, 6, 30)
    assert Quarter(2025, 4).last_day == date(2025, 12, 31)
    assert Quarter(2025, 4).next() == Quarter(2026, 1) and q3.next() == Quarter(2025, 4)
    assert [Quarter.of(d) for d in (date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 12, 31))] == [
        Quarter(2025, 1), Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 4)]
    assert Quarter(2025, 4) < Quarter(2026, 1) < Quarter(2026, 2)
    # The stored text sorts in the same order as the quarters.
    quarters = [Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 3)]
    assert sorted(q.key for q in quarters) == [q.key for q in sorted(quarters)]
    assert [q.key for q in quarter_range(Quarter(2025, 3), Quarter(2026, 2))] == [
        "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert quarter_range(Quarter(2026, 1), Quarter(2025, 4)) == []
    choices = quarter_choices(2025, 2026)
    assert len(choices) == 8 and choices[0] == ("2025-Q1", "K1 2025") and choices[-1] == ("2026-Q4", "K4 2026")
