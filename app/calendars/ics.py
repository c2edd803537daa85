"""iCalendar (RFC 5545) for meetings and due dates, built with the icalendar library.

Every event has a UID that stays the same for the life of its record (a meeting's invitation, its
updates and its cancellation all carry `meeting-<id>@<CALENDAR_UID_DOMAIN>`), so that calendar
programs replace an event instead of adding a second one; SEQUENCE says which version is newer.
Times are local Swedish time (Europe/Stockholm, with its VTIMEZONE); a meeting without a start time
is an all-day event, over several days when it has an end date.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, url_for
from icalendar import Calendar, Event

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PRODID = "-//Styrregister//Kunskapsstyrning//SV"
METHODS = ("PUBLISH", "REQUEST", "CANCEL")


def uid(kind: str, record_id: int, *extra) -> str:
    """A stable UID: the kind of event, the record's id (and a part, e.g. a phase), and the site's domain."""
    domain = current_app.config.get("CALENDAR_UID_DOMAIN") or "styrregister"
    return "-".join([kind, str(record_id), *map(str, extra)]) + f"@{domain}"


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail or a calendar: the request's host, or BASE_URL outside a request."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def meeting_times(meeting) -> tuple[date | datetime, date | datetime]:
    """DTSTART and DTEND: whole days (the end exclusive, as RFC 5545 has it) or local times."""
    last_day = meeting.ends_on or meeting.starts_on
    if not meeting.start_time:
        return meeting.starts_on, last_day + timedelta(days=1)
    hours, minutes = (int(part) for part in meeting.start_time.split(":"))
    start = datetime.combine(meeting.starts_on, time(hours, minutes), STOCKHOLM)
    # The register has no end time: a meeting is shown as CALENDAR_MEETING_HOURS long (on its last day).
    length = timedelta(hours=current_app.config.get("CALENDAR_MEETING_HOURS", 2))
    end = datetime.combine(last_day, time(hours, minutes), STOCKHOLM) + length
    return start, end


def meeting_location(meeting) -> str:
    if meeting.is_digital and meeting.place:
        return f"Digitalt, {meeting.place}"
    return "Digitalt" if meeting.is_digital else meeting.place


def meeting_description(meeting, agenda=None) -> str:
    items = [i for i in (agenda if agenda is not None else meeting.agenda) if not i.is_archived]
    lines = []
    if items:
        lines.append("Dagordning:")
        lines += [f"§{i.position} {i.title}" for i in items]
        lines.append("")
    lines.append(f"Mötet i registret: {external_url('meetings.show', record_id=meeting.id)}")
    return "\n".join(lines)


@dataclass
class MeetingState:
    """What the invitation adds to a meeting's event: its SEQUENCE and whether it is cancelled."""

    sequence: int = 0
    cancelled: bool = False


def meeting_event(meeting, state: MeetingState | None = None, agenda=None) -> Event:
    state = state or MeetingState()
    start, end = meeting_times(meeting)
    event = Event()
    event.add("uid", uid("meeting", meeting.id))
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    event.add("summary", meeting.display_title if meeting.title else f"Möte: {meeting.group}")
    event.add("dtstart", start)
    event.add("dtend", end)
    location = meeting_location(meeting)
    if location:
        event.add("location", location)
    event.add("description", meeting_description(meeting, agenda))
    event.add("url", external_url("meetings.show", record_id=meeting.id))
    event.add("sequence", state.sequence)
    event.add("status", "CANCELLED" if state.cancelled or meeting.is_archived else "CONFIRMED")
    return event


def due_event(kind: str, record_id: int, day: date, summary: str, description: str, url: str,
              sequence: int = 0) -> Event:
    """A due date: an all-day event on the day (assignment due, report due, reporting round)."""
    event = Event()
    event.add("uid", uid(kind, record_id))
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("description", f"{description}\n{url}".strip())
    event.add("url", url)
    event.add("sequence", sequence)
    event.add("transp", "TRANSPARENT")  # a deadline does not make one busy
    return event


def calendar(events: Iterable[Event], method: str | None = None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        assert method in METHODS, method
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/Stockholm")
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for Europe/Stockholm when any event has a local time
    return cal


def meeting_calendar(meeting, method: str = "PUBLISH", state: MeetingState | None = None, agenda=None) -> bytes:
    """One meeting as an .ics: PUBLISH to add it to one's calendar, REQUEST for an invitation or an
    update, CANCEL for a cancellation (then STATUS:CANCELLED)."""
    state = state or MeetingState()
    if method == "CANCEL":
        state = MeetingState(state.sequence, True)
    return calendar([meeting_event(meeting, state, agenda)], method).to_ical()
