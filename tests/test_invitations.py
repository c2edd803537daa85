"""The invitation (kallelse) through a real SMTP server: one e-mail per member and substitute with the
meeting's .ics (parsed with icalendar), answers by the signed link without an account and in the app,
attendance pre-filled, the tied substitute called in on "förhinder", updates with the same UID and a
higher SEQUENCE, and the cancellation."""

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from werkzeug.datastructures import FileStorage

from app.auth.models import Role
from app.core import outbox
from app.core.operations import BusinessRuleError
from app.core.outbox import OutboxMessage
from app.documents import operations as document_ops
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.invitations import operations as invitation_ops
from app.meetings.invitations.models import AnsweredVia, InvitationAnswer, MeetingInvitation
from app.meetings.models import Attendance, AttendanceStatus, Meeting
from app.people import operations as people_ops
from app.people.models import MemberRole, Membership
from seed.pdf import text_pdf
from tests import factories as f
from tests import gov_factories as g

IN_TEN_DAYS = date.today() + timedelta(days=10)




def board():
    """A group with a chair, two members (one with a substitute tied to her), a member without an e-mail
    address, a former member, and a meeting in ten days with an agenda and a paper."""
    w = g.world()
    group = w.recipient
    people = {}
    for key, name, role in [("chair", "Rolf Mottagare", None), ("anna", "Anna Ledamot", MemberRole.MEMBER),
                            ("bo", "Bo Ledamot", MemberRole.MEMBER), ("sara", "Sara Ersättare", MemberRole.SUBSTITUTE)]:
        if role is None:
            people[key] = w.recipient_chair
            w.recipient_chair.email = "rolf@example.se"
            continue
        people[key] = f.person(name, email=f"{key}@example.se")
        f.membership(group, people[key], role)
    people["nomail"] = f.person("Nils Utanpost")
    f.membership(group, people["nomail"], MemberRole.MEMBER)
    people["former"] = f.person("Frida Före", email="frida@example.se")
    f.membership(group, people["former"], MemberRole.MEMBER, end=date.today() - timedelta(days=5))
    w.member.email = "mona@example.se"
    db.session.commit()
    anna_ms = db.session.scalar(sa.select(Membership).where(Membership.person_id == people["anna"].id))
    sara_ms = db.session.scalar(sa.select(Membership).where(Membership.person_id == people["sara"].id))
    people_ops.update_membership(sara_ms, {"person_id": sara_ms.person_id, "role": MemberRole.SUBSTITUTE,
                                           "substitute_for_id": anna_ms.id}, None)
    db.session.commit()
    m = g.meeting(group, IN_TEN_DAYS, "RAG Hjärtsvikt, möte 3", start_time="09:30", place="Uppsala")
    item = g.agenda_item(m, "Lägesrapport")
    document_ops.add_document("agenda_item", item, {"title": "Lägesrapport underlag", "kind": "underlag"},
                              FileStorage(io.BytesIO(text_pdf("Underlag", ["Text"])), "underlag.pdf"), None)
    db.session.commit()
    return w, m, people


def received(mail) -> dict[str, list]:
    """Delivered messages by recipient address."""
    outbox.deliver_due()
    found: dict[str, list] = {}
    for _sender, recipients, message in mail.messages:
        for address in recipients:
            found.setdefault(address, []).append(message)
    return found


def ics_of(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def event_of(cal: Calendar):
    [event] = [c for c in cal.walk("VEVENT")]
    return event


def answer_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/meetings/answer/\S+)", body).group(1)


def send(browser, m):
    return browser.post(f"/meetings/{m.id}/invitation/send", {}, form_url=f"/meetings/{m.id}")


