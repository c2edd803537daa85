"""Assignments (uppdrag): who may do what, the lifecycle, status reports, reporting rounds and bad input,
all through real HTTP requests."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.assignments.models import (
    TRANSITIONS,
    Assignment,
    AssignmentPhase,
    AssignmentStatus,
    AssignmentTransition,
    ReportingRound,
    ReportRequest,
    StatusReport,
    TrafficLight,
)
from app.auth.models import Role
from app.core.audit import ChangeLog
from app.extensions import db
from tests import gov_factories as g
from tests.gov_factories import KEEPERS, LAST_MONTH, LAST_YEAR, NEXT_MONTH, TODAY, YESTERDAY

S = AssignmentStatus


def version_on(page: str) -> str:
    match = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', page)
    assert match, "no version field on the page"
    return match.group(1)


def assignment_form(w, **changes) -> dict:
    data = {"title": "Ta fram regional vårdrutin för hjärtsvikt", "principal_group_id": str(w.principal.id),
            "recipient_group_id": str(w.recipient.id), "description": "", "mandate": "Får besluta om arbetssätt.",
            "questions": "Vilka patienter?\nVilka insatser?", "deliverables": "Vårdrutin", "start_on": "2025-01-01",
            "due_on": "2025-12-31", "parent_id": "", "given_by_decision_id": "", "closed_by_decision_id": "",
            "source": ""}
    return dict(data, **changes)


def report_form(**changes) -> dict:
    data = {"reported_on": TODAY.isoformat(), "traffic_light": "on_track", "progress": "Nulägesanalysen är klar.",
            "needs_from_principal": "", "corrects_id": ""}
    return dict(data, **changes)


def current(assignment_id: int) -> Assignment:
    return db.session.get(Assignment, assignment_id)


# --- Permissions, route by route and role by role -------------------------------------------------

@pytest.fixture
def scene(app):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    p = g.phase(a, "Nulägesanalys", due_on=NEXT_MONTH)
    return w, {"a": a.id, "phase": p.id, "principal": w.principal.id, "recipient": w.recipient.id,
               "member": w.member.id}


def _version(ids):
    return str(current(ids["a"]).version)


PRINCIPAL = KEEPERS | {"principal_chair"}
RECIPIENT = KEEPERS | {"recipient_chair"}
# (method, url, form data, who may): for GET the form is shown, for POST a valid form is saved. A chair
# may register assignments their own group gives: the other chairs get the form back with a message.
ROUTES = [
    ("GET", "/assignments/new", None, KEEPERS | g.CHAIRS),
    ("POST", "/assignments/new", lambda ids: {
        "title": "Nytt uppdrag", "principal_group_id": ids["principal"], "recipient_group_id": ids["recipient"]},
     g.outcomes(PRINCIPAL, refused={"recipient_chair", "unrelated_chair"})),
    ("GET", "/assignments/{a}/edit", None, PRINCIPAL),
    ("POST", "/assignments/{a}/edit", lambda ids: {
        "title": "Ändrad titel", "principal_group_id": ids["principal"], "recipient_group_id": ids["recipient"],
        "version": _version(ids)}, PRINCIPAL),
    ("POST", "/assignments/{a}/archive", lambda ids: {"do": "archive"}, KEEPERS),
    ("POST", "/assignments/{a}/transition", lambda ids: {"to_status": "delivered", "note": "",
                                                         "version": _version(ids)}, PRINCIPAL),
    ("POST", "/assignments/{a}/request-report", lambda ids: {"due_on": (TODAY + timedelta(days=14)).isoformat()},
     PRINCIPAL),
    ("GET", "/assignments/{a}/reports/new", None, RECIPIENT),
    ("POST", "/assignments/{a}/reports/new", lambda ids: report_form(), RECIPIENT),
    ("POST", "/assignments/{a}/reporters", lambda ids: {"person_ids": [str(ids["member"])]}, RECIPIENT),
    ("GET", "/assignments/{a}/phases/new", None, PRINCIPAL),
    ("POST", "/assignments/{a}/phases/new", lambda ids: {"title": "Fas 2", "position": "", "description": "",
                                                         "due_on": "", "done_on": ""}, PRINCIPAL),
    ("GET", "/assignments/phases/{phase}/edit", None, PRINCIPAL),
    ("POST", "/assignments/phases/{phase}/edit", lambda ids: {
        "title": "Nulägesanalys", "position": "1", "description": "", "due_on": "", "done_on": TODAY.isoformat(),
        "version": str(db.session.get(AssignmentPhase, ids["phase"]).version)}, PRINCIPAL),
    ("GET", "/assignments/rounds/new", None, KEEPERS),
    ("POST", "/assignments/rounds/new", lambda ids: {
        "title": "Vårens rapportering", "due_on": NEXT_MONTH.isoformat(), "note": "", "principal_group_id": ""},
     KEEPERS),
]
READ_ONLY = ["/assignments/", "/assignments/{a}", "/assignments/rounds/", "/assignments/?group={recipient}",
             "/assignments/groups/{recipient}"]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.mark.parametrize("actor", g.ACTORS)
@pytest.mark.parametrize("method,url,data,allowed", ROUTES, ids=[_route_id(r) for r in ROUTES])
def test_each_route_is_open_to_exactly_the_right_people(scene, login_as, actor, method, url, data, allowed):
    w, ids = scene
    outcome = allowed[actor] if isinstance(allowed, dict) else g.outcomes(allowed)[actor]
    browser = g.sign_in(login_as, w, actor)
    g.check_route(browser, method, url.format(**ids), data(ids) if data else None, outcome, "principal_group_id")


@pytest.mark.parametrize("actor", g.ACTORS)
def test_everyone_signed_in_reads_assignments_and_rounds(scene, login_as, actor):
    w, ids = scene
    db.session.add(ReportingRound(title="Höstens rapportering", due_on=NEXT_MONTH))
    db.session.commit()
    browser = g.sign_in(login_as, w, actor)
    round_id = db.session.scalar(sa.select(ReportingRound.id))
    for url in READ_ONLY + [f"/assignments/rounds/{round_id}"]:
        response = browser.get(url.format(**ids), follow_redirects=True)
        assert response.status_code == 200, url
    assert "Höstens rapportering" in browser.get("/assignments/rounds/").get_data(as_text=True)
    assert "Uppdrag om kunskapsstöd" in browser.get(f"/assignments/{ids['a']}").get_data(as_text=True)


@pytest.mark.parametrize("method,url", [(r[0], r[1]) for r in ROUTES]
                         + [("GET", u) for u in READ_ONLY] + [("GET", "/assignments/rounds/1")])
def test_anonymous_is_sent_to_sign_in(scene, client, method, url):
    _, ids = scene
    before = g.database_state()
    response = client.open(url.format(**ids), method=method, data={"title": "Kapat"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert g.database_state() == before


def test_the_page_offers_each_person_only_what_they_may_do(scene, login_as):
    w, ids = scene
    url = f"/assignments/{ids['a']}"
    principal = g.text(g.sign_in(login_as, w, "principal_chair").get(url).get_data(as_text=True))
    recipient = g.text(g.sign_in(login_as, w, "recipient_chair").get(url).get_data(as_text=True))
    outsider = g.text(g.sign_in(login_as, w, "unrelated_chair").get(url).get_data(as_text=True))
    assert "Ändra status" in principal and "Begär statusrapport" in principal and "Redigera" in principal
    assert "Lämna statusrapport" not in principal
    assert "Lämna statusrapport" in recipient and "Delegera rapporteringen" in recipient
    assert "Ändra status" not in recipient and "Redigera" not in recipient
    for action in ("Lämna statusrapport", "Ändra status", "Redigera", "Begär statusrapport", "Arkivera"):
        assert action not in outsider


def test_a_chair_of_another_group_cannot_touch_the_assignment_or_its_reports(scene, login_as):
    w, ids = scene
    g.report(current(ids["a"]), TrafficLight.ON_TRACK, YESTERDAY)
    outsider = g.sign_in(login_as, w, "unrelated_chair")
    before = g.database_state()
    attempts = [
        outsider.post(f"/assignments/{ids['a']}/edit", {"title": "Kapad", "principal_group_id": ids["principal"],
                                                        "recipient_group_id": ids["recipient"],
                                                        "version": _version(ids)}, form_url="/"),
        outsider.post(f"/assignments/{ids['a']}/transition", {"to_status": "cancelled", "version": _version(ids)},
                      form_url="/"),
        outsider.post(f"/assignments/{ids['a']}/reports/new", report_form(traffic_light="off_track"), form_url="/"),
        outsider.post(f"/assignments/{ids['a']}/reporters", {"person_ids": [str(w.unrelated_chair.id)]},
                      form_url="/"),
        outsider.post(f"/assignments/{ids['a']}/request-report", {"due_on": NEXT_MONTH.isoformat()}, form_url="/"),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert g.database_state() == before


def test_the_principals_chair_cannot_hand_the_assignment_to_another_principal(scene, login_as):
    w, ids = scene
    chair = g.sign_in(login_as, w, "principal_chair")
    before = g.database_state()
    response = chair.post(f"/assignments/{ids['a']}/edit", assignment_form(
        w, principal_group_id=str(w.unrelated.id), version=_version(ids)))
    assert response.status_code == 200
    assert g.field_error(response.get_data(as_text=True), "principal_group_id") in g.GROUP_REFUSALS
    assert g.database_state() == before


def test_a_chair_registers_assignments_their_own_group_gives(scene, login_as):
    w, ids = scene
    chair = g.sign_in(login_as, w, "recipient_chair")
    form = chair.get("/assignments/new").get_data(as_text=True)
    principal_choices = form.split('id="principal_group_id"', 1)[1].split("</select>", 1)[0]
    assert set(map(int, re.findall(r'value="(\d+)"', principal_choices))) == {w.recipient.id}
    # The recipient hands a part of its assignment down to another group.
    response = chair.post("/assignments/new", assignment_form(
        w, title="Deluppdrag: litteraturgenomgång", principal_group_id=str(w.recipient.id),
        recipient_group_id=str(w.unrelated.id), parent_id=str(ids["a"])))
    assert response.status_code == 302
    part = db.session.scalar(sa.select(Assignment).where(Assignment.parent_id == ids["a"]))
    assert (part.principal_group_id, part.recipient_group_id, part.created_by_id) == (
        w.recipient.id, w.unrelated.id, chair.user.id)


def test_a_former_chair_of_the_recipient_may_no_longer_report(scene, login_as):
    from app.core import operations as ops
    from app.people.models import Membership

    w, ids = scene
    browser = g.sign_in(login_as, w, "recipient_chair")
    assert browser.get(f"/assignments/{ids['a']}/reports/new").status_code == 200
    chair = db.session.scalar(sa.select(Membership).where(Membership.person_id == w.recipient_chair.id))
    ops.update(chair, None, {"end_on": YESTERDAY})
    db.session.commit()
    assert browser.get(f"/assignments/{ids['a']}/reports/new").status_code == 403


# --- Journey: the recipient's chair files status reports ---------------------------------------

def test_recipients_chair_reports_and_corrects_a_report(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, "Regional vårdrutin hjärtsvikt")
    principal_chair = g.sign_in(login_as, w, "principal_chair")
    chair = g.sign_in(login_as, w, "recipient_chair")

    # The principal asks for a report in two weeks.
    due = TODAY + timedelta(days=14)
    response = principal_chair.post(f"/assignments/{a.id}/request-report", {"due_on": due.isoformat()},
                                    form_url=f"/assignments/{a.id}")
    assert response.status_code == 302
    assert current(a.id).next_report_due_on == due

    # The recipient's chair finds it on "my groups' assignments", one click from the report form.
    mine = chair.get("/followup/mine").get_data(as_text=True)
    assert "Regional vårdrutin hjärtsvikt" in mine
    assert f'href="/assignments/{a.id}/reports/new"' in mine
    form_page = chair.get(f"/assignments/{a.id}/reports/new").get_data(as_text=True)
    assert "kan inte ändras i efterhand" in form_page

    response = chair.post(f"/assignments/{a.id}/reports/new", report_form(
        traffic_light="on_track", progress="Nulägesanalysen är klar.", needs_from_principal="Beslut om remiss."))
    assert response.status_code == 302
    page = chair.get(response.headers["Location"]).get_data(as_text=True)
    assert "Statusrapporten har lämnats." in g.flashes(page, "success")
    first = db.session.scalars(sa.select(StatusReport)).one()
    assert (first.traffic_light, first.progress, first.needs_from_principal, first.created_by_id) == (
        TrafficLight.ON_TRACK, "Nulägesanalysen är klar.", "Beslut om remiss.", chair.user.id)
    # The report answers the request.
    assert current(a.id).next_report_due_on is None
    assert db.session.scalars(sa.select(ReportRequest)).one().answered_by_id == first.id

    # The judgement was wrong: a correction is a new report; the first one stays as it was.
    response = chair.post(f"/assignments/{a.id}/reports/new", report_form(
        traffic_light="at_risk", progress="Rättelse: analysen är försenad.", corrects_id=str(first.id)))
    assert response.status_code == 302
    reports = db.session.scalars(sa.select(StatusReport).order_by(StatusReport.id)).all()
    assert len(reports) == 2
    assert (reports[0].traffic_light, reports[0].progress) == (TrafficLight.ON_TRACK, "Nulägesanalysen är klar.")
    assert (reports[1].traffic_light, reports[1].corrects_id) == (TrafficLight.AT_RISK, first.id)
    page = chair.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "Rättelse: analysen är försenad." in page and "Nulägesanalysen är klar." in page
    assert "rättar rapporten" in page
    assert "Risk för avvikelse" in g.row_of(chair.get("/assignments/").get_data(as_text=True), a.id)
    # Reports are never edited away: nothing but "new" writes to a report.
    writes = {r.rule for r in app.url_map.iter_rules() if "/reports/" in r.rule and "POST" in r.methods}
    assert writes == {"/assignments/<int:record_id>/reports/new"}


def test_the_chair_delegates_reporting_to_a_member(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    member = login_as(Role.READER, person=w.member)
    assert member.get(f"/assignments/{a.id}/reports/new").status_code == 403

    chair = g.sign_in(login_as, w, "recipient_chair")
    response = chair.post(f"/assignments/{a.id}/reporters", {"person_ids": [str(w.member.id)]},
                          form_url=f"/assignments/{a.id}")
    assert response.status_code == 302
    assert [p.id for p in current(a.id).reporters] == [w.member.id]

    response = member.post(f"/assignments/{a.id}/reports/new", report_form(traffic_light="off_track"))
    assert response.status_code == 302
    assert g.count(StatusReport, StatusReport.assignment_id == a.id) == 1
    # Delegated reporting is all the member may do.
    assert member.get(f"/assignments/{a.id}/edit").status_code == 403
    # The delegate finds the assignment among "my assignments", with the button to report.
    assert f'href="/assignments/{a.id}/reports/new"' in member.get("/followup/mine").get_data(as_text=True)


@pytest.mark.parametrize("status", [S.DRAFT, S.CLOSED, S.CANCELLED, S.ACCEPTED])
def test_an_assignment_not_under_way_takes_no_report(app, login_as, status):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, status=status)
    keeper = login_as(Role.SECRETARIAT)
    before = g.database_state()
    response = keeper.post(f"/assignments/{a.id}/reports/new", report_form())
    assert response.status_code == 200
    assert f"Uppdraget tar inte emot statusrapporter när det har status {status.label}." in g.form_errors(
        response.get_data(as_text=True))
    assert g.database_state() == before


def test_a_report_dated_in_the_future_is_refused(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    chair = g.sign_in(login_as, w, "recipient_chair")
    response = chair.post(f"/assignments/{a.id}/reports/new",
                          report_form(reported_on=(TODAY + timedelta(days=1)).isoformat()))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert g.field_error(page, "reported_on") == "Rapportdatum kan inte ligga i framtiden."
    assert "Nulägesanalysen är klar." in page  # what was typed is kept
    assert g.count(StatusReport) == 0


def test_a_report_needs_a_judgement_and_progress(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    chair = g.sign_in(login_as, w, "recipient_chair")
    page = chair.post(f"/assignments/{a.id}/reports/new", report_form(traffic_light="", progress="")).get_data(
        as_text=True)
    assert g.field_error(page, "traffic_light") and g.field_error(page, "progress") == "Fältet måste fyllas i."
    page = chair.post(f"/assignments/{a.id}/reports/new", report_form(traffic_light="purple")).get_data(as_text=True)
    assert g.field_error(page, "traffic_light")
    assert g.count(StatusReport) == 0


def test_a_correction_must_correct_a_report_of_the_same_assignment(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    other = g.assignment(w.principal, w.unrelated, "Annat uppdrag")
    g.report(a, reported_on=LAST_MONTH)
    foreign = g.report(other)
    chair = g.sign_in(login_as, w, "recipient_chair")
    page = chair.post(f"/assignments/{a.id}/reports/new", report_form(corrects_id=str(foreign.id))).get_data(
        as_text=True)
    assert g.field_error(page, "corrects_id") == "Välj ett av alternativen."
    assert g.count(StatusReport) == 2


def test_a_report_request_needs_a_date_from_today_and_an_assignment_under_way(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    draft = g.assignment(w.principal, w.recipient, "Utkast", status=S.DRAFT)
    chair = g.sign_in(login_as, w, "principal_chair")
    response = chair.post(f"/assignments/{a.id}/request-report", {"due_on": YESTERDAY.isoformat()}, form_url="/",
                          follow_redirects=True)
    assert any("Välj ett datum från och med i dag." in m for m in g.flashes(response.get_data(as_text=True), "error"))
    response = chair.post(f"/assignments/{draft.id}/request-report", {"due_on": NEXT_MONTH.isoformat()},
                          form_url="/", follow_redirects=True)
    assert any("tar inte emot statusrapporter" in m for m in g.flashes(response.get_data(as_text=True), "error"))
    assert g.count(ReportRequest) == 0
    assert current(a.id).next_report_due_on is None and current(draft.id).next_report_due_on is None


# --- Lifecycle --------------------------------------------------------------------------------------

ALLOWED = [(before, after) for before, nexts in TRANSITIONS.items() for after in nexts]


@pytest.mark.parametrize("before,after", ALLOWED, ids=[f"{b.value}->{a.value}" for b, a in ALLOWED])
def test_each_allowed_transition_is_made_and_recorded(app, login_as, before, after):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, status=before)
    chair = g.sign_in(login_as, w, "principal_chair")
    response = chair.post(f"/assignments/{a.id}/transition",
                          {"to_status": after.value, "note": "Enligt beslut", "version": str(a.version)},
                          form_url=f"/assignments/{a.id}")
    assert response.status_code == 302
    assert current(a.id).status == after
    step = db.session.scalars(sa.select(AssignmentTransition).order_by(AssignmentTransition.id.desc())).first()
    assert (step.from_status, step.to_status, step.user_id, step.note) == (before, after, chair.user.id,
                                                                           "Enligt beslut")
    page = chair.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "Status har ändrats." in g.flashes(page, "success")
    assert f"{after.label} ({chair.user.display_name})" in g.text(page)


def test_an_assignment_walks_its_whole_lifecycle(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/assignments/new", assignment_form(w))
    assert response.status_code == 302
    a = db.session.scalars(sa.select(Assignment)).one()
    assert a.status == S.DRAFT
    path = [S.COMMISSIONED, S.IN_PROGRESS, S.PAUSED, S.IN_PROGRESS, S.DELIVERED, S.IN_PROGRESS, S.DELIVERED,
            S.ACCEPTED, S.CLOSED]
    chair = g.sign_in(login_as, w, "principal_chair")
    for i, step in enumerate(path):
        who = keeper if i % 2 else chair
        page = who.get(f"/assignments/{a.id}").get_data(as_text=True)
        response = who.post(f"/assignments/{a.id}/transition", {"to_status": step.value, "note": "",
                                                                 "version": version_on(page)}, form_url="/")
        assert response.status_code == 302
        assert current(a.id).status == step
    steps = db.session.scalars(sa.select(AssignmentTransition).where(AssignmentTransition.assignment_id == a.id)
                               .order_by(AssignmentTransition.id)).all()
    assert [(s.from_status, s.to_status) for s in steps] == list(zip([None, S.DRAFT] + path[:-1], [S.DRAFT] + path,
                                                                     strict=True))
    assert [s.user_id for s in steps] == [keeper.user.id] + [(keeper if i % 2 else chair).user.id
                                                             for i in range(len(path))]
    page = keeper.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert 'name="to_status"' not in page, "a closed assignment offers no next status"


NOT_ALLOWED = [(S.DRAFT, S.CLOSED), (S.DRAFT, S.IN_PROGRESS), (S.COMMISSIONED, S.DELIVERED),
               (S.IN_PROGRESS, S.ACCEPTED), (S.CLOSED, S.IN_PROGRESS), (S.CANCELLED, S.COMMISSIONED),
               (S.ACCEPTED, S.IN_PROGRESS), (S.IN_PROGRESS, S.IN_PROGRESS)]


@pytest.mark.parametrize("before,after", NOT_ALLOWED, ids=[f"{b.value}->{a.value}" for b, a in NOT_ALLOWED])
def test_a_transition_not_allowed_is_refused_in_swedish(app, login_as, before, after):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, status=before)
    keeper = login_as(Role.SECRETARIAT)
    before_state = g.database_state()
    response = keeper.post(f"/assignments/{a.id}/transition", {"to_status": after.value, "note": "",
                                                               "version": str(a.version)}, form_url="/")
    assert response.status_code == 302
    page = keeper.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Uppdraget kan inte gå från {before.label} till {after.label}." in " ".join(g.flashes(page, "error"))
    assert g.database_state() == before_state


def test_a_junk_status_is_refused(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, status=S.DRAFT)
    keeper = login_as(Role.SECRETARIAT)
    before = g.database_state()
    for junk in ("flying", ""):
        response = keeper.post(f"/assignments/{a.id}/transition",
                               {"to_status": junk, "note": "", "version": str(a.version)},
                               form_url="/", follow_redirects=True)
        assert g.flashes(response.get_data(as_text=True), "error")
    assert g.database_state() == before


def test_a_transition_posted_without_its_note_is_not_a_500(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, status=S.COMMISSIONED)
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post(f"/assignments/{a.id}/transition", {"to_status": "in_progress",
                                                               "version": str(a.version)}, form_url="/")
    assert response.status_code == 302
    assert current(a.id).status == S.IN_PROGRESS


def test_a_transition_from_a_stale_page_is_refused(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, status=S.COMMISSIONED)
    chair = g.sign_in(login_as, w, "principal_chair")
    keeper = login_as(Role.SECRETARIAT)
    chairs_page = chair.get(f"/assignments/{a.id}").get_data(as_text=True)
    keepers_page = keeper.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert keeper.post(f"/assignments/{a.id}/transition",
                       {"to_status": "paused", "note": "", "version": version_on(keepers_page)},
                       form_url="/").status_code == 302
    # The chair still looks at "commissioned" and moves it to "in progress".
    response = chair.post(f"/assignments/{a.id}/transition",
                          {"to_status": "in_progress", "note": "", "version": version_on(chairs_page)},
                          form_url="/", follow_redirects=True)
    assert any("Någon annan har ändrat posten" in m for m in g.flashes(response.get_data(as_text=True), "error"))
    assert current(a.id).status == S.PAUSED
    assert g.count(AssignmentTransition, AssignmentTransition.to_status == S.IN_PROGRESS) == 0


# --- Bad input and conflicts -------------------------------------------------------------------------

def _saved_nothing():
    return (g.count(Assignment), g.count(AssignmentTransition), g.count(ChangeLog))


def test_recipient_cannot_be_the_principal(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    before = _saved_nothing()
    response = keeper.post("/assignments/new", assignment_form(w, recipient_group_id=str(w.principal.id)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert g.field_error(page, "recipient_group_id") == "Mottagaren kan inte vara samma grupp som uppdragsgivaren."
    assert 'value="Ta fram regional vårdrutin för hjärtsvikt"' in page
    assert _saved_nothing() == before


def test_due_date_cannot_precede_start(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    before = _saved_nothing()
    page = keeper.post("/assignments/new", assignment_form(w, start_on="2025-06-01", due_on="2025-01-31")).get_data(
        as_text=True)
    assert g.field_error(page, "due_on") == "Slutdatum kan inte ligga före startdatum."
    assert _saved_nothing() == before


def test_an_edit_breaking_the_rules_changes_nothing(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    chair = g.sign_in(login_as, w, "principal_chair")
    before = g.database_state()
    url = f"/assignments/{a.id}/edit"
    page = chair.post(url, assignment_form(w, recipient_group_id=str(w.principal.id), title="Ny titel",
                                           version=str(a.version))).get_data(as_text=True)
    assert g.field_error(page, "recipient_group_id") == "Mottagaren kan inte vara samma grupp som uppdragsgivaren."
    page = chair.post(url, assignment_form(w, due_on="2020-01-01", title="Ny titel",
                                           version=str(a.version))).get_data(as_text=True)
    assert g.field_error(page, "due_on") == "Slutdatum kan inte ligga före startdatum."
    assert g.database_state() == before


def test_required_fields_and_junk_groups(app, login_as):
    w = g.world()
    keeper = login_as(Role.SECRETARIAT)
    page = keeper.post("/assignments/new", assignment_form(w, title="", principal_group_id="",
                                                           recipient_group_id="abc")).get_data(as_text=True)
    assert g.field_error(page, "title") == "Fältet måste fyllas i."
    assert g.field_error(page, "principal_group_id") == "Fältet måste fyllas i."
    assert g.field_error(page, "recipient_group_id") == "Välj ett av alternativen."
    assert g.count(Assignment) == 0


def test_two_people_saving_the_same_assignment(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, "Ursprunglig titel")
    chair = g.sign_in(login_as, w, "principal_chair")
    keeper = login_as(Role.SECRETARIAT)
    url = f"/assignments/{a.id}/edit"
    chairs_version = version_on(chair.get(url).get_data(as_text=True))
    keepers_version = version_on(keeper.get(url).get_data(as_text=True))

    first = keeper.post(url, assignment_form(w, title="Kansliets titel", due_on="2026-12-31",
                                             version=keepers_version))
    assert first.status_code == 302
    second = chair.post(url, assignment_form(w, title="Ordförandens titel", version=chairs_version))
    page = second.get_data(as_text=True)
    assert second.status_code == 200
    assert "Någon annan har ändrat posten sedan du öppnade formuläret." in g.form_errors(page)
    assert "Kansliets titel" in g.form_errors(page), "the second is shown what the first changed"
    assert 'value="Ordförandens titel"' in page, "what the second typed is kept"
    assert current(a.id).title == "Kansliets titel"
    # Having seen the change, the second may save deliberately on the version now shown.
    third = chair.post(url, assignment_form(w, title="Ordförandens titel", version=version_on(page)))
    assert third.status_code == 302
    assert current(a.id).title == "Ordförandens titel"


def test_a_save_without_version_is_treated_as_stale(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, "Ursprunglig titel")
    keeper = login_as(Role.SECRETARIAT)
    page = keeper.post(f"/assignments/{a.id}/edit", assignment_form(w, title="Utan version")).get_data(as_text=True)
    assert "Någon annan har ändrat posten" in g.form_errors(page)
    assert current(a.id).title == "Ursprunglig titel"


def test_an_assignment_is_split_into_parts(app, login_as):
    w = g.world()
    parent = g.assignment(w.principal, w.recipient, "Huvuduppdrag")
    keeper = login_as(Role.SECRETARIAT)
    form = keeper.get(f"/assignments/new?parent_id={parent.id}").get_data(as_text=True)
    # A part is handed down by the parent's recipient.
    assert re.search(rf'<option selected value="{w.recipient.id}">|<option value="{w.recipient.id}" selected',
                     form.split('id="principal_group_id"', 1)[1].split("</select>", 1)[0])
    response = keeper.post("/assignments/new", assignment_form(
        w, title="Delupdrag analys", principal_group_id=str(w.recipient.id), recipient_group_id=str(w.unrelated.id),
        parent_id=str(parent.id)))
    assert response.status_code == 302
    child = db.session.scalar(sa.select(Assignment).where(Assignment.parent_id == parent.id))
    assert child is not None
    assert "Delupdrag analys" in keeper.get(f"/assignments/{parent.id}").get_data(as_text=True)
    # And the parent cannot become a part of its own part.
    page = keeper.post(f"/assignments/{parent.id}/edit", assignment_form(
        w, title="Huvuduppdrag", parent_id=str(child.id), version=str(current(parent.id).version))).get_data(
        as_text=True)
    assert g.field_error(page, "parent_id") == "Ett uppdrag kan inte vara del av sig självt."
    assert current(parent.id).parent_id is None


def test_phases_with_checkpoints_show_on_the_assignment(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    chair = g.sign_in(login_as, w, "principal_chair")
    for title, due, checkpoint in [("Nulägesanalys", LAST_MONTH, "y"), ("Förslag", NEXT_MONTH, "")]:
        data = {"title": title, "position": "", "description": "", "due_on": due.isoformat(), "done_on": ""}
        if checkpoint:
            data["is_checkpoint"] = "y"
        assert chair.post(f"/assignments/{a.id}/phases/new", data).status_code == 302
    phases = db.session.scalars(sa.select(AssignmentPhase).order_by(AssignmentPhase.position)).all()
    assert [(p.position, p.title, p.is_checkpoint) for p in phases] == [(1, "Nulägesanalys", True),
                                                                         (2, "Förslag", False)]
    page = chair.get(f"/assignments/{a.id}").get_data(as_text=True)
    section = page.split('id="phases"', 1)[1].split("</section>", 1)[0]
    assert "Kontrollpunkt" in section and "Försenad" in section  # the first phase is past its date


# --- Reporting rounds ----------------------------------------------------------------------------

@pytest.fixture
def portfolio(app):
    """Assignments in every state, from two principals."""
    w = g.world()
    made = {
        "in_progress": g.assignment(w.principal, w.recipient, "Pågående uppdrag"),
        "commissioned": g.assignment(w.principal, w.recipient, "Beställt uppdrag", status=S.COMMISSIONED),
        "paused": g.assignment(w.unrelated, w.recipient, "Pausat uppdrag", status=S.PAUSED),
        "draft": g.assignment(w.principal, w.recipient, "Utkast till uppdrag", status=S.DRAFT),
        "closed": g.assignment(w.principal, w.recipient, "Avslutat uppdrag", status=S.CLOSED),
        "delivered": g.assignment(w.principal, w.recipient, "Levererat uppdrag", status=S.DELIVERED),
        "archived": g.assignment(w.principal, w.recipient, "Arkiverat uppdrag"),
    }
    g.archive(made["archived"])
    return w, {k: v.id for k, v in made.items()}


ROUND = {"title": "Rapportering våren", "due_on": (TODAY + timedelta(days=14)).isoformat(), "note": "Hej!",
         "principal_group_id": ""}


def test_a_round_asks_every_open_assignment_and_shows_who_has_not_reported(portfolio, login_as):
    w, ids = portfolio
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/assignments/rounds/new", ROUND)
    assert response.status_code == 302
    round_ = db.session.scalars(sa.select(ReportingRound)).one()
    asked = set(db.session.scalars(sa.select(ReportRequest.assignment_id).where(ReportRequest.round_id == round_.id)))
    assert asked == {ids["in_progress"], ids["commissioned"], ids["paused"]}
    for key in ("in_progress", "commissioned", "paused"):
        assert current(ids[key]).next_report_due_on == TODAY + timedelta(days=14)
    for key in ("draft", "closed", "delivered", "archived"):
        assert current(ids[key]).next_report_due_on is None

    page = keeper.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 uppdrag har inte rapporterat." in g.text(page)
    assert g.linked_ids(g.main_content(page), "assignments") == asked

    # The recipient's chair reports on one: the round knows, and the assignment no longer waits for a report.
    chair = g.sign_in(login_as, w, "recipient_chair")
    assert chair.post(f"/assignments/{ids['in_progress']}/reports/new",
                      report_form(traffic_light="at_risk")).status_code == 302
    report = db.session.scalars(sa.select(StatusReport)).one()
    request = db.session.scalar(sa.select(ReportRequest).where(ReportRequest.assignment_id == ids["in_progress"]))
    assert request.answered_by_id == report.id
    assert current(ids["in_progress"]).next_report_due_on is None
    page = keeper.get(f"/assignments/rounds/{round_.id}").get_data(as_text=True)
    assert "2 uppdrag har inte rapporterat." in g.text(page)
    assert "Risk för avvikelse" in g.row_of(page, ids["in_progress"])
    assert "Väntar" in g.row_of(page, ids["commissioned"]) and "Väntar" in g.row_of(page, ids["paused"])


def test_a_round_for_one_principal_only(portfolio, login_as):
    w, ids = portfolio
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/assignments/rounds/new", dict(ROUND, principal_group_id=str(w.unrelated.id)))
    assert response.status_code == 302
    assert set(db.session.scalars(sa.select(ReportRequest.assignment_id))) == {ids["paused"]}


def test_a_round_with_nothing_to_ask_is_not_saved(portfolio, login_as):
    w, _ = portfolio
    keeper = login_as(Role.SECRETARIAT)
    page = keeper.post("/assignments/rounds/new", dict(ROUND, principal_group_id=str(w.steering.id))).get_data(
        as_text=True)
    assert "Inga pågående uppdrag matchar urvalet." in g.form_errors(page)
    page = keeper.post("/assignments/rounds/new", dict(ROUND, due_on=YESTERDAY.isoformat())).get_data(as_text=True)
    assert g.field_error(page, "due_on") == "Välj ett datum från och med i dag."
    assert (g.count(ReportingRound), g.count(ReportRequest)) == (0, 0)


def test_a_round_past_its_date_marks_the_missing_reports(portfolio, login_as):
    from app.assignments import operations

    w, ids = portfolio
    open_ones = [current(ids[k]) for k in ("in_progress", "commissioned")]
    round_ = operations.create_round({"title": "Förra omgången", "due_on": YESTERDAY}, open_ones, None)
    db.session.commit()
    g.report(current(ids["in_progress"]))
    page = login_as(Role.READER).get(f"/assignments/rounds/{round_.id}").get_data(as_text=True)
    assert "1 uppdrag har inte rapporterat." in g.text(page)
    assert "Saknas" in g.row_of(page, ids["commissioned"])
    assert "Saknas" not in g.row_of(page, ids["in_progress"])


# --- The list and its filters --------------------------------------------------------------------

def test_the_list_filters_return_exactly_the_matching_assignments(portfolio, login_as):
    w, ids = portfolio
    late = g.assignment(w.principal, w.unrelated, "Försenat uppdrag", start_on=LAST_YEAR, due_on=YESTERDAY)
    g.report_request(current(ids["commissioned"]), YESTERDAY)
    g.report(current(ids["in_progress"]), TrafficLight.OFF_TRACK)
    reader = login_as(Role.READER)

    def listed(query: str) -> set[int]:
        return g.linked_ids(g.main_content(reader.get(f"/assignments/?{query}").get_data(as_text=True)),
                            "assignments")

    everything = {v for k, v in ids.items() if k != "archived"} | {late.id}
    assert listed("") == everything
    assert listed("status=open") == {ids["in_progress"], ids["commissioned"], ids["paused"], late.id}
    assert listed("status=draft") == {ids["draft"]}
    assert listed("overdue=1") == {late.id}
    assert listed("missing_report=1") == {ids["commissioned"]}
    assert listed("light=off_track") == {ids["in_progress"]}
    assert listed(f"principal={w.unrelated.id}") == {ids["paused"]}
    assert listed(f"recipient={w.unrelated.id}") == {late.id}
    assert listed(f"group={w.unrelated.id}") == {ids["paused"], late.id}
    assert listed("q=pausat") == {ids["paused"]}
    assert listed("archived=1") == everything | {ids["archived"]}
