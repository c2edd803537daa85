"""Factories for governance records (assignments, reports, decisions, meetings), written through the
areas' operations as the app does, plus the small world most governance tests start from."""

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.assignments import operations as assignment_ops
from app.assignments.models import Assignment, AssignmentStatus, ReportRequest, StatusReport, TrafficLight
from app.core import operations as ops
from app.decisions import operations as decision_ops
from app.decisions.models import Decision, DecisionDispatch, DecisionKind, DecisionLink, DecisionState, LinkEffect
from app.extensions import db
from app.groups.models import Group, GroupType, Level, RelationKind
from app.meetings import operations as meeting_ops
from app.meetings.models import AgendaItem, ApproverRole, Meeting
from app.people.models import MemberRole, Person
from tests import factories as f

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
LAST_MONTH = TODAY - timedelta(days=30)
NEXT_MONTH = TODAY + timedelta(days=30)
LAST_YEAR = TODAY - timedelta(days=365)


def assignment(principal: Group, recipient: Group, title="Uppdrag om kunskapsstöd",
               status=AssignmentStatus.IN_PROGRESS, start_on=LAST_YEAR, due_on=NEXT_MONTH, **values) -> Assignment:
    a = assignment_ops.create_assignment(dict(title=title, principal_group_id=principal.id,
                                              recipient_group_id=recipient.id, status=status, start_on=start_on,
                                              due_on=due_on, **values), None)
    db.session.commit()
    return a


def report(a: Assignment, light=TrafficLight.ON_TRACK, reported_on=None, progress="Arbetet går framåt.",
           **values) -> StatusReport:
    r = assignment_ops.file_report(a, dict(reported_on=reported_on or TODAY, traffic_light=light,
                                           progress=progress, **values), None)
    db.session.commit()
    return r


def report_request(a: Assignment, due_on: date) -> ReportRequest:
    """A request for a report; a date in the past stands for a request whose date has passed."""
    r = assignment_ops.request_report(a, due_on, None)
    db.session.commit()
    return r


def phase(a: Assignment, title="Fas 1", **values):
    p = assignment_ops.add_phase(a, dict(title=title, **values), None)
    db.session.commit()
    return p


def decision(group: Group, title="Beslut om uppdrag", state=DecisionState.TAKEN, decided_on=LAST_MONTH,
             text="Gruppen beslutar att ge uppdraget.", kind=DecisionKind.DECISION, **values) -> Decision:
    d = decision_ops.create_decision(dict(title=title, group_id=group.id, state=state, decided_on=decided_on,
                                          text=text, kind=kind, **values), None)
    db.session.commit()
    return d


def link(d: Decision, a: Assignment, effect=LinkEffect.GIVES) -> DecisionLink:
    lk = decision_ops.link_assignment(d, a.id, effect, None)
    db.session.commit()
    return lk


def dispatch(d: Decision, recipient="Region Testlän", email="") -> DecisionDispatch:
    x = decision_ops.add_dispatch(d, recipient, email, None)
    db.session.commit()
    return x


def meeting(group: Group, starts_on=NEXT_MONTH, title="", **values) -> Meeting:
    m = meeting_ops.create_meeting(dict(group_id=group.id, starts_on=starts_on, title=title, **values), None)
    db.session.commit()
    return m


def approved_minutes(m: Meeting, *people: Person, on=None) -> Meeting:
    """Minutes approved by each of `people` (the first as chair), recorded by the secretariat on their behalf."""
    for n, p in enumerate(people):
        meeting_ops.add_approver(m, p.id, ApproverRole.CHAIR if n == 0 else ApproverRole.ADJUSTER, None)
    for approval in list(m.approvals):
        meeting_ops.record_approval(approval, on or m.starts_on, None)
    db.session.commit()
    return m


def agenda_item(m: Meeting, title="Uppdraget om kunskapsstöd", **values) -> AgendaItem:
    i = meeting_ops.add_agenda_item(m, dict(title=title, **values), None)
    db.session.commit()
    return i


def archive(record) -> None:
    ops.archive(record, None)
    db.session.commit()


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@dataclass
class World:
    """A steering group steers the principal, which gives assignments to the recipient; a fourth group
    has nothing to do with them. Each group has its own chair."""

    hr: object
    region: object
    other_org: object
    steering: Group
    principal: Group
    recipient: Group
    unrelated: Group
    steering_chair: Person
    principal_chair: Person
    recipient_chair: Person
    unrelated_chair: Person
    member: Person