def test_the_invitation_reaches_each_member_and_substitute_with_the_ics(app, mail, login_as):
    w, m, people = board()
    keeper = login_as(Role.SECRETARIAT)
    response = send(keeper, m)
    assert response.status_code == 302
    page = keeper.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "Kallelsen skickas till 5 personer." in page

    by_address = received(mail)
    # Members and the substitute with an address; not the one without, not the former member.
    assert set(by_address) == {"rolf@example.se", "anna@example.se", "bo@example.se", "sara@example.se",
                               "mona@example.se"}
    message = by_address["anna@example.se"][0]
    assert message["Subject"].startswith("Kallelse: RAG Hjärtsvikt, möte 3")
    body = message.get_body(("plain",)).get_content()
    assert "§1 Lägesrapport" in body and "Lägesrapport underlag" in body and "/documents/" in body
    cal = ics_of(message)
    assert str(cal["METHOD"]) == "REQUEST"
    event = event_of(cal)
    assert str(event["UID"]) == f"meeting-{m.id}@styrregister"
    assert int(event["SEQUENCE"]) == 0
    start = event.decoded("DTSTART")
    assert start.date() == IN_TEN_DAYS and (start.hour, start.minute) == (9, 30)
    assert str(start.tzinfo) == "Europe/Stockholm"
    assert cal.walk("VTIMEZONE"), "a VTIMEZONE for the local time"
    assert "Uppsala" in str(event["LOCATION"])
    # The substitute's copy says she is a substitute; the rows say who was invited as what.
    assert "ersättare för Anna Ledamot" in by_address["sara@example.se"][0].get_body(("plain",)).get_content()
    rows = {i.person_id: i for i in db.session.scalars(sa.select(MeetingInvitation))}
    assert rows[people["sara"].id].is_substitute and not rows[people["anna"].id].is_substitute
    assert all(r.answer == InvitationAnswer.PENDING for r in rows.values())
    # Sending again invites nobody new: refused with a message, nothing queued.
    send(keeper, m)
    assert "inte redan är kallad" in keeper.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert g.count(OutboxMessage) == 5


def test_answering_by_the_link_without_an_account_fills_in_attendance(app, mail, login_as):
    w, m, people = board()
    send(login_as(Role.SECRETARIAT), m)
    link = answer_link(received(mail)["bo@example.se"][0])
    anonymous = app.test_client()
    shown = anonymous.get(link)
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert "Bo Ledamot" in page and "Kommer du?" in page and "Inte svarat" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answered = anonymous.post(link, data={"answer": "attending", "csrf_token": token})
    assert answered.status_code == 200 and "Ditt svar är sparat" in answered.get_data(as_text=True)
    invitation = db.session.scalar(sa.select(MeetingInvitation).where(MeetingInvitation.person_id == people["bo"].id))
    db.session.refresh(invitation)
    assert invitation.answer == InvitationAnswer.ATTENDING and invitation.answered_via == AnsweredVia.LINK
    row = db.session.scalar(sa.select(Attendance).where(Attendance.meeting_id == m.id,
                                                        Attendance.person_id == people["bo"].id))
    assert row is not None and row.status == AttendanceStatus.PRESENT
    # A bad answer is told, not saved and not a server error.
    refused = anonymous.post(link, data={"answer": "kanske", "csrf_token": token})
    assert refused.status_code == 200 and "error-summary" in refused.get_data(as_text=True)


def test_a_tampered_or_expired_link_is_refused_with_a_page(app, mail, login_as):
    w, m, people = board()
    send(login_as(Role.SECRETARIAT), m)
    link = answer_link(received(mail)["bo@example.se"][0])
    client = app.test_client()
    tampered = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    response = client.get(tampered)
    assert response.status_code == 404 and "Länken är inte giltig" in response.get_data(as_text=True)
    assert client.get("/meetings/answer/" + "x" * 500).status_code == 404
    # A link for another meeting's invitation with this one's id: the signature covers the meeting too.
    other = g.meeting(w.recipient, IN_TEN_DAYS, "Annat möte")
    invitation = db.session.scalar(sa.select(MeetingInvitation).where(MeetingInvitation.person_id == people["bo"].id))
    forged = invitation_ops._serializer().dumps([invitation.id, other.id, invitation.person_id])
    assert client.get(f"/meetings/answer/{forged}").status_code == 404
    # After the meeting the link has expired (410) and says so; nothing is written by trying.
    meeting_ops.update_meeting(m, {"group_id": m.group_id, "starts_on": date.today() - timedelta(days=2),
                                   "title": m.title, "start_time": "09:30", "place": "Uppsala"}, None)
    db.session.commit()
    expired = client.get(link)
    assert expired.status_code == 410 and "gäller inte längre" in expired.get_data(as_text=True)
    assert client.post(link, data={"answer": "absent"}).status_code == 410
    db.session.refresh(invitation)
    assert invitation.answer == InvitationAnswer.PENDING


