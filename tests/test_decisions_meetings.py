"""Meetings and decisions: the secretariat's journey from meeting to decision to assignment, who may do
what, registry numbers, execution follow-up, dispatch by hand and by e-mail, minutes and conflicts."""

import re
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.assignments.models import Assignment
from app.auth.models import Role
from app.core import operations as ops
from app.core import outbox
from app.core.models import utcnow
from app.core.outbox import OutboxStatus
from app.decisions.models import (
    Decision,
    DecisionDispatch,
    DecisionKind,
    DecisionLink,
    DecisionState,
    DispatchStatus,
    ExecutionStatus,
    LinkEffect,
)
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.models import (
    AgendaConflict,
    AgendaItem,
    ApproverRole,
    Attendance,
    AttendanceStatus,
    Meeting,
    MinutesApproval,
    MinutesRevision,
)
from tests import gov_factories as g
from tests.gov_factories import KEEPERS, LAST_MONTH, NEXT_MONTH, TODAY, YESTERDAY

PRINCIPAL = KEEPERS | {"principal_chair"}


def decision_form(w, **changes) -> dict:
    data = {"title": "Uppdrag om vårdrutin för hjärtsvikt", "group_id": str(w.principal.id), "meeting_id": "",
            "state": "taken", "kind": "decision", "decided_on": LAST_MONTH.isoformat(), "registry_number": "",
            "issuing_organisation_id": "", "text": "RPO Hjärta ger RAG Hjärtsvikt i uppdrag att ta fram en rutin.",
            "executor": "RAG Hjärtsvikt", "execute_by": "", "execution_status": "not_started", "execution_note": "",
            "source": ""}
    return dict(data, **changes)


def meeting_form(w, **changes) -> dict:
    data = {"group_id": str(w.principal.id), "title": "RPO Hjärta, möte 3", "starts_on": LAST_MONTH.isoformat(),
            "start_time": "09:30", "ends_on": "", "place": "Uppsala", "source": ""}
    return dict(data, **changes)


# --- Journey: the secretariat registers a meeting, a decision at it and the assignment it gives ------

def test_secretariat_registers_meeting_decision_and_the_assignment_it_gives(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)

    response = keeper.post("/meetings/new", meeting_form(w))
    assert response.status_code == 302
    meeting = db.session.scalars(sa.select(Meeting)).one()
    meeting_page = keeper.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="/decisions/new?meeting={meeting.id}"' in meeting_page

    # The decision form opened from the meeting knows the meeting, its group and date.
    form = keeper.get(f"/decisions/new?meeting={meeting.id}").get_data(as_text=True)
    assert f'value="{LAST_MONTH.isoformat()}"' in form
    assert re.search(rf'<option selected value="{meeting.id}">', form)
    response = keeper.post("/decisions/new", decision_form(
        w, meeting_id=str(meeting.id), registry_number="RS 2024-00123", issuing_organisation_id=str(w.region.id)))
    assert response.status_code == 302
    decision = db.session.scalars(sa.select(Decision)).one()
    assert (decision.meeting_id, decision.group_id, decision.registry_number) == (meeting.id, w.principal.id,
                                                                                   "RS 2024-00123")

    # "New assignment from the decision" pre-fills the principal and the decision.
    decision_page = keeper.get(f"/decisions/{decision.id}").get_data(as_text=True)
    new_url = re.search(r'href="(/assignments/new\?[^"]+)"', decision_page).group(1).replace("&amp;", "&")
    assert f"given_by_decision_id={decision.id}" in new_url
    assert keeper.get(new_url).status_code == 200
    response = keeper.post("/assignments/new", {
        "title": "Regional vårdrutin hjärtsvikt", "principal_group_id": str(w.principal.id),
        "recipient_group_id": str(w.recipient.id), "given_by_decision_id": str(decision.id),
        "mandate": "Får besluta om arbetssätt.", "start_on": LAST_MONTH.isoformat(),
        "due_on": NEXT_MONTH.isoformat()}, form_url=new_url)
    assert response.status_code == 302
    assignment = db.session.scalars(sa.select(Assignment)).one()
    assert assignment.given_by_decision_id == decision.id
    # The decision is linked to what it set in motion without a further step.
    link = db.session.scalars(sa.select(DecisionLink)).one()
    assert (link.decision_id, link.assignment_id, link.effect) == (decision.id, assignment.id, LinkEffect.GIVES)

    # The meeting's agenda refers to the assignment and the decision.
    response = keeper.post(f"/meetings/{meeting.id}/agenda/new", {
        "title": "Uppdrag om hjärtsviktsrutin", "position": "", "description": "", "assignment_id": str(assignment.id),
        "status_report_id": "", "decision_id": str(decision.id)})
    assert response.status_code == 302

    # Each page shows the others.
    meeting_page = g.main_content(keeper.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    decision_page = g.main_content(keeper.get(f"/decisions/{decision.id}").get_data(as_text=True))
    assignment_page = g.main_content(keeper.get(f"/assignments/{assignment.id}").get_data(as_text=True))
    assert decision.id in g.linked_ids(meeting_page, "decisions")
    assert assignment.id in g.linked_ids(meeting_page, "assignments")
    assert meeting.id in g.linked_ids(decision_page, "meetings")
    assert assignment.id in g.linked_ids(decision_page, "assignments")
    assert "ger uppdraget" in decision_page
    assert decision.id in g.linked_ids(assignment_page, "decisions")
    assert "Givet genom beslut" in assignment_page and "RS 2024-00123" in assignment_page
    # The meeting is among the group's past meetings, not its upcoming ones.
    assert meeting.id in g.linked_ids(keeper.get(f"/meetings/?when=past&group={w.principal.id}").get_data(
        as_text=True), "meetings")
    assert meeting.id not in g.linked_ids(keeper.get("/meetings/").get_data(as_text=True), "meetings")


def test_an_assignment_made_from_a_decision_shows_on_the_decision(app, login_as):
    w = g.world()
    decision = g.decision(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/assignments/new", {
        "title": "Uppdrag från beslutet", "principal_group_id": str(w.principal.id),
        "recipient_group_id": str(w.recipient.id), "given_by_decision_id": str(decision.id)})
    assert response.status_code == 302
    assignment = db.session.scalars(sa.select(Assignment)).one()
    page = g.main_content(keeper.get(f"/decisions/{decision.id}").get_data(as_text=True))
    assert assignment.id in g.linked_ids(page, "assignments")
    assert "Inga uppdrag kopplade." not in page
    # Saving the assignment again does not link it twice.
    response = keeper.post(f"/assignments/{assignment.id}/edit", {
        "title": "Uppdrag från beslutet, ändrat", "principal_group_id": str(w.principal.id),
        "recipient_group_id": str(w.recipient.id), "given_by_decision_id": str(decision.id),
        "version": str(assignment.version)})
    assert response.status_code == 302
    assert g.count(DecisionLink) == 1


