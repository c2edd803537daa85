"""Follow-up dashboards: the steering group's, the secretariat's and the chair's. Every figure must equal
the count in the database and link to a list of exactly those assignments; lists and dashboards cost
the same number of SQL queries with few records as with many."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.assignments.models import OPEN_STATUSES, Assignment, AssignmentStatus, TrafficLight
from app.auth.models import Role
from app.decisions.models import ExecutionStatus
from app.extensions import db
from app.groups.models import GroupType, Level, RelationKind
from app.people.models import MemberRole
from tests import factories as f
from tests import gov_factories as g
from tests.gov_factories import LAST_MONTH, LAST_YEAR, NEXT_MONTH, TODAY, YESTERDAY
from tests.test_query_counts import queries_for

S = AssignmentStatus
ES = ExecutionStatus


def count_table(page: str, heading_id: str) -> dict[str, tuple[int, str]]:
    """A dashboard's small count table under a heading: row label -> (number, the link behind it)."""
    section = page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td><a href="([^"]+)">(\d+)</a></td></tr>', section, re.S)
    # A light's label comes after its symbol (●, ▲, ■), which is there for the eye only.
    return {g.text(label).lstrip("●▲■ "): (int(n), href.replace("&amp;", "&")) for label, href, n in rows}


def section(page: str, heading: str) -> str:
    """The part of a page from an <h2> with this text to the next <h2>."""
    return page.split(f">{heading}</h2>", 1)[1].split("<h2", 1)[0]


@pytest.fixture
def portfolio(app):
    """What the steering group RSG Mellansverige has set in motion, and some it has not."""
    w = g.world()
    a = {
        # Given by the principal, which the steering group steers.
        "latest_off_track": g.assignment(w.principal, w.recipient, "Vårdrutin hjärtsvikt"),
        "overdue": g.assignment(w.principal, w.recipient, "Försenad kartläggning", due_on=YESTERDAY),
        "missing": g.assignment(w.principal, w.recipient, "Utbildningsinsats", status=S.COMMISSIONED),
        "paused_overdue": g.assignment(w.principal, w.unrelated, "Pausad uppföljning", status=S.PAUSED,
                                       due_on=LAST_MONTH),
        "draft": g.assignment(w.principal, w.recipient, "Utkast", status=S.DRAFT, due_on=YESTERDAY),
        "delivered": g.assignment(w.principal, w.recipient, "Levererad rapport", status=S.DELIVERED,
                                  due_on=LAST_MONTH),
        "archived": g.assignment(w.principal, w.recipient, "Arkiverat uppdrag", due_on=YESTERDAY),
        # Given by the steering group itself.
        "direct": g.assignment(w.steering, w.principal, "Regional plan"),
        # Given by groups the steering group does not steer.
        "foreign_overdue": g.assignment(w.unrelated, w.recipient, "Annans försenade", due_on=YESTERDAY),
        "foreign_missing": g.assignment(w.recipient, w.unrelated, "Annans orapporterade"),
    }
    g.archive(a["archived"])
    g.report(a["latest_off_track"], TrafficLight.ON_TRACK, LAST_MONTH, "Allt enligt plan.")
    g.report(a["latest_off_track"], TrafficLight.OFF_TRACK, YESTERDAY, "Remissen dröjer.")
    g.report(a["overdue"], TrafficLight.AT_RISK, LAST_MONTH)
    g.report(a["direct"], TrafficLight.ON_TRACK, YESTERDAY)
    g.report_request(a["missing"], YESTERDAY)
    g.report_request(a["foreign_missing"], LAST_MONTH)
    g.report_request(a["latest_off_track"], NEXT_MONTH)  # asked, but not yet due: nothing missing
    d = {
        "principal_late": g.decision(w.principal, "Rutin ska införas", execute_by=YESTERDAY),
        "steering_awaiting": g.decision(w.steering, "Plan ska tas fram", execution_status=ES.IN_PROGRESS),
        "principal_done": g.decision(w.principal, "Genomfört", execution_status=ES.DONE),
        "foreign_late": g.decision(w.unrelated, "Annans beslut", execute_by=LAST_MONTH),
    }
    m = {
        "principal_upcoming": g.meeting(w.principal, NEXT_MONTH, "RPO Hjärta, höstmöte"),
        "steering_upcoming": g.meeting(w.steering, NEXT_MONTH + timedelta(days=7), "RSG, höstmöte"),
        "principal_past": g.meeting(w.principal, LAST_MONTH, "RPO Hjärta, vårmöte"),
        "foreign_upcoming": g.meeting(w.unrelated, NEXT_MONTH, "RAG Diabetes, höstmöte"),
    }
    return w, {k: v.id for k, v in a.items()}, {k: v.id for k, v in d.items()}, {k: v.id for k, v in m.items()}