def test_absent_calls_in_the_tied_substitute_who_then_serves(app, mail, login_as):
    w, m, people = board()
    send(login_as(Role.SECRETARIAT), m)
    first = received(mail)
    mail.messages.clear()
    link = answer_link(first["anna@example.se"][0])
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(link).get_data(as_text=True))
    page = client.post(link, data={"answer": "absent", "csrf_token": token.group(1)}).get_data(as_text=True)
    assert "Sara Ersättare" in page  # told who is called in

    called = received(mail)
    assert set(called) == {"sara@example.se"}
    message = called["sara@example.se"][0]
    assert "kallas in som ersättare" in message["Subject"]
    assert str(event_of(ics_of(message))["UID"]) == f"meeting-{m.id}@styrregister"
    sara = db.session.scalar(sa.select(MeetingInvitation).where(MeetingInvitation.person_id == people["sara"].id))
    assert sara.substitute_for_id == people["anna"].id and sara.called_in_at is not None
    anna_row = db.session.scalar(sa.select(Attendance).where(Attendance.person_id == people["anna"].id))
    assert anna_row.status == AttendanceStatus.ABSENT

    # Sara answers in the app, signed in as the person she is: attendance says she serves for Anna.
    sara_browser = login_as(Role.READER, person=people["sara"])
    assert "Kommer du?" in sara_browser.get(f"/meetings/{m.id}").get_data(as_text=True)
    sara_browser.post(f"/meetings/{m.id}/invitation/answer", {"answer": "attending"}, form_url=f"/meetings/{m.id}")
    row = db.session.scalar(sa.select(Attendance).where(Attendance.person_id == people["sara"].id))
    assert row.status == AttendanceStatus.SUBSTITUTE and row.substitute_for_id == people["anna"].id
    db.session.refresh(sara)
    assert sara.answered_via == AnsweredVia.APP
    # Anna answering absent again calls nobody in twice.
    invitation_ops.answer(db.session.scalar(sa.select(MeetingInvitation).where(
        MeetingInvitation.person_id == people["anna"].id)), InvitationAnswer.ABSENT, AnsweredVia.SECRETARIAT, None)
    db.session.commit()
    assert received(mail).keys() == {"sara@example.se"} and len(mail.messages) == 1


def test_a_user_who_is_not_invited_is_told_so(app, mail, login_as):
    w, m, people = board()
    send(login_as(Role.SECRETARIAT), m)
    outsider = login_as(Role.READER, person=w.unrelated_chair)
    assert "Kommer du?" not in outsider.get(f"/meetings/{m.id}").get_data(as_text=True)
    outsider.post(f"/meetings/{m.id}/invitation/answer", {"answer": "attending"}, form_url=f"/meetings/{m.id}")
    assert "Du är inte kallad" in outsider.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert g.count(Attendance) == 0


def test_a_new_date_sends_an_update_with_the_same_uid_and_a_higher_sequence(app, mail, login_as):
    w, m, people = board()
    keeper = login_as(Role.SECRETARIAT)
    send(keeper, m)
    received(mail)
    mail.messages.clear()
    new_day = IN_TEN_DAYS + timedelta(days=1)
    keeper.post(f"/meetings/{m.id}/edit", {"group_id": m.group_id, "title": m.title, "starts_on": new_day.isoformat(),
                                           "start_time": "13:00", "ends_on": "", "place": "Uppsala", "source": "",
                                           "version": str(m.version)})
    updates = received(mail)
    assert len(updates) == 5
    cal = ics_of(updates["bo@example.se"][0])
    event = event_of(cal)
    assert str(cal["METHOD"]) == "REQUEST" and str(event["UID"]) == f"meeting-{m.id}@styrregister"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").date() == new_day and event.decoded("DTSTART").hour == 13
    # A change of the title alone is no new time or place: no mail.
    mail.messages.clear()
    db.session.refresh(m)
    meeting_ops.update_meeting(m, {"group_id": m.group_id, "title": "Ny rubrik", "starts_on": new_day,
                                   "start_time": "13:00", "place": "Uppsala"}, None)
    db.session.commit()
    assert received(mail) == {}


def test_cancelling_sends_cancel_to_everyone_invited(app, mail, login_as):
    w, m, people = board()
    keeper = login_as(Role.SECRETARIAT)
    send(keeper, m)
    received(mail)
    mail.messages.clear()
    keeper.post(f"/meetings/{m.id}/invitation/cancel", {}, form_url=f"/meetings/{m.id}")
    cancelled = received(mail)
    assert len(cancelled) == 5
    cal = ics_of(cancelled["anna@example.se"][0])
    event = event_of(cal)
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"meeting-{m.id}@styrregister" and int(event["SEQUENCE"]) == 1
    assert cancelled["anna@example.se"][0]["Subject"].startswith("Inställt")
    assert "Mötet är inställt." in keeper.get(f"/meetings/{m.id}").get_data(as_text=True)
    # The meeting's own .ics now says cancelled; cancelling twice is refused.
    downloaded = Calendar.from_ical(keeper.get(f"/calendar/meetings/{m.id}.ics").data)
    assert str(event_of(downloaded)["STATUS"]) == "CANCELLED"
    keeper.post(f"/meetings/{m.id}/invitation/cancel", {}, form_url=f"/meetings/{m.id}")
    assert "redan inställt" in keeper.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert received(mail).keys() == cancelled.keys() and len(mail.messages) == 5


