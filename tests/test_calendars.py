"""Calendars: "add to calendar" for a meeting, and the personal and group feeds at secret URLs, parsed
with icalendar – the right events and not others', stable UIDs, no session needed, a reset or a
deactivated account stops the old URLs, and the same number of queries for few events as for many."""

import re
from datetime import date, timedelta

import sqlalchemy as sa
from icalendar import Calendar

from app.assignments import operations as assignment_ops
from app.auth.models import Role, User
from app.core import operations as ops
from app.extensions import db
from app.meetings.models import Meeting
from app.people.models import MemberRole
from tests import factories as f
from tests import gov_factories as g
from tests.test_query_counts import QueryCounter

TODAY = date.today()


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def uids(cal: Calendar) -> set[str]:
    return {str(e["UID"]) for e in cal.walk("VEVENT")}


def events_by_uid(cal: Calendar) -> dict:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def feed_urls(browser) -> dict[str, str]:
    """The secret URLs shown on the user's calendar page, by input id, as paths."""
    page = browser.get("/calendar/").get_data(as_text=True)
    return {m.group(1): re.sub(r"^https?://[^/]+", "", m.group(2))
            for m in re.finditer(r'<input id="([\w-]+)" type="text" readonly value="([^"]+)"', page)}


def test_add_to_calendar_all_day_and_multi_day_with_agenda(app, login_as):
    w = g.world()
    m = g.meeting(w.principal, TODAY + timedelta(days=5), "Nämndens möte", ends_on=TODAY + timedelta(days=6),
                  is_digital=True)
    g.agenda_item(m, "Budget 2027")
    reader = login_as(Role.READER)
    page = reader.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert f'/calendar/meetings/{m.id}.ics' in page
    cal = parse(reader.get(f"/calendar/meetings/{m.id}.ics"))
    assert str(cal["METHOD"]) == "PUBLISH"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{m.id}@styrregister"
    assert event.decoded("DTSTART") == TODAY + timedelta(days=5)  # a date: all day
    assert event.decoded("DTEND") == TODAY + timedelta(days=7)  # exclusive end of the second day
    assert str(event["LOCATION"]) == "Digitalt"
    description = str(event["DESCRIPTION"])
    assert "§1 Budget 2027" in description and f"/meetings/{m.id}" in description
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    # Signed out: the sign-in page, not the file.
    assert app.test_client().get(f"/calendar/meetings/{m.id}.ics").status_code == 302


def test_the_uid_domain_comes_from_the_configuration(app, login_as, monkeypatch):
    w = g.world()
    m = g.meeting(w.principal, TODAY, start_time="10:00")
    monkeypatch.setitem(app.config, "CALENDAR_UID_DOMAIN", "register.example.se")
    cal = parse(login_as(Role.READER).get(f"/calendar/meetings/{m.id}.ics"))
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{m.id}@register.example.se"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=2)


def feed_world():
    """Mona is a member of the recipient group and reports on one of its assignments; the unrelated group
    has its own meeting and assignment."""
    w = g.world()
    mine = g.meeting(w.recipient, TODAY + timedelta(days=3), "Mottagarens möte", start_time="09:00")
    theirs = g.meeting(w.unrelated, TODAY + timedelta(days=3), "Diabetesmöte")
    reported = g.assignment(w.principal, w.recipient, "Uppdrag Mona rapporterar på", due_on=TODAY + timedelta(days=40))
    assignment_ops.set_reporters(reported, [w.member.id], None)
    db.session.commit()
    other = g.assignment(w.steering, w.unrelated, "Uppdrag utan Mona", due_on=TODAY + timedelta(days=20))
    request = g.report_request(reported, TODAY + timedelta(days=14))
    g.report_request(other, TODAY + timedelta(days=14))
    return w, dict(mine=mine, theirs=theirs, reported=reported, other=other, request=request)