# --- Permissions, route by route and role by role -------------------------------------------------

@pytest.fixture
def scene(app):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    m = g.meeting(w.principal, LAST_MONTH, "RPO Hjärta, möte 3", minutes="§1 Mötet öppnas.")
    locked = g.meeting(w.principal, LAST_MONTH - timedelta(days=30), "RPO Hjärta, möte 2", minutes="§1 Öppnas.")
    g.approved_minutes(locked, w.principal_chair, on=LAST_MONTH)
    item = g.agenda_item(m, assignment_id=a.id)
    d = g.decision(w.principal, meeting_id=m.id)
    link = g.link(d, a)
    x = g.dispatch(d, "Region Uppsala", "")
    meeting_ops.add_approver(m, w.principal_chair.id, ApproverRole.CHAIR, None)
    adjuster = meeting_ops.add_approver(m, w.member.id, ApproverRole.ADJUSTER, None)
    db.session.commit()
    return w, {"a": a.id, "m": m.id, "locked": locked.id, "item": item.id, "d": d.id, "link": link.id, "x": x.id,
               "principal": w.principal.id, "member": w.member.id, "region": w.region.id, "adjuster": adjuster.id,
               "steering_chair": w.steering_chair.id}


def _v(model, key):
    return lambda ids: str(db.session.get(model, ids[key]).version)


# (method, url, form data, who may, what an allowed user is told: None = the success message of a save).
# A chair may register their own group's meetings and decisions: the other chairs get the form back.
OWN_GROUP_ONLY = g.outcomes(PRINCIPAL, refused={"recipient_chair", "unrelated_chair"})
ROUTES = [
    ("GET", "/decisions/new", None, KEEPERS | g.CHAIRS, None),
    ("POST", "/decisions/new", lambda ids: {
        "title": "Nytt beslut", "group_id": ids["principal"], "meeting_id": "", "state": "taken", "kind": "decision",
        "decided_on": YESTERDAY.isoformat(), "registry_number": "", "issuing_organisation_id": "", "text": "Text",
        "executor": "", "execute_by": "", "execution_status": "not_started", "execution_note": "", "source": ""},
     OWN_GROUP_ONLY, None),
    ("GET", "/decisions/{d}/edit", None, PRINCIPAL, None),
    ("POST", "/decisions/{d}/edit", lambda ids: {
        "title": "Ändrat beslut", "group_id": ids["principal"], "meeting_id": ids["m"], "state": "taken",
        "kind": "decision", "decided_on": LAST_MONTH.isoformat(), "registry_number": "", "issuing_organisation_id": "",
        "text": "Ny text", "executor": "", "execute_by": "", "execution_status": "done", "execution_note": "",
        "source": "", "version": _v(Decision, "d")(ids)}, PRINCIPAL, None),
    ("POST", "/decisions/{d}/archive", lambda ids: {"do": "archive"}, KEEPERS, None),
    ("POST", "/decisions/{d}/links", lambda ids: {"effect": "changes", "assignment_id": ids["a"]}, PRINCIPAL, None),
    ("POST", "/decisions/links/{link}/archive", lambda ids: {"do": "archive"}, PRINCIPAL, None),
    ("POST", "/decisions/{d}/dispatch", lambda ids: {"recipient": "Region Västmanland", "email": "diarium@rvn.se"},
     PRINCIPAL, None),
    ("POST", "/decisions/{d}/dispatch/send", lambda ids: {}, PRINCIPAL, "E-post är inte konfigurerad."),
    ("POST", "/decisions/dispatch/{x}/sent", lambda ids: {}, PRINCIPAL, None),
    ("GET", "/meetings/new", None, KEEPERS | g.CHAIRS, None),
    ("POST", "/meetings/new", lambda ids: {"group_id": ids["principal"], "starts_on": NEXT_MONTH.isoformat(),
                                           "title": "", "start_time": "", "ends_on": "", "place": "",
                                           "source": ""}, OWN_GROUP_ONLY, None),
    ("GET", "/meetings/{m}/edit", None, PRINCIPAL, None),
    ("POST", "/meetings/{m}/edit", lambda ids: {
        "group_id": ids["principal"], "starts_on": LAST_MONTH.isoformat(), "title": "Nytt namn", "start_time": "",
        "ends_on": "", "place": "Västerås", "source": "", "version": _v(Meeting, "m")(ids)}, PRINCIPAL, None),
    ("POST", "/meetings/{m}/archive", lambda ids: {"do": "archive"}, KEEPERS, None),
    ("GET", "/meetings/{m}/agenda/new", None, PRINCIPAL, None),
    ("POST", "/meetings/{m}/agenda/new", lambda ids: {"title": "Övriga frågor", "position": "", "description": "",
                                                      "assignment_id": "", "status_report_id": "",
                                                      "decision_id": ""}, PRINCIPAL, None),
    ("GET", "/meetings/agenda/{item}/edit", None, PRINCIPAL, None),
    ("POST", "/meetings/agenda/{item}/edit", lambda ids: {
        "title": "Uppdraget, lägesrapport", "position": "1", "description": "", "assignment_id": ids["a"],
        "status_report_id": "", "decision_id": "", "version": _v(AgendaItem, "item")(ids)}, PRINCIPAL, None),
    ("POST", "/meetings/{m}/attendance", lambda ids: {"person_id": ids["member"], "representing_id": ids["region"],
                                                      "status": "present", "substitute_for_id": ""}, PRINCIPAL, None),
    ("POST", "/meetings/{m}/conflicts", lambda ids: {"agenda_item_id": ids["item"], "person_id": ids["member"],
                                                     "note": ""}, PRINCIPAL, None),
    ("GET", "/meetings/{m}/minutes", None, PRINCIPAL, None),
    ("POST", "/meetings/{m}/minutes", lambda ids: {"minutes": "§1 Mötet öppnas. §2 Uppdraget.",
                                                   "version": _v(Meeting, "m")(ids)}, PRINCIPAL, None),
    ("GET", "/meetings/agenda/{item}/minutes", None, PRINCIPAL, None),
    ("POST", "/meetings/agenda/{item}/minutes", lambda ids: {
        "minutes": "Ordföranden redogjorde för uppdraget.", "decision_kind": "decision", "decision_title": "",
        "decision_text": "Gruppen beslutar att godkänna lägesrapporten.", "registry_number": "",
        "issuing_organisation_id": "", "executor": "", "execute_by": "", "version": _v(AgendaItem, "item")(ids)},
     PRINCIPAL, None),
    ("POST", "/meetings/{m}/approvers", lambda ids: {"person_id": ids["steering_chair"], "role": "adjuster"},
     PRINCIPAL, None),
    ("POST", "/meetings/approvers/{adjuster}/remove", lambda ids: {}, PRINCIPAL, None),
    # Only the named adjusters approve, each in their own name; the secretariat records on their behalf.
    ("POST", "/meetings/{m}/minutes/approve", lambda ids: {"version": _v(Meeting, "m")(ids)},
     {"principal_chair"}, None),
    ("POST", "/meetings/approvers/{adjuster}/record", lambda ids: {"approved_on": TODAY.isoformat()}, KEEPERS, None),
    ("GET", "/meetings/{locked}/minutes/correct", None, PRINCIPAL, None),
    ("POST", "/meetings/{locked}/minutes/correct", lambda ids: {
        "minutes": "§1 Mötet öppnas (rättat).", "reason": "Fel datum", "approved_by": "Petra Beställare",
        "approved_on": TODAY.isoformat(), "version": _v(Meeting, "locked")(ids)}, PRINCIPAL, None),
]
READ_ONLY = ["/decisions/", "/decisions/{d}", "/decisions/?execution=awaiting", "/meetings/", "/meetings/?when=past",
             "/meetings/{m}", "/meetings/{locked}"]