def world() -> World:
    hr = f.healthcare_region("Sjukvårdsregion Mellansverige", "Mellan")
    region = f.region(hr, "Region Uppsala")
    other_org = f.region(hr, "Region Västmanland")
    steering = f.group("RSG Mellansverige", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    principal = f.group("RPO Hjärta Mellan", GroupType.RPO, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    recipient = f.group("RAG Hjärtsvikt", GroupType.RAG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    unrelated = f.group("RAG Diabetes", GroupType.RAG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    f.relation(steering, principal, RelationKind.STEERING_GROUP_OF)
    people = {}
    for key, name, g in [("steering_chair", "Stina Styrsson", steering),
                         ("principal_chair", "Petra Beställare", principal),
                         ("recipient_chair", "Rolf Mottagare", recipient),
                         ("unrelated_chair", "Ulla Utanför", unrelated)]:
        people[key] = f.person(name, organisation_id=region.id)
        f.membership(g, people[key], MemberRole.CHAIR)
    member = f.person("Mona Medlem", organisation_id=region.id)
    f.membership(recipient, member, MemberRole.MEMBER)
    return World(hr=hr, region=region, other_org=other_org, steering=steering, principal=principal,
                 recipient=recipient, unrelated=unrelated, member=member, **people)


# --- Reading pages and the database --------------------------------------------------------------

def field_error(page: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def flashes(page: str, category: str | None = None) -> list[str]:
    """The messages flashed at the top of a page, optionally only one category (success/error)."""
    found = re.findall(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', page, re.S)
    return [html.unescape(text).strip() for cat, text in found if category in (None, cat)]


def form_errors(page: str) -> str:
    match = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def linked_ids(page: str, area: str) -> set[int]:
    """Ids of the records of an area ("assignments", "decisions", "meetings") a page links to."""
    return {int(i) for i in re.findall(rf'href="/{area}/(\d+)"', page)}


def main_content(page: str) -> str:
    """The page without its header, so that navigation links don't count as listed records."""
    return page.split('<main id="content"', 1)[1]


def row_of(page: str, assignment_id: int) -> str:
    """The table rows of a page that list one assignment, joined."""
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    return "\n".join(r for r in rows if f'href="/assignments/{assignment_id}"' in r)


def figures(page: str) -> dict[str, tuple[int, str]]:
    """The dashboard figures: their label -> (number, the link behind it)."""
    found = re.findall(r'<li><a href="([^"]+)"><span class="figure">(\d+)</span>([^<]+)</a></li>', page)
    return {html.unescape(label).strip(): (int(n), html.unescape(href)) for href, n, label in found}


def select_options(text: str, field_id: str) -> dict[str, str]:
    """A select's options as value → label."""
    match = re.search(rf'<select[^>]*id="{field_id}"[^>]*>(.*?)</select>', text, re.S)
    assert match, f"no select {field_id}"
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', match.group(1), re.S)
    return {value: html.unescape(label).strip() for value, label in options}


def text(page: str) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def database_state() -> dict:
    """Every row of every table but users' (signing in touches those): compare before and after a
    request to prove that nothing was written."""
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in ("users", "api_tokens"):
            continue
        rows = db.session.execute(sa.select(table)).all()
        state[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return state


# --- Who is asking ---------------------------------------------------------------------------------

KEEPERS = frozenset({"admin", "secretariat"})
# Every kind of user the permission tests try: the roles, then readers who chair one of the groups.
ACTORS = ["admin", "secretariat", "reader", "competence_centre", "principal_chair", "recipient_chair",
          "unrelated_chair"]


def sign_in(login_as, w: World, actor: str):
    """A browser signed in as `actor`: a role, or a reader-role user linked to a group's chair."""
    from app.auth.models import Role

    if actor.endswith("_chair"):
        return login_as(Role.READER, person=getattr(w, actor))
    return login_as(Role(actor))


CHAIRS = frozenset({"principal_chair", "recipient_chair", "unrelated_chair"})
# A chair may register records for their own groups only; any other group is refused in the form.
GROUP_REFUSALS = ("Välj ett av alternativen.", "Du kan bara välja grupper där du är ordförande eller sekreterare.")


def outcomes(ok, refused=frozenset()) -> dict[str, str]:
    """What each actor gets from a route: "ok", "refused" (the form comes back with a message, nothing is
    saved) or "forbidden" (403)."""
    return {a: "ok" if a in ok else "refused" if a in refused else "forbidden" for a in ACTORS}


def check_route(browser, method: str, url: str, data: dict | None, outcome: str, refused_field: str,
                told: str | None = None) -> None:
    """Request a route as one actor and check the outcome: 403 and nothing written ("forbidden"), the
    form back with a group refusal on `refused_field` and nothing written ("refused"), or success – a
    GET shows, a POST redirects to a page that says it worked and the database changed. `told`: a
    POST that is meant to be turned away with that message on the landing page, writing nothing."""
    before = database_state()
    response = browser.get(url) if method == "GET" else browser.post(url, data, form_url="/")
    if outcome == "forbidden":
        assert response.status_code == 403
        assert database_state() == before, "a refused request must not write anything"
        return
    if outcome == "refused":
        assert response.status_code == 200
        assert field_error(response.get_data(as_text=True), refused_field) in GROUP_REFUSALS
        assert database_state() == before
        return
    if method == "GET":
        assert response.status_code == 200
        return
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    landing = browser.get(response.headers["Location"]).get_data(as_text=True)
    if told:
        assert any(told in m for m in flashes(landing))
        assert database_state() == before
    else:
        assert flashes(landing, "error") == []
        assert flashes(landing, "success"), "the user is told that it worked"
        assert database_state() != before