def in_database(scope: set[int], *criteria) -> set[int]:
    """The assignments given within `scope` matching `criteria`, straight from the database."""
    return set(db.session.scalars(sa.select(Assignment.id).where(
        Assignment.archived_at.is_(None), Assignment.principal_group_id.in_(scope), *criteria)))


def listed(browser, url: str, area="assignments") -> set[int]:
    response = browser.get(url)
    assert response.status_code == 200, url
    return g.linked_ids(g.main_content(response.get_data(as_text=True)), area)


# --- Journey: the steering group's dashboard ----------------------------------------------------------

@pytest.mark.parametrize("through_steering", [False, True], ids=["principal", "steering group of the principal"])
def test_the_steering_dashboard_shows_lights_and_flags_overdue_and_missing(portfolio, login_as, through_steering):
    w, a, _, m = portfolio
    group = w.steering if through_steering else w.principal
    scope = {w.steering.id, w.principal.id} if through_steering else {w.principal.id}
    # The steering group's chair follows up; any signed-in user may read it.
    browser = g.sign_in(login_as, w, "principal_chair")
    page = browser.get(f"/followup/groups/{group.id}").get_data(as_text=True)

    expected_open = {a["latest_off_track"], a["overdue"], a["missing"], a["paused_overdue"]} | (
        {a["direct"]} if through_steering else set())
    expected = {
        "pågående uppdrag": expected_open,
        "försenade": {a["overdue"], a["paused_overdue"]},
        "saknar begärd rapport": {a["missing"]},
    }
    # The same sets, counted in the database with the rules of the issue.
    today = TODAY
    assert in_database(scope, Assignment.status.in_(OPEN_STATUSES)) == expected["pågående uppdrag"]
    assert in_database(scope, Assignment.status.in_(OPEN_STATUSES), Assignment.due_on < today) == \
        expected["försenade"]
    assert in_database(scope, Assignment.next_report_due_on < today) == expected["saknar begärd rapport"]

    shown = g.figures(page)
    for label, ids in expected.items():
        number, link = shown[label]
        assert number == len(ids), label
        assert listed(browser, link) == ids, f"the list behind “{label}”"

    # Each assignment in its row: the latest traffic light, and the flags.
    open_list = section(page, "Pågående uppdrag")
    assert g.linked_ids(open_list, "assignments") == expected_open
    row = g.row_of(open_list, a["latest_off_track"])
    assert "Avviker" in row and "Enligt plan" not in row, "only the latest report's judgement"
    assert "Risk för avvikelse" in g.row_of(open_list, a["overdue"])
    assert "Försenat" in g.row_of(open_list, a["overdue"])
    assert "Försenat" not in g.row_of(open_list, a["latest_off_track"])
    assert "Rapport saknas" in g.row_of(open_list, a["missing"])
    assert "Ingen rapport" in g.row_of(open_list, a["missing"])
    assert g.linked_ids(section(page, "Försenade uppdrag"), "assignments") == expected["försenade"]
    assert g.linked_ids(section(page, "Saknar begärd statusrapport"), "assignments") == \
        expected["saknar begärd rapport"]

    # Upcoming meetings of the groups in scope.
    upcoming = {m["principal_upcoming"]} | ({m["steering_upcoming"]} if through_steering else set())
    assert g.linked_ids(section(page, "Kommande möten"), "meetings") == upcoming