def test_the_personal_feed_holds_my_groups_meetings_and_my_due_dates_without_a_session(app, login_as):
    w, r = feed_world()
    mona = login_as(Role.READER, person=w.member)
    urls = feed_urls(mona)
    personal = urls["personal-feed"]
    assert personal.startswith("/calendar/feed/") and personal.endswith(".ics")
    anonymous = app.test_client()  # a calendar program: no cookie
    cal = parse(anonymous.get(personal))
    assert uids(cal) == {f"meeting-{r['mine'].id}@styrregister", f"assignment-due-{r['reported'].id}@styrregister",
                         f"report-request-{r['request'].id}@styrregister"}
    events = events_by_uid(cal)
    meeting = events[f"meeting-{r['mine'].id}@styrregister"]
    assert meeting.decoded("DTSTART").hour == 9 and str(meeting.decoded("DTSTART").tzinfo) == "Europe/Stockholm"
    assert events[f"assignment-due-{r['reported'].id}@styrregister"].decoded("DTSTART") == TODAY + timedelta(days=40)
    # The same UIDs the next time (calendar programs replace, not duplicate).
    assert uids(parse(anonymous.get(personal))) == uids(cal)
    # The chair of the principal governs it: its assignment's due date is in her feed, not Mona's meeting.
    petra = login_as(Role.READER, person=w.principal_chair)
    petra_cal = parse(anonymous.get(feed_urls(petra)["personal-feed"]))
    assert f"assignment-due-{r['reported'].id}@styrregister" in uids(petra_cal)
    assert f"meeting-{r['mine'].id}@styrregister" not in uids(petra_cal)
    assert f"assignment-due-{r['other'].id}@styrregister" not in uids(petra_cal)


def test_the_group_feed_holds_the_groups_meetings_and_assignments_only(app, login_as):
    w, r = feed_world()
    mona = login_as(Role.READER, person=w.member)
    urls = feed_urls(mona)
    group_url = urls[f"group-feed-{w.recipient.id}"]
    cal = parse(app.test_client().get(group_url))
    assert uids(cal) == {f"meeting-{r['mine'].id}@styrregister", f"assignment-due-{r['reported'].id}@styrregister"}
    assert str(cal["X-WR-CALNAME"]).endswith(str(w.recipient))
    # The token names its group: the same token on another group's URL is refused.
    other_url = group_url.replace(f"/groups/{w.recipient.id}/", f"/groups/{w.unrelated.id}/")
    assert app.test_client().get(other_url).status_code == 404
    # The meeting page links to the group's feed on the calendar page, also for one who is no member.
    assert f"?group={w.recipient.id}#group-{w.recipient.id}" in mona.get(f"/meetings/{r['mine'].id}").get_data(
        as_text=True)
    reader = login_as(Role.READER)
    assert feed_urls(reader).keys() == {"personal-feed"}
    page = reader.get(f"/calendar/?group={w.unrelated.id}").get_data(as_text=True)
    url = re.search(rf'id="group-feed-{w.unrelated.id}" type="text" readonly value="https?://[^/]+([^"]+)"', page)
    assert uids(parse(app.test_client().get(url.group(1)))) == {f"meeting-{r['theirs'].id}@styrregister",
                                                               f"assignment-due-{r['other'].id}@styrregister"}


def test_reset_stops_the_old_urls_at_once_and_so_does_deactivation(app, login_as):
    w, r = feed_world()
    mona = login_as(Role.READER, person=w.member)
    old = feed_urls(mona)
    client = app.test_client()
    assert client.get(old["personal-feed"]).status_code == 200
    account = mona.get("/account/").get_data(as_text=True)
    assert old["personal-feed"] in account and 'action="/calendar/reset"' in account
    assert mona.post("/calendar/reset", {}, form_url="/account/").status_code == 302
    new = feed_urls(mona)
    assert new["personal-feed"] != old["personal-feed"]
    assert client.get(old["personal-feed"]).status_code == 404
    assert client.get(old[f"group-feed-{w.recipient.id}"]).status_code == 404
    assert client.get(new["personal-feed"]).status_code == 200
    assert client.get("/calendar/feed/inte-en-nyckel.ics").status_code == 404
    # A deactivated account's feeds stop.
    ops.archive(db.session.get(User, mona.user.id), None)
    db.session.commit()
    assert client.get(new["personal-feed"]).status_code == 404


def test_a_feed_costs_the_same_queries_for_few_events_as_for_many(app, login_as):
    w, r = feed_world()
    mona = login_as(Role.READER, person=w.member)
    url = feed_urls(mona)["personal-feed"]
    client = app.test_client()

    def count() -> int:
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        return counter.count

    few = count()
    for i in range(6):
        m = g.meeting(w.recipient, TODAY + timedelta(days=10 + i), f"Möte {i}")
        g.agenda_item(m, f"Ärende {i}")
        a = g.assignment(w.principal, w.recipient, f"Uppdrag {i}", due_on=TODAY + timedelta(days=50 + i))
        assignment_ops.set_reporters(a, [w.member.id], None)
        db.session.commit()
        g.report_request(a, TODAY + timedelta(days=15))
    f.membership(w.unrelated, w.member, MemberRole.MEMBER)
    assert len(parse(client.get(url)).walk("VEVENT")) > 18
    assert count() == few
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 8