@pytest.mark.parametrize("actor", g.ACTORS)
@pytest.mark.parametrize("method,url,data,allowed,told", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_each_route_is_open_to_exactly_the_right_people(app, scene, login_as, monkeypatch, actor, method, url, data,
                                                        allowed, told):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    w, ids = scene
    outcome = allowed[actor] if isinstance(allowed, dict) else g.outcomes(allowed)[actor]
    browser = g.sign_in(login_as, w, actor)
    g.check_route(browser, method, url.format(**ids), data(ids) if data else None, outcome, "group_id", told)


@pytest.mark.parametrize("actor", g.ACTORS)
def test_everyone_signed_in_reads_meetings_and_decisions(scene, login_as, actor):
    w, ids = scene
    browser = g.sign_in(login_as, w, actor)
    for url in READ_ONLY:
        assert browser.get(url.format(**ids)).status_code == 200, url
    assert "RPO Hjärta, möte 3" in browser.get(f"/meetings/{ids['m']}").get_data(as_text=True)


@pytest.mark.parametrize("method,url", [(r[0], r[1]) for r in ROUTES] + [("GET", u) for u in READ_ONLY])
def test_anonymous_is_sent_to_sign_in(scene, client, method, url):
    _, ids = scene
    before = g.database_state()
    response = client.open(url.format(**ids), method=method, data={"title": "Kapat"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert g.database_state() == before


def test_outsiders_see_no_buttons(scene, login_as):
    w, ids = scene
    for actor in ("recipient_chair", "unrelated_chair", "reader"):
        browser = g.sign_in(login_as, w, actor)
        meeting = g.text(browser.get(f"/meetings/{ids['m']}").get_data(as_text=True))
        decision = g.text(browser.get(f"/decisions/{ids['d']}").get_data(as_text=True))
        for label in ("Redigera", "Lägg till ärende", "Registrera närvaro", "Anmäl jäv", "Justera protokollet",
                      "Utse justerare", "Skriv protokoll", "Registrera justering"):
            assert label not in meeting, (actor, label)
        for label in ("Redigera", "Koppla uppdrag", "Lägg till mottagare", "Markera som skickat"):
            assert label not in decision, (actor, label)
    chair = g.sign_in(login_as, w, "principal_chair")
    page = chair.get(f"/meetings/{ids['m']}").get_data(as_text=True)
    assert "Justera protokollet" in page and "Utse justerare" in page and "Registrera justering" not in page
    assert "Markera som skickat" in chair.get(f"/decisions/{ids['d']}").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["decision", "meeting"])
def test_a_chair_cannot_hand_a_record_to_another_group(scene, login_as, kind):
    w, ids = scene
    chair = g.sign_in(login_as, w, "principal_chair")
    if kind == "decision":
        url, data = f"/decisions/{ids['d']}/edit", decision_form(
            w, group_id=str(w.unrelated.id), version=_v(Decision, "d")(ids))
        model, key = Decision, "d"
    else:
        url, data = f"/meetings/{ids['m']}/edit", meeting_form(
            w, group_id=str(w.unrelated.id), version=_v(Meeting, "m")(ids))
        model, key = Meeting, "m"
    before = g.database_state()
    response = chair.post(url, data)
    assert response.status_code == 200
    assert g.field_error(response.get_data(as_text=True), "group_id") in g.GROUP_REFUSALS
    assert db.session.get(model, ids[key]).group_id == w.principal.id
    assert g.database_state() == before


def test_a_chair_records_their_own_groups_meeting_and_decision(app, login_as):
    w = g.world()
    chair = g.sign_in(login_as, w, "principal_chair")
    form = chair.get("/meetings/new").get_data(as_text=True)
    choices = form.split('id="group_id"', 1)[1].split("</select>", 1)[0]
    assert set(map(int, re.findall(r'value="(\d+)"', choices))) == {w.principal.id}
    assert chair.post("/meetings/new", meeting_form(w)).status_code == 302
    meeting = db.session.scalars(sa.select(Meeting)).one()
    assert chair.post("/decisions/new", decision_form(w, meeting_id=str(meeting.id))).status_code == 302
    decision = db.session.scalars(sa.select(Decision)).one()
    assert (decision.group_id, decision.meeting_id, decision.created_by_id) == (w.principal.id, meeting.id,
                                                                                chair.user.id)
    # Not for a group they do not chair.
    before = g.database_state()
    page = chair.post("/meetings/new", meeting_form(w, group_id=str(w.unrelated.id))).get_data(as_text=True)
    assert g.field_error(page, "group_id") in g.GROUP_REFUSALS
    page = chair.post("/decisions/new", decision_form(w, group_id=str(w.unrelated.id))).get_data(as_text=True)
    assert g.field_error(page, "group_id") in g.GROUP_REFUSALS
    assert g.database_state() == before


# --- Decisions: registry numbers and other rules -----------------------------------------------------

def test_a_registry_number_is_unique_per_issuing_organisation(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    first = decision_form(w, title="Beslut om kunskapsstyrning", registry_number="RS 2021-06735",
                          issuing_organisation_id=str(w.region.id))
    assert keeper.post("/decisions/new", first).status_code == 302

    before = g.database_state()
    response = keeper.post("/decisions/new", dict(first, title="Ett annat beslut", registry_number="rs 2021-06735"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert g.field_error(page, "registry_number") == \
        "Diarienumret används redan för beslutet ”Beslut om kunskapsstyrning”."
    assert 'value="Ett annat beslut"' in page
    assert g.database_state() == before

    # The same number at another organisation is another decision.
    response = keeper.post("/decisions/new", dict(first, title="Västmanlands beslut",
                                                  issuing_organisation_id=str(w.other_org.id)))
    assert response.status_code == 302
    assert g.count(Decision, Decision.registry_number == "RS 2021-06735") == 2


def test_an_edit_cannot_take_another_decisions_registry_number(app, login_as):
    w = g.world()
    g.decision(w.principal, "Först", registry_number="RS 2021-06735", issuing_organisation_id=w.region.id)
    second = g.decision(w.principal, "Sedan", registry_number="RS 2022-00001", issuing_organisation_id=w.region.id)
    keeper = login_as(Role.SECRETARIAT)
    before = g.database_state()
    page = keeper.post(f"/decisions/{second.id}/edit", decision_form(
        w, title="Sedan", registry_number="RS 2021-06735", issuing_organisation_id=str(w.region.id),
        version=str(second.version))).get_data(as_text=True)
    assert "Diarienumret används redan" in g.field_error(page, "registry_number")
    assert g.database_state() == before
    # Saving it under its own number is no clash.
    response = keeper.post(f"/decisions/{second.id}/edit", decision_form(
        w, title="Sedan, ändrat", registry_number="RS 2022-00001", issuing_organisation_id=str(w.region.id),
        version=str(second.version)))
    assert response.status_code == 302


@pytest.mark.parametrize("changes,field,message", [
    ({"registry_number": "RS 2021-1"}, "issuing_organisation_id", "Ange vilken organisation diarienumret hör till."),
    ({"decided_on": "", "source": ""}, "decided_on",
     "Ett fattat beslut behöver ett beslutsdatum, eller en källa om källan inte anger något datum."),
    ({"title": "", "text": ""}, "title", "Fältet måste fyllas i."),
    ({"group_id": ""}, "group_id", "Fältet måste fyllas i."),
    ({"decided_on": "28/11/2023"}, "decided_on", "Ange ett giltigt datum som ÅÅÅÅ-MM-DD."),
    ({"kind": "edict"}, "kind", "Välj ett av alternativen."),
])
def test_bad_decisions_are_refused_with_a_message(app, login_as, changes, field, message):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/decisions/new", decision_form(w, **changes))
    assert response.status_code == 200
    assert g.field_error(response.get_data(as_text=True), field) == message
    assert g.count(Decision) == 0


def test_a_taken_decision_from_a_document_without_a_date_may_stay_undated(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/decisions/new", decision_form(w, decided_on="", source="Protokoll RSG 2022, odaterat"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Decision.decided_on)) is None


def test_a_decision_at_a_meeting_belongs_to_the_meetings_group(app, login_as):
    w = g.world()
    other_meeting = g.meeting(w.unrelated, LAST_MONTH)
    own_meeting = g.meeting(w.principal, LAST_MONTH)
    keeper = login_as(Role.SECRETARIAT)
    page = keeper.post("/decisions/new", decision_form(w, meeting_id=str(other_meeting.id))).get_data(as_text=True)
    assert g.field_error(page, "meeting_id") == "Mötet hör till en annan grupp."
    page = keeper.post("/decisions/new", decision_form(w, meeting_id=str(own_meeting.id), by_delegation="y")).get_data(
        as_text=True)
    assert g.field_error(page, "by_delegation") == "Ett delegationsbeslut fattas inte på ett möte."
    assert g.count(Decision) == 0


def test_a_link_is_made_once(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    d = g.decision(w.principal)
    g.link(d, a, LinkEffect.GIVES)
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post(f"/decisions/{d.id}/links", {"effect": "gives", "assignment_id": str(a.id)},
                           form_url=f"/decisions/{d.id}", follow_redirects=True)
    assert any("redan kopplat" in m for m in g.flashes(response.get_data(as_text=True), "error"))
    assert g.count(DecisionLink) == 1
    # A decision that closes the assignment is recorded on it.
    assert keeper.post(f"/decisions/{d.id}/links", {"effect": "closes", "assignment_id": str(a.id)},
                       form_url=f"/decisions/{d.id}").status_code == 302
    assert db.session.get(Assignment, a.id).closed_by_decision_id == d.id


# --- Decisions: execution follow-up ---------------------------------------------------------------------

def test_awaiting_and_late_filters_return_exactly_the_right_decisions(app, login_as):
    w = g.world()
    ES = ExecutionStatus
    late = g.decision(w.principal, "Sen", execution_status=ES.NOT_STARTED, execute_by=YESTERDAY)
    late_in_progress = g.decision(w.unrelated, "Sen och pågår", execution_status=ES.IN_PROGRESS, execute_by=LAST_MONTH)
    on_time = g.decision(w.principal, "I tid", execution_status=ES.IN_PROGRESS, execute_by=NEXT_MONTH)
    due_today = g.decision(w.principal, "Senast i dag", execution_status=ES.NOT_STARTED, execute_by=TODAY)
    no_date = g.decision(w.principal, "Utan datum", execution_status=ES.NOT_STARTED)
    g.decision(w.principal, "Genomfört", execution_status=ES.DONE, execute_by=LAST_MONTH)
    g.decision(w.principal, "Inget att göra", execution_status=ES.NOT_APPLICABLE, execute_by=LAST_MONTH)
    g.decision(w.principal, "Bara förslag", state=DecisionState.PROPOSED, decided_on=None, execute_by=LAST_MONTH)
    g.decision(w.principal, "Återtaget", state=DecisionState.WITHDRAWN, execute_by=LAST_MONTH)
    archived = g.decision(w.principal, "Arkiverat", execution_status=ES.NOT_STARTED, execute_by=LAST_MONTH)
    g.archive(archived)
    reader = login_as(Role.READER)

    def listed(query):
        return g.linked_ids(g.main_content(reader.get(f"/decisions/?{query}").get_data(as_text=True)), "decisions")

    assert listed("execution=awaiting") == {late.id, late_in_progress.id, on_time.id, due_today.id, no_date.id}
    assert listed("execution=late") == {late.id, late_in_progress.id}
    assert listed(f"execution=late&group={w.principal.id}") == {late.id}
    page = reader.get("/decisions/?execution=awaiting").get_data(as_text=True)
    rows = {int(i): row for row in re.findall(r"<tr>.*?</tr>", page, re.S)
            for i in re.findall(r'href="/decisions/(\d+)"', row)}
    assert "Försenat" in rows[late.id] and "Försenat" in rows[late_in_progress.id]
    assert all("Försenat" not in rows[d.id] for d in (on_time, due_today, no_date))
    assert len(listed("")) == 9, "every decision but the archived one"


# --- Dispatch -------------------------------------------------------------------------------------------

def test_without_mail_the_dispatch_list_is_sent_by_hand(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    w = g.world()
    d = g.decision(w.principal, registry_number="RS 2024-1", issuing_organisation_id=w.region.id)
    keeper = login_as(Role.SECRETARIAT)
    url = f"/decisions/{d.id}"
    assert keeper.post(f"{url}/dispatch", {"recipient": "Region Uppsala", "email": "registrator@regionuppsala.se"},
                       form_url=url).status_code == 302
    page = keeper.get(url).get_data(as_text=True)
    assert "E-post är inte konfigurerad: sändlistan är det som kansliet skickar för hand." in page
    assert "Skicka beslutet med e-post" not in page
    assert "Att skicka" in page and "Markera som skickat" in page
    dispatch = db.session.scalars(sa.select(DecisionDispatch)).one()

    # Asking the app to send anyway is refused; nothing is marked.
    response = keeper.post(f"{url}/dispatch/send", {}, form_url=url, follow_redirects=True)
    assert any("E-post är inte konfigurerad" in m for m in g.flashes(response.get_data(as_text=True), "error"))
    assert db.session.get(DecisionDispatch, dispatch.id).status == DispatchStatus.TO_SEND

    response = keeper.post(f"/decisions/dispatch/{dispatch.id}/sent", {}, form_url=url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Markerat som skickat." in g.flashes(page, "success")
    dispatch = db.session.get(DecisionDispatch, dispatch.id)
    assert dispatch.status == DispatchStatus.SENT and dispatch.sent_at is not None
    assert "Markera som skickat" not in page


def test_a_dispatch_needs_a_recipient_and_a_valid_address(app, login_as):
    w = g.world()
    d = g.decision(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post(f"/decisions/{d.id}/dispatch", {"recipient": "", "email": "inte-en-adress"},
                           form_url=f"/decisions/{d.id}", follow_redirects=True)
    errors = " ".join(g.flashes(response.get_data(as_text=True), "error"))
    assert "Välj en mottagare eller skriv ett namn." in errors and "Ange en giltig e-postadress." in errors
    assert g.count(DecisionDispatch) == 0


def test_with_mail_configured_the_decision_is_emailed(app, login_as, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    w = g.world()
    d = g.decision(w.principal, "Beslut om hjärtsviktsrutin", registry_number="RS 2024-00123",
                   issuing_organisation_id=w.region.id, text="Rutinen ska tas fram före årsskiftet.")
    by_hand = g.dispatch(d, "Arkivet", "")
    already = g.dispatch(d, "Skickat förut", "forut@example.se")
    from app.decisions import operations

    operations.mark_dispatched(db.session.get(DecisionDispatch, already.id), None)
    db.session.commit()
    keeper = login_as(Role.SECRETARIAT)
    url = f"/decisions/{d.id}"
    for recipient, address in [("Region Uppsala", "registrator@regionuppsala.se"),
                               ("Region Västmanland", "diarium@regionvastmanland.se")]:
        assert keeper.post(f"{url}/dispatch", {"recipient": recipient, "email": address},
                           form_url=url).status_code == 302
    page = keeper.get(url).get_data(as_text=True)
    assert "Skicka beslutet med e-post" in page

    response = keeper.post(f"{url}/dispatch/send", {}, form_url=url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 e-postmeddelanden ligger i utkorgen och skickas strax." in g.flashes(page, "success")
    assert page.count("I utkorgen") == 2 and smtp_server.messages == []  # sent after the request, by the worker
    assert outbox.deliver_due() == {OutboxStatus.SENT: 2}
    received = sorted((rcpts[0], msg) for _, rcpts, msg in smtp_server.messages)
    assert [r for r, _ in received] == ["diarium@regionvastmanland.se", "registrator@regionuppsala.se"]
    for _, message in received:
        assert message["Subject"] == "Beslut om hjärtsviktsrutin (RS 2024-00123)"
        assert "Rutinen ska tas fram före årsskiftet." in message.get_body(("plain",)).get_content()
        # The decision extract goes with it (its content: tests/test_pdfs.py).
        assert [a.get_content_type() for a in message.iter_attachments()] == ["application/pdf"]
    rows = {x.recipient: x for x in db.session.scalars(sa.select(DecisionDispatch))}
    assert rows["Region Uppsala"].status == rows["Region Västmanland"].status == DispatchStatus.SENT
    assert rows["Region Uppsala"].sent_at is not None
    assert rows["Arkivet"].status == DispatchStatus.TO_SEND, "without an address it stays on the list for hand"
    assert by_hand.id == rows["Arkivet"].id

    # Sending again sends nothing twice.
    keeper.post(f"{url}/dispatch/send", {}, form_url=url)
    outbox.deliver_due()
    assert len(smtp_server.messages) == 2


def test_a_failed_send_is_shown_and_can_be_retried(app, login_as, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    w = g.world()
    d = g.decision(w.principal)
    g.dispatch(d, "Region Uppsala", "registrator@regionuppsala.se")
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    keeper = login_as(Role.SECRETARIAT)
    keeper.post(f"/decisions/{d.id}/dispatch/send", {}, form_url=f"/decisions/{d.id}")
    assert outbox.deliver_due() == {OutboxStatus.RETRYING: 1}  # the first attempt fails: tried again later
    page = keeper.get(f"/decisions/{d.id}").get_data(as_text=True)
    assert "I utkorgen" in page
    assert outbox.deliver_due(utcnow() + timedelta(minutes=5)) == {OutboxStatus.FAILED: 1}  # the last attempt
    page = keeper.get(f"/decisions/{d.id}").get_data(as_text=True)
    dispatch = db.session.scalars(sa.select(DecisionDispatch)).one()
    assert dispatch.status == DispatchStatus.FAILED and "ConnectionRefusedError" in dispatch.error
    assert dispatch.sent_at is None and "Misslyckades" in page and "Markera som skickat" in page


# --- Meetings ---------------------------------------------------------------------------------------

def test_a_meeting_cannot_end_before_it_starts(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/meetings/new", meeting_form(w, starts_on="2025-03-10", ends_on="2025-03-09"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert g.field_error(page, "ends_on") == "Mötet kan inte sluta innan det börjar."
    assert 'value="RPO Hjärta, möte 3"' in page
    page = keeper.post("/meetings/new", meeting_form(w, start_time="25:61")).get_data(as_text=True)
    assert g.field_error(page, "start_time") == "Ange tid som TT:MM, t.ex. 09:30."
    assert g.count(Meeting) == 0
    # A meeting over two days is fine.
    response = keeper.post("/meetings/new", meeting_form(w, starts_on="2025-03-10", ends_on="2025-03-11"))
    assert response.status_code == 302


def test_upcoming_and_past_meetings_overall_and_per_group(app, login_as):
    w = g.world()
    past = g.meeting(w.principal, LAST_MONTH)
    upcoming = g.meeting(w.principal, NEXT_MONTH)
    ongoing = g.meeting(w.unrelated, YESTERDAY, ends_on=TODAY)  # a two-day meeting that ends today
    other = g.meeting(w.unrelated, NEXT_MONTH)
    reader = login_as(Role.READER)

    def listed(query):
        return g.linked_ids(g.main_content(reader.get(f"/meetings/?{query}").get_data(as_text=True)), "meetings")

    assert listed("") == {upcoming.id, ongoing.id, other.id}
    assert listed("when=past") == {past.id}
    assert listed(f"group={w.principal.id}") == {upcoming.id}
    assert listed(f"when=past&group={w.unrelated.id}") == set()


def test_a_substitute_must_say_whom_they_substitute_for(app, login_as):
    w = g.world()
    m = g.meeting(w.principal, LAST_MONTH)
    keeper = login_as(Role.SECRETARIAT)
    url = f"/meetings/{m.id}/attendance"
    data = {"person_id": str(w.member.id), "representing_id": str(w.region.id), "status": "substitute",
            "substitute_for_id": ""}
    response = keeper.post(url, data, form_url=f"/meetings/{m.id}", follow_redirects=True)
    assert "Ersätter: Ange vem ersättaren tjänstgör för." in g.flashes(response.get_data(as_text=True), "error")
    response = keeper.post(url, dict(data, substitute_for_id=str(w.member.id)), form_url="/", follow_redirects=True)
    assert "Ersätter: En person kan inte ersätta sig själv." in g.flashes(response.get_data(as_text=True), "error")
    assert g.count(Attendance) == 0

    response = keeper.post(url, dict(data, substitute_for_id=str(w.principal_chair.id)), form_url="/",
                           follow_redirects=True)
    page = g.text(response.get_data(as_text=True))
    assert "Närvaron har sparats." in page
    assert "Mona Medlem Region Uppsala Ersättare tjänstgör för Petra Beställare" in page
    row = db.session.scalars(sa.select(Attendance)).one()
    assert (row.status, row.substitute_for_id, row.representing_id) == (AttendanceStatus.SUBSTITUTE,
                                                                        w.principal_chair.id, w.region.id)
    # Registering the same person again changes their row rather than adding one.
    keeper.post(url, dict(data, status="absent", substitute_for_id=""), form_url="/")
    assert db.session.scalars(sa.select(Attendance)).one().status == AttendanceStatus.ABSENT


def test_a_declared_conflict_shows_on_the_meeting_page(app, login_as):
    w = g.world()
    m = g.meeting(w.principal, LAST_MONTH)
    first = g.agenda_item(m, "Val av ordförande")
    second = g.agenda_item(m, "Upphandling av beslutsstöd")
    chair = g.sign_in(login_as, w, "principal_chair")
    response = chair.post(f"/meetings/{m.id}/conflicts", {"agenda_item_id": str(second.id),
                                                          "person_id": str(w.member.id), "note": "Delägare i bolaget."},
                          form_url=f"/meetings/{m.id}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Jävet har noterats; personen deltar inte i ärendet." in g.flashes(page, "success")
    agenda = page.split('id="agenda"', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li.*?</li>", agenda, re.S)
    assert len(items) == 2
    assert "Mona Medlem anmälde jäv och deltog inte i handläggningen av ärendet." in g.text(items[1])
    assert "Delägare i bolaget." in items[1]
    assert "deltog inte" not in items[0], "the conflict is shown on its own item only"
    assert first.position == 1 and second.position == 2

    # Declared twice is refused, and an item of another meeting cannot be chosen.
    response = chair.post(f"/meetings/{m.id}/conflicts", {"agenda_item_id": str(second.id),
                                                          "person_id": str(w.member.id), "note": ""},
                          form_url="/", follow_redirects=True)
    assert any("redan anmält" in msg for msg in g.flashes(response.get_data(as_text=True), "error"))
    other_item = g.agenda_item(g.meeting(w.principal, NEXT_MONTH), "Annat möte")
    response = chair.post(f"/meetings/{m.id}/conflicts", {"agenda_item_id": str(other_item.id),
                                                          "person_id": str(w.member.id), "note": ""},
                          form_url="/", follow_redirects=True)
    assert g.flashes(response.get_data(as_text=True), "error")
    assert g.count(AgendaConflict) == 1


def _version_of(page: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)


def test_minutes_are_written_per_item_and_the_decision_taken_there_is_registered(app, login_as):
    w = g.world()
    m = g.meeting(w.principal, LAST_MONTH, "RPO Hjärta, möte 4")
    first = g.agenda_item(m, "Mötet öppnas")
    second = g.agenda_item(m, "Uppdrag om hjärtsviktsrutin")
    meeting_ops.declare_conflict(m, second.id, w.member.id, "", None)
    db.session.commit()
    keeper = login_as(Role.SECRETARIAT)
    url = f"/meetings/agenda/{second.id}/minutes"
    form = keeper.get(url).get_data(as_text=True)
    assert "Mona Medlem anmälde jäv" in g.text(form)  # the conflict is shown where the § is written
    values = {"minutes": "Föredragande redogjorde för förslaget.", "decision_kind": "decision", "decision_title": "",
              "decision_text": "RPO Hjärta ger RAG Hjärtsvikt i uppdrag att ta fram en rutin.",
              "registry_number": "RS 2026-00001", "issuing_organisation_id": str(w.region.id),
              "executor": "RAG Hjärtsvikt", "execute_by": NEXT_MONTH.isoformat(), "version": _version_of(form)}
    assert keeper.post(url, values).status_code == 302
    item = db.session.get(AgendaItem, second.id)
    decision = item.decision
    assert item.minutes == "Föredragande redogjorde för förslaget."
    assert (decision.title, decision.text, decision.meeting_id, decision.group_id, decision.decided_on,
            decision.state, decision.registry_number, decision.executor) == (
        "Uppdrag om hjärtsviktsrutin", values["decision_text"], m.id, w.principal.id, LAST_MONTH,
        DecisionState.TAKEN, "RS 2026-00001", "RAG Hjärtsvikt")
    # Saved again, the same decision is updated, not a second one made.
    form = keeper.get(url).get_data(as_text=True)
    assert "RS 2026-00001" in form
    assert keeper.post(url, dict(values, decision_text="Ändrad lydelse.", version=_version_of(form))).status_code == 302
    assert g.count(Decision) == 1 and db.session.get(Decision, decision.id).text == "Ändrad lydelse."
    # A registry number already used is refused beside the field, with what was typed kept.
    other = g.decision(w.principal, "Annat beslut", registry_number="RS 2026-00002",
                       issuing_organisation_id=w.region.id)
    form = keeper.get(f"/meetings/agenda/{first.id}/minutes").get_data(as_text=True)
    page = keeper.post(f"/meetings/agenda/{first.id}/minutes", dict(
        values, decision_text="Mötet förklaras öppnat.", registry_number="RS 2026-00002",
        version=_version_of(form))).get_data(as_text=True)
    assert "används redan" in g.field_error(page, "registry_number") and "Mötet förklaras öppnat." in page
    assert db.session.get(AgendaItem, first.id).decision_id is None and other.id
    page = g.text(keeper.get(f"/meetings/{m.id}").get_data(as_text=True))
    assert "§2 Uppdrag om hjärtsviktsrutin" in page and "Föredragande redogjorde för förslaget." in page


def test_each_adjuster_approves_and_the_last_approval_locks_the_minutes(app, login_as):
    w = g.world()
    m = g.meeting(w.principal, LAST_MONTH, "RPO Hjärta, möte 5", start_time="09:00")
    item = g.agenda_item(m, "Uppdrag om hjärtsviktsrutin")
    meeting_ops.write_item_minutes(item, {"minutes": "Diskussion.", "decision_kind": DecisionKind.DECISION,
                                          "decision_text": "Gruppen beslutar att ge uppdraget."}, None)
    meeting_ops.add_approver(m, w.principal_chair.id, ApproverRole.CHAIR, None)
    meeting_ops.add_approver(m, w.member.id, ApproverRole.ADJUSTER, None)
    db.session.commit()
    url = f"/meetings/{m.id}"
    chair = g.sign_in(login_as, w, "principal_chair")
    page = chair.get(url).get_data(as_text=True)
    assert "Justera protokollet" in page
    response = chair.post(f"{url}/minutes/approve", {"version": _version_of(page)}, form_url=url, follow_redirects=True)
    assert "Du har justerat protokollet." in g.flashes(response.get_data(as_text=True), "success")
    approvals = {a.person_id: a for a in db.session.scalars(sa.select(MinutesApproval))}
    assert approvals[w.principal_chair.id].approved_on == TODAY and not approvals[w.principal_chair.id].on_behalf
    assert approvals[w.principal_chair.id].approved_at is not None
    assert not db.session.get(Meeting, m.id).minutes_locked  # the adjuster has not approved yet
    # A second click is refused; someone not named cannot approve at all.
    again = chair.post(f"{url}/minutes/approve", {"version": str(db.session.get(Meeting, m.id).version)},
                       form_url=url)
    assert again.status_code == 403
    assert g.sign_in(login_as, w, "recipient_chair").post(f"{url}/minutes/approve", {"version": "1"},
                                                         form_url=url).status_code == 403

    # The adjuster has no account: the secretariat records the approval on their behalf – not in the future.
    keeper = login_as(Role.SECRETARIAT)
    adjuster = approvals[w.member.id]
    response = keeper.post(f"/meetings/approvers/{adjuster.id}/record", {"approved_on": (TODAY + timedelta(days=1))
                                                                         .isoformat()}, form_url=url,
                           follow_redirects=True)
    assert "framtiden" in " ".join(g.flashes(response.get_data(as_text=True), "error"))
    response = keeper.post(f"/meetings/approvers/{adjuster.id}/record", {"approved_on": YESTERDAY.isoformat()},
                           form_url=url, follow_redirects=True)
    page = g.text(response.get_data(as_text=True))
    meeting = db.session.get(Meeting, m.id)
    assert meeting.minutes_locked and meeting.minutes_approved_on == TODAY
    assert meeting.minutes_approved_by == "Petra Beställare, Mona Medlem"
    assert "(registrerat av sekretariatet)" in page and "Protokollet är låst" in page
    [revision] = meeting.revisions
    assert "§1 Uppdrag om hjärtsviktsrutin" in revision.text and "Gruppen beslutar att ge uppdraget." in revision.text

    # Locked: the date, agenda, attendance, conflicts and the decision's wording; not its execution.
    decision = meeting.decisions[0]
    form = keeper.get(f"{url}/edit").get_data(as_text=True)
    edit = {"group_id": str(w.principal.id), "starts_on": LAST_MONTH.isoformat(), "title": "Nytt namn",
            "start_time": "09:00", "ends_on": "", "place": "Västerås", "source": "", "version": _version_of(form)}
    page = keeper.post(f"{url}/edit", dict(edit, starts_on=YESTERDAY.isoformat())).get_data(as_text=True)
    assert "kan inte ändras" in g.field_error(page, "starts_on")
    assert keeper.post(f"{url}/edit", edit).status_code == 302  # the title and place may still be mended
    assert db.session.get(Meeting, m.id).starts_on == LAST_MONTH
    assert keeper.get(f"/meetings/agenda/{item.id}/edit").status_code == 403
    assert keeper.get(f"/meetings/agenda/{item.id}/minutes").status_code == 403
    before = g.database_state()
    keeper.post(f"{url}/attendance", {"person_id": str(w.member.id), "representing_id": "", "status": "present",
                                      "substitute_for_id": ""}, form_url=url)
    keeper.post(f"{url}/conflicts", {"agenda_item_id": str(item.id), "person_id": str(w.principal_chair.id),
                                     "note": ""}, form_url=url)
    keeper.post(f"{url}/agenda/new", {"title": "Tillägg", "position": "", "description": "", "assignment_id": "",
                                      "status_report_id": "", "decision_id": ""})
    assert g.database_state() == before
    decision_form = keeper.get(f"/decisions/{decision.id}/edit").get_data(as_text=True)
    wording = {"title": decision.title, "group_id": str(w.principal.id), "meeting_id": str(m.id), "state": "taken",
               "kind": "decision", "decided_on": LAST_MONTH.isoformat(), "registry_number": "",
               "issuing_organisation_id": "", "text": "Förfalskad lydelse", "executor": "", "execute_by": "",
               "execution_status": "not_started", "execution_note": "", "source": "",
               "version": _version_of(decision_form)}
    page = keeper.post(f"/decisions/{decision.id}/edit", wording).get_data(as_text=True)
    assert "lydelse kan inte ändras" in g.field_error(page, "text")
    response = keeper.post(f"/decisions/{decision.id}/edit", dict(
        wording, text=decision.text, execution_status="done", execution_note="Uppdraget är givet."))
    assert response.status_code == 302
    assert db.session.get(Decision, decision.id).execution_status == ExecutionStatus.DONE
    assert keeper.post(f"/decisions/{decision.id}/archive", {"do": "archive"}, form_url="/").status_code == 403

    # A correction is a new numbered revision, approved on a day not in the future.
    correction = {"minutes": "Rättelse: mötet hölls i Västerås.", "reason": "Fel ort",
                  "approved_by": "Petra Beställare",
                  "approved_on": (TODAY + timedelta(days=3)).isoformat(),
                  "version": str(db.session.get(Meeting, m.id).version)}
    page = keeper.post(f"{url}/minutes/correct", correction).get_data(as_text=True)
    assert "framtiden" in g.field_error(page, "approved_on")
    assert keeper.post(f"{url}/minutes/correct", dict(correction, approved_on=TODAY.isoformat())).status_code == 302
    revisions = db.session.scalars(sa.select(MinutesRevision).order_by(MinutesRevision.number)).all()
    assert [(r.number, r.reason) for r in revisions] == [(1, ""), (2, "Fel ort")]
    assert "Rättelse: mötet hölls i Västerås." in revisions[1].text


def test_minutes_cannot_be_approved_before_the_meeting_nor_when_empty(app, login_as):
    w = g.world()
    m = g.meeting(w.principal, LAST_MONTH)
    approval = meeting_ops.add_approver(m, w.member.id, ApproverRole.ADJUSTER, None)
    db.session.commit()
    keeper = login_as(Role.SECRETARIAT)
    url = f"/meetings/approvers/{approval.id}/record"
    response = keeper.post(url, {"approved_on": TODAY.isoformat()}, form_url=f"/meetings/{m.id}",
                           follow_redirects=True)
    assert "Det finns inget protokoll att justera." in g.flashes(response.get_data(as_text=True), "error")
    meeting_ops.save_minutes(db.session.get(Meeting, m.id), {"minutes": "§1 Mötet öppnas."}, None)
    db.session.commit()
    response = keeper.post(url, {"approved_on": (LAST_MONTH - timedelta(days=1)).isoformat()},
                           form_url=f"/meetings/{m.id}", follow_redirects=True)
    assert any("före mötet" in msg for msg in g.flashes(response.get_data(as_text=True), "error"))
    assert g.count(MinutesRevision) == 0 and not db.session.get(Meeting, m.id).minutes_locked
    # The same person cannot be named twice; an adjuster who has not approved may be taken away.
    response = keeper.post(f"/meetings/{m.id}/approvers", {"person_id": str(w.member.id), "role": "adjuster"},
                           form_url=f"/meetings/{m.id}", follow_redirects=True)
    assert any("justerar redan" in msg for msg in g.flashes(response.get_data(as_text=True), "error"))
    keeper.post(f"/meetings/approvers/{approval.id}/remove", {}, form_url=f"/meetings/{m.id}")
    assert db.session.get(Meeting, m.id).approvals == [] and g.count(MinutesApproval) == 1  # kept, marked
    assert keeper.post(f"/meetings/approvers/{approval.id}/record", {"approved_on": TODAY.isoformat()},
                       form_url=f"/meetings/{m.id}").status_code == 404
    keeper.post(f"/meetings/{m.id}/approvers", {"person_id": str(w.member.id), "role": "adjuster"},
                form_url=f"/meetings/{m.id}")
    assert [a.id for a in db.session.get(Meeting, m.id).approvals] == [approval.id]  # named again: the same row


def test_the_meeting_page_chooses_people_with_the_picker_and_has_no_duplicate_ids(app, login_as):
    w = g.world()
    m = g.meeting(w.principal, LAST_MONTH, "RPO Hjärta, möte 6", minutes="§1 Öppnas.")
    g.agenda_item(m, "Uppdraget")
    keeper = login_as(Role.SECRETARIAT)
    page = keeper.get(f"/meetings/{m.id}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)  # labels point at fields by id; the CSRF tokens have none
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert page.count('name="csrf_token"') > 1
    for field_id in ("attendance-person", "conflict-person", "approver-person"):
        assert re.search(rf'<div class="picker" data-picker="person"[^>]*><select[^>]*id="{field_id}"', page)
    # Without JavaScript: the plain search narrows the people offered and saves nothing.
    before = g.database_state()
    searched = keeper.get(f"/meetings/{m.id}", query_string={"picker": "person_id", "person_id-q": "mona",
                                                             "status": "absent"}).get_data(as_text=True)
    options = re.search(r'<select[^>]*id="attendance-person"[^>]*>(.*?)</select>', searched, re.S).group(1)
    assert re.findall(r">([^<]+)</option>", options) == ["– välj –", "Mona Medlem"]
    assert g.database_state() == before


def test_a_decision_taken_at_a_section_gets_the_next_number_of_the_series(app, login_as):
    w = g.world()
    ops.update(w.hr, None, {"registry_format": "RS {year}-{number:05d}"})  # the group's registry, by default
    db.session.commit()
    m = g.meeting(w.principal, LAST_MONTH, "RPO Hjärta, möte 7")
    item = g.agenda_item(m, "Uppdrag om rutin")
    keeper = login_as(Role.SECRETARIAT)
    url = f"/meetings/agenda/{item.id}/minutes"
    form = keeper.get(url).get_data(as_text=True)
    year = LAST_MONTH.year
    assert f"nu RS {year}-00001" in g.text(form)  # suggested, not yet taken
    values = {"minutes": "", "decision_kind": "decision", "decision_title": "", "decision_text": "Beslutet.",
              "registry_number": "", "issuing_organisation_id": str(w.hr.id), "executor": "", "execute_by": "",
              "version": _version_of(form)}
    assert keeper.post(url, values).status_code == 302
    assert db.session.get(AgendaItem, item.id).decision.registry_number == f"RS {year}-00001"
    # Saved again, the decision keeps its number; the next § gets the next one.
    form = keeper.get(url).get_data(as_text=True)
    assert keeper.post(url, dict(values, registry_number=f"RS {year}-00001", version=_version_of(form))
                       ).status_code == 302
    second = g.agenda_item(db.session.get(Meeting, m.id), "Nästa ärende")
    form = keeper.get(f"/meetings/agenda/{second.id}/minutes").get_data(as_text=True)
    keeper.post(f"/meetings/agenda/{second.id}/minutes", dict(values, version=_version_of(form)))
    assert [d.registry_number for d in db.session.scalars(sa.select(Decision).order_by(Decision.id))] == [
        f"RS {year}-00001", f"RS {year}-00002"]


def test_an_item_about_an_earlier_decision_does_not_reword_it(app, login_as):
    w = g.world()
    earlier = g.decision(w.principal, "Tidigare beslut", text="Den ursprungliga lydelsen.")
    m = g.meeting(w.principal, LAST_MONTH, "RPO Hjärta, möte 8")
    item = g.agenda_item(m, "Uppföljning av tidigare beslut", decision_id=earlier.id)
    keeper = login_as(Role.SECRETARIAT)
    url = f"/meetings/agenda/{item.id}/minutes"
    form = keeper.get(url).get_data(as_text=True)
    assert "Den ursprungliga lydelsen." not in form  # the earlier decision is not offered for rewording
    page = keeper.post(url, {"minutes": "Uppföljningen redovisades.", "decision_kind": "decision",
                             "decision_title": "", "decision_text": "En ny lydelse.", "registry_number": "",
                             "issuing_organisation_id": "", "executor": "", "execute_by": "",
                             "version": _version_of(form)}).get_data(as_text=True)
    assert "redan är fattat" in g.field_error(page, "decision_text") and "En ny lydelse." in page
    assert db.session.get(Decision, earlier.id).text == "Den ursprungliga lydelsen."
    # Minutes alone (no decision worded) are saved, and the reference stays.
    assert keeper.post(url, {"minutes": "Uppföljningen redovisades.", "decision_kind": "decision",
                             "decision_title": "", "decision_text": "", "registry_number": "",
                             "issuing_organisation_id": "", "executor": "", "execute_by": "",
                             "version": _version_of(form)}).status_code == 302
    saved = db.session.get(AgendaItem, item.id)
    assert saved.minutes == "Uppföljningen redovisades." and saved.decision_id == earlier.id