@pytest.mark.parametrize("through_steering", [False, True], ids=["principal", "steering group of the principal"])
def test_the_steering_dashboards_count_tables_link_to_their_lists(portfolio, login_as, through_steering):
    w, a, _, _ = portfolio
    group = w.steering if through_steering else w.principal
    scope = {w.steering.id, w.principal.id} if through_steering else {w.principal.id}
    browser = login_as(Role.READER)
    page = browser.get(f"/followup/groups/{group.id}").get_data(as_text=True)

    lights = count_table(page, "light-heading")
    direct = {a["direct"]} if through_steering else set()
    expected_lights = {"Enligt plan": direct, "Risk för avvikelse": {a["overdue"]},
                       "Avviker": {a["latest_off_track"]}, "Ingen rapport": {a["missing"], a["paused_overdue"]}}
    for label, ids in expected_lights.items():
        number, link = lights[label]
        assert number == len(ids), label
        assert listed(browser, link) == ids, label

    statuses = count_table(page, "status-heading")
    for status in S:
        ids = in_database(scope, Assignment.status == status)
        number, link = statuses[status.label]
        assert number == len(ids), status
        assert listed(browser, link) == ids, status
    assert statuses[S.DRAFT.label][0] == 1 and statuses[S.DELIVERED.label][0] == 1


@pytest.mark.parametrize("through_steering", [False, True], ids=["principal", "steering group of the principal"])
def test_the_decisions_awaiting_execution_figure_links_to_its_list(portfolio, login_as, through_steering):
    w, _, d, _ = portfolio
    group = w.steering if through_steering else w.principal
    expected = {d["principal_late"]} | ({d["steering_awaiting"]} if through_steering else set())
    browser = login_as(Role.READER)
    page = browser.get(f"/followup/groups/{group.id}").get_data(as_text=True)
    assert g.linked_ids(section(page, "Beslut som väntar på genomförande"), "decisions") == expected
    number, link = g.figures(page)["beslut väntar på genomförande"]
    assert number == len(expected)
    assert listed(browser, link, "decisions") == expected


def test_a_report_clears_the_missing_flag_and_changes_the_light(portfolio, login_as):
    w, a, _, _ = portfolio
    chair = g.sign_in(login_as, w, "recipient_chair")
    response = chair.post(f"/assignments/{a['missing']}/reports/new", {
        "reported_on": TODAY.isoformat(), "traffic_light": "at_risk", "progress": "Kursplanen är klar.",
        "needs_from_principal": "", "corrects_id": ""})
    assert response.status_code == 302
    page = login_as(Role.READER).get(f"/followup/groups/{w.principal.id}").get_data(as_text=True)
    assert g.figures(page)["saknar begärd rapport"][0] == 0
    assert "Rapport saknas" not in page
    assert count_table(page, "light-heading")["Risk för avvikelse"][0] == 2
    assert "Risk för avvikelse" in g.row_of(section(page, "Pågående uppdrag"), a["missing"])


def test_a_cancelled_assignment_is_not_flagged_for_a_report_it_cannot_take(portfolio, login_as):
    w, a, _, _ = portfolio
    keeper = login_as(Role.SECRETARIAT)
    version = db.session.get(Assignment, a["missing"]).version
    assert keeper.post(f"/assignments/{a['missing']}/transition", {"to_status": "cancelled", "note": "",
                                                                    "version": str(version)},
                       form_url="/").status_code == 302
    page = keeper.get(f"/followup/groups/{w.principal.id}").get_data(as_text=True)
    assert g.figures(page)["saknar begärd rapport"][0] == 0


@pytest.mark.parametrize("actor", g.ACTORS)
def test_every_signed_in_user_reads_the_dashboards(portfolio, login_as, actor):
    w, _, _, _ = portfolio
    browser = g.sign_in(login_as, w, actor)
    for url in ("/followup/", f"/followup/groups/{w.steering.id}", f"/followup/groups/{w.unrelated.id}",
                "/followup/mine"):
        assert browser.get(url).status_code == 200, url
    assert browser.get("/followup/groups/999999").status_code == 404