def test_the_secretariat_records_an_answer_and_a_reader_may_not(app, mail, login_as):
    w, m, people = board()
    keeper = login_as(Role.SECRETARIAT)
    send(keeper, m)
    invitation = db.session.scalar(sa.select(MeetingInvitation).where(MeetingInvitation.person_id == people["bo"].id))
    reader = login_as(Role.READER)
    assert reader.post(f"/meetings/invitations/{invitation.id}/answer", {"answer": "absent"},
                       form_url="/account/").status_code == 403
    keeper.post(f"/meetings/invitations/{invitation.id}/answer", {"answer": "absent"}, form_url=f"/meetings/{m.id}")
    db.session.refresh(invitation)
    assert invitation.answer == InvitationAnswer.ABSENT and invitation.answered_via == AnsweredVia.SECRETARIAT
    assert "av kansliet" in keeper.get(f"/meetings/{m.id}").get_data(as_text=True)


def test_substitute_for_is_checked_and_shown_on_the_group_page(app, login_as):
    w, m, people = board()
    keeper = login_as(Role.SECRETARIAT)
    group = w.recipient
    page = keeper.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "för Anna Ledamot" in page
    bo_ms = db.session.scalar(sa.select(Membership).where(Membership.person_id == people["bo"].id))
    anna_ms = db.session.scalar(sa.select(Membership).where(Membership.person_id == people["anna"].id))
    form = {"person_id": str(people["bo"].id), "role": "member", "representing_id": "",
            "substitute_for_id": str(anna_ms.id), "start_on": "2024-01-01", "end_on": "", "note": "",
            "version": str(bo_ms.version)}
    answer = keeper.post(f"/people/memberships/{bo_ms.id}/edit", form)
    assert answer.status_code == 200
    assert g.field_error(answer.get_data(as_text=True), "substitute_for_id") is not None
    assert "Bara en ersättare" in answer.get_data(as_text=True)
    # Another group's member is not a choice; a substitute for themselves is refused.
    other = f.membership(w.unrelated, f.person("Olle Annan"), MemberRole.MEMBER)
    answer = keeper.post(f"/people/memberships/{bo_ms.id}/edit", dict(form, role="substitute",
                                                                       substitute_for_id=str(other.id)))
    assert answer.status_code == 200 and g.field_error(answer.get_data(as_text=True), "substitute_for_id")
    saved = keeper.post(f"/people/memberships/{bo_ms.id}/edit", dict(form, role="substitute"))
    assert saved.status_code == 302
    db.session.refresh(bo_ms)
    assert bo_ms.substitute_for_id == anna_ms.id
    with pytest.raises(Exception, match="sig själv"):
        people_ops.update_membership(anna_ms, {"person_id": people["anna"].id, "role": MemberRole.SUBSTITUTE,
                                               "substitute_for_id": anna_ms.id}, None)
    db.session.rollback()
    assert db.session.get(Meeting, m.id) is not None


def test_the_demo_meeting_is_invited_and_answered(app):
    """`flask seed --demo`: the RSG's meeting with its invitation sent, one answer each way and the tied
    substitute called in; a second run adds nothing."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    m = db.session.scalar(sa.select(Meeting).where(Meeting.seed_key == "demo:sosr-rsg-data-och-analys"))
    rows = {i.person.name: i for i in invitation_ops.invitations_of(m)}
    assert rows["Sam Ordfört"].answer == InvitationAnswer.ATTENDING
    assert rows["Nils Provberg"].answer == InvitationAnswer.ABSENT
    assert rows["Jonas Låtsasson"].substitute_for_id == rows["Nils Provberg"].person_id
    messages = g.count(OutboxMessage)
    about_m = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.about_type == "meetings", OutboxMessage.about_id == m.id))
    assert about_m == len(rows) + 1  # everyone, and the substitute once more when called in
    assert "Nothing to add" in runner.invoke(args=["seed", "--demo"]).output
    assert g.count(OutboxMessage) == messages


def test_a_past_or_archived_meeting_is_not_invited(app, mail):
    w, m, people = board()
    past = g.meeting(w.recipient, date.today() - timedelta(days=1), "Förra mötet")
    with pytest.raises(BusinessRuleError, match="redan ägt rum"):
        invitation_ops.send_invitation(past, None)
    g.archive(m)
    with pytest.raises(BusinessRuleError, match="arkiverat"):
        invitation_ops.send_invitation(db.session.get(Meeting, m.id), None)
    db.session.rollback()
    assert g.count(MeetingInvitation) == 0 and g.count(OutboxMessage) == 0
