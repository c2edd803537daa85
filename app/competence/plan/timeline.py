"""Geometry for the server-drawn quarter timeline of the plan.

Kept out of templates so that they only place what is computed here. No JavaScript is needed.
"""

from dataclasses import dataclass
from datetime import date

from app.competence.quarters import Quarter, quarter_range


@dataclass
class TimelineRow:
    activity: object
    cells: list[str]  # per quarter: "" (nothing), "planned", "open" (open-ended continues)
    late: bool
    unplanned: bool


def timeline(activities, today: date, at_least_until: Quarter) -> tuple[list[Quarter], list[TimelineRow]]:
    """Quarters from the earliest start to past the latest end (and at least `at_least_until`),
    and per activity which quarters it is planned in."""
    starts = [a.start for a in activities if a.start]
    ends = [a.end for a in activities if a.end]
    first = min(starts + [Quarter.of(today)])
    last = max(ends + starts + [at_least_until, Quarter.of(today)]).next()
    quarters = quarter_range(first, last)
    rows = []
    for activity in activities:
        start, end = activity.start, activity.end
        cells = []
        for q in quarters:
            if start is None:
                cells.append("")
            elif activity.open_ended and start <= q:
                cells.append("open")
            elif start <= q <= (end or start):
                cells.append("planned")
            else:
                cells.append("")
        rows.append(TimelineRow(activity, cells, activity.is_late(today), start is None))
    return quarters, rows