@pytest.mark.parametrize("url", ["/followup/", "/followup/groups/1", "/followup/mine"])
def test_anonymous_is_sent_to_sign_in(app, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- The secretariat's dashboard -----------------------------------------------------------------

def test_the_secretariat_sees_everything_overdue_or_unreported_across_groups(portfolio, login_as):
    w, a, d, _ = portfolio
    keeper = login_as(Role.SECRETARIAT)
    page = keeper.get("/followup/").get_data(as_text=True)
    everyone = {a[k] for k in a if k != "archived"}
    expected = {
        "pågående uppdrag": {i for i in everyone if db.session.get(Assignment, i).status in OPEN_STATUSES},
        "försenade uppdrag": {a["overdue"], a["paused_overdue"], a["foreign_overdue"]},
        "saknar begärd statusrapport": {a["missing"], a["foreign_missing"]},
    }
    shown = g.figures(page)
    for label, ids in expected.items():
        number, link = shown[label]
        assert number == len(ids), label
        assert listed(keeper, link) == ids, label
    number, link = shown["beslut med försenat genomförande"]
    assert number == 2
    assert listed(keeper, link, "decisions") == {d["principal_late"], d["foreign_late"]}
    assert g.linked_ids(section(page, "Försenade uppdrag"), "assignments") == expected["försenade uppdrag"]
    assert g.linked_ids(section(page, "Saknar begärd statusrapport"), "assignments") == \
        expected["saknar begärd statusrapport"]


def test_the_secretariat_filters_by_region_level_and_group_type(portfolio, login_as):
    w, a, _, _ = portfolio
    nag = f.group("NAG Hjärtsvikt", GroupType.NAG, Level.NATIONAL)
    other_hr = f.healthcare_region("Sjukvårdsregion Norr", "Norr")
    northern = f.group("RAG Norr", GroupType.RAG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=other_hr.id)
    national_late = g.assignment(w.principal, nag, "Nationellt försenat", due_on=YESTERDAY).id
    northern_late = g.assignment(w.principal, northern, "Norrländskt försenat", due_on=YESTERDAY).id
    keeper = login_as(Role.SECRETARIAT)
    regional_late = {a["overdue"], a["paused_overdue"], a["foreign_overdue"]}
    for query, ids in [
        ("", regional_late | {national_late, northern_late}),
        (f"healthcare_region={w.hr.id}", regional_late),
        (f"healthcare_region={other_hr.id}", {northern_late}),
        ("level=national", {national_late}),
        ("group_type=NAG", {national_late}),
        ("group_type=RAG", regional_late | {northern_late}),
        (f"due_from={LAST_MONTH.isoformat()}&due_to={LAST_MONTH.isoformat()}", {a["paused_overdue"]}),
    ]:
        page = keeper.get(f"/followup/?{query}").get_data(as_text=True)
        number, link = g.figures(page)["försenade uppdrag"]
        assert number == len(ids), query
        assert g.linked_ids(section(page, "Försenade uppdrag"), "assignments") == ids, query
        assert listed(keeper, link) == ids, f"the list behind the figure, filtered by {query!r}"


@pytest.mark.parametrize("query,label,expected", [
    ("status=in_progress", "försenade uppdrag", {"overdue", "foreign_overdue"}),
    ("status=in_progress", "uppdrag med vald status", {"latest_off_track", "overdue", "direct", "foreign_overdue",
                                                "foreign_missing"}),
    ("overdue=1", "försenade uppdrag", {"overdue", "paused_overdue", "foreign_overdue"}),
    ("overdue=1", "saknar begärd statusrapport", set()),
    ("missing_report=1", "saknar begärd statusrapport", {"missing", "foreign_missing"}),
], ids=["status: overdue", "status: open", "overdue: overdue", "overdue: missing", "missing: missing"])
def test_the_secretariat_dashboard_takes_its_own_filters(portfolio, login_as, query, label, expected):
    _, a, _, _ = portfolio
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.get(f"/followup/?{query}")
    assert response.status_code == 200
    number, link = g.figures(response.get_data(as_text=True))[label]
    ids = {a[k] for k in expected}
    assert number == len(ids)
    assert listed(keeper, link) == ids


# --- The chair's dashboard -----------------------------------------------------------------------

def test_my_groups_assignments_with_what_is_due_next(portfolio, login_as):
    w, a, _, _ = portfolio
    chair = g.sign_in(login_as, w, "recipient_chair")
    page = chair.get("/followup/mine").get_data(as_text=True)
    assert "RAG Hjärtsvikt" in g.text(page)
    mine = {a["latest_off_track"], a["overdue"], a["missing"], a["delivered"], a["foreign_overdue"]}
    assert g.linked_ids(g.main_content(page), "assignments") == mine
    for assignment_id in mine:
        assert f'href="/assignments/{assignment_id}/reports/new"' in page, "one click to report"
    assert "statusrapport" in g.row_of(page, a["missing"]) and "Passerat" in g.row_of(page, a["missing"])
    assert "slutdatum" in g.row_of(page, a["overdue"]) and "Passerat" in g.row_of(page, a["overdue"])
    assert "Avviker" in g.row_of(page, a["latest_off_track"])
    # The most pressing first: what is past its date comes before what is not.
    order = [int(i) for i in re.findall(r'<tr><td><a href="/assignments/(\d+)"', page)]
    assert order.index(a["missing"]) < order.index(a["latest_off_track"])

    outsider = g.sign_in(login_as, w, "unrelated_chair")
    theirs = g.linked_ids(g.main_content(outsider.get("/followup/mine").get_data(as_text=True)), "assignments")
    assert theirs == {a["paused_overdue"], a["foreign_missing"]}
    nobody = login_as(Role.READER).get("/followup/mine").get_data(as_text=True)
    assert "Dina grupper har inga pågående uppdrag att rapportera på." in nobody


def test_a_phase_due_soon_is_what_comes_next(app, login_as):
    w = g.world()
    a = g.assignment(w.principal, w.recipient, due_on=TODAY + timedelta(days=200))
    g.phase(a, "Nulägesanalys", due_on=TODAY + timedelta(days=5))
    g.phase(a, "Klar fas", due_on=LAST_YEAR + timedelta(days=10), done_on=LAST_MONTH)
    page = g.sign_in(login_as, w, "recipient_chair").get("/followup/mine").get_data(as_text=True)
    row = g.row_of(page, a.id)
    assert "fas klar" in row and "Snart" in row and "Passerat" not in row


# --- Query counts -----------------------------------------------------------------------------------

def populate(n: int, hub, chair_person, tag: str):
    """n recipient groups chaired by the same person, each with an overdue, unreported assignment from
    the hub that has a phase and a report, a decision awaiting execution and an upcoming meeting."""
    for i in range(n):
        group = f.group(f"RAG {tag}-{i}", GroupType.RAG, Level.HEALTHCARE_REGIONAL,
                        healthcare_region_id=hub.healthcare_region_id)
        f.membership(group, chair_person, MemberRole.CHAIR)
        a = g.assignment(hub, group, f"Uppdrag {tag}-{i}", due_on=YESTERDAY)
        g.phase(a, f"Fas {tag}-{i}", due_on=NEXT_MONTH)
        g.report(a, TrafficLight.AT_RISK, LAST_MONTH)
        g.report_request(a, YESTERDAY)
        d = g.decision(hub, f"Beslut {tag}-{i}", execute_by=YESTERDAY)
        g.link(d, a)
        meeting = g.meeting(hub, NEXT_MONTH, f"Möte {tag}-{i}")
        g.agenda_item(meeting, f"Ärende {tag}-{i}", assignment_id=a.id, decision_id=d.id)


URLS = ["/assignments/", "/assignments/?status=open&overdue=1", "/decisions/", "/decisions/?execution=late",
        "/meetings/", "/followup/", "/followup/groups/{steering}", "/followup/groups/{hub}", "/followup/mine"]


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow(app, login_as, url):
    hr = f.healthcare_region()
    steering = f.group("RSG Nav", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    hub = f.group("RPO Nav", GroupType.RPO, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    f.relation(steering, hub, RelationKind.STEERING_GROUP_OF)
    person = f.person("Alltid Med")
    browser = login_as(Role.READER, person=person)
    target = url.format(steering=steering.id, hub=hub.id)

    populate(3, hub, person, "få")
    few = queries_for(browser, target)
    populate(30, hub, person, "många")
    page = browser.get(target).get_data(as_text=True)
    assert "många" in page, "the records added are on the page"
    many = queries_for(browser, target)
    assert many <= few, f"{url}: {few} queries with few records, {many} with many"
