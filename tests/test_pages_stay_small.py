"""Record pages stay small however long a record's own lists grow: an assignment's page shows its latest
status reports and every record page the latest entries of its history, older ones a page at a time by
key, read through an index with LIMIT – the same queries and rows with ten thousand reports and log rows
as with a dozen."""

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.assignments.models import Assignment, AssignmentStatus, AssignmentTransition, StatusReport, TrafficLight
from app.auth.models import Role
from app.core.audit import ChangeAction, ChangeLog
from app.core.models import utcnow
from app.extensions import db
from tests import gov_factories as g

REPORTS_PER_PAGE = 10
HISTORY_PER_PAGE = 20
TRANSITIONS_PER_PAGE = CHILDREN_PER_PAGE = 20


def bulk_reports(a, n: int, per_day: int = 1) -> list[int]:
    """`n` reports on `a`, `per_day` on each day (so that dates tie and the id decides), oldest first."""
    first = date(2000, 1, 1)
    db.session.execute(sa.insert(StatusReport), [
        {"assignment_id": a.id, "reported_on": first + timedelta(days=i // per_day),
         "traffic_light": TrafficLight.ON_TRACK, "progress": f"Rapport nummer {i}."} for i in range(n)])
    db.session.commit()
    return list(db.session.scalars(sa.select(StatusReport.id).where(StatusReport.assignment_id == a.id)))


def bulk_history(record, n: int, per_second: int = 1) -> None:
    """`n` change-log rows on `record` after what it has, each changing its title to a text of its own."""
    first = utcnow() + timedelta(minutes=1)
    db.session.execute(sa.insert(ChangeLog), [
        {"entity_type": record.__tablename__, "entity_id": record.id, "action": ChangeAction.UPDATE,
         "version": 1, "created_at": first + timedelta(seconds=i // per_second),
         "changes": {"title": {"old": f"Rubrik {i - 1}", "new": f"Rubrik {i}"}}} for i in range(n)])
    db.session.commit()


def bulk_transitions(a, n: int) -> list[int]:
    """`n` more status transitions on `a` (back and forth between in progress and paused), oldest first."""
    steps = (AssignmentStatus.IN_PROGRESS, AssignmentStatus.PAUSED)
    db.session.execute(sa.insert(AssignmentTransition), [
        {"assignment_id": a.id, "from_status": steps[i % 2], "to_status": steps[(i + 1) % 2], "note": f"Steg {i}"}
        for i in range(n)])
    db.session.commit()
    step = AssignmentTransition
    return list(db.session.scalars(sa.select(step.id).where(step.assignment_id == a.id).order_by(step.id)))


def bulk_children(a, n: int) -> list[int]:
    """`n` sub-assignments of `a`, given by its recipient, oldest first."""
    db.session.execute(sa.insert(Assignment), [
        {"title": f"Deluppdrag {i}", "parent_id": a.id, "principal_group_id": a.recipient_group_id,
         "recipient_group_id": a.principal_group_id, "status": AssignmentStatus.IN_PROGRESS} for i in range(n)])
    db.session.commit()
    return list(db.session.scalars(sa.select(Assignment.id).where(Assignment.parent_id == a.id)
                                   .order_by(Assignment.id)))


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def link(part: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', part)
    return html.unescape(match.group(1)) if match else None


def walk(browser, url: str, section_id: str, pattern: str) -> list[list[str]]:
    """Every page of a section from its first to its last by the "older" links: what `pattern` finds on
    each; then back up by the "newer" links, which must show the same pages."""
    pages, urls = [], []
    while url:
        response = browser.get(url)
        assert response.status_code == 200
        part = section(response.get_data(as_text=True), section_id)
        pages.append(re.findall(pattern, part))
        urls.append(url)
        url = link(part, "next")
        assert len(pages) < 100
    back = link(section(browser.get(urls[-1]).get_data(as_text=True), section_id), "prev")
    for expected in reversed(pages[:-1]):
        part = section(browser.get(back).get_data(as_text=True), section_id)
        assert re.findall(pattern, part) == expected
        back = link(part, "prev")
    assert back is None, "the first page links to no newer one"
    return pages


@pytest.fixture
def scene(app):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    return w, a


def test_the_assignment_page_shows_the_latest_reports_and_pages_to_the_older(scene, login_as):
    w, a = scene
    ids = bulk_reports(a, 25, per_day=3)
    pages = walk(login_as(Role.READER), f"/assignments/{a.id}", "reports", r'<tr id="report-(\d+)">')
    assert [len(p) for p in pages] == [10, 10, 5]
    shown = [int(i) for p in pages for i in p]
    newest_first = [r.id for r in db.session.scalars(sa.select(StatusReport).where(
        StatusReport.assignment_id == a.id).order_by(StatusReport.reported_on.desc(), StatusReport.id.desc()))]
    assert shown == newest_first and sorted(shown) == sorted(ids)


def test_an_archived_report_leaves_the_pages(scene, login_as):
    w, a = scene
    bulk_reports(a, 12)
    newest = db.session.scalars(sa.select(StatusReport).where(StatusReport.assignment_id == a.id)
                                .order_by(StatusReport.reported_on.desc())).first()
    g.archive(newest)
    pages = walk(login_as(Role.READER), f"/assignments/{a.id}", "reports", r'<tr id="report-(\d+)">')
    assert [len(p) for p in pages] == [10, 1]
    assert str(newest.id) not in sum(pages, [])


def test_a_report_s_address_opens_the_page_of_reports_that_holds_it(scene, login_as):
    w, a = scene
    ids = bulk_reports(a, 30)
    oldest = min(ids)
    b = login_as(Role.READER)
    response = b.get(f"/assignments/reports/{oldest}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#report-{oldest}")
    page = b.get(response.headers["Location"]).get_data(as_text=True)
    assert re.findall(r'<tr id="report-(\d+)">', section(page, "reports")) == [str(oldest)]


def test_a_correction_is_offered_among_the_latest_reports(scene, login_as):
    w, a = scene
    ids = sorted(bulk_reports(a, 30))
    b = login_as(Role.READER, person=w.recipient_chair)
    form = b.get(f"/assignments/{a.id}/reports/new").get_data(as_text=True)
    offered = {int(i) for i in re.findall(r'<option value="(\d+)"', form)}
    assert offered == set(ids[-20:])


def test_every_record_page_pages_its_history(scene, login_as):
    w, a = scene
    d = g.decision(w.principal)
    bulk_history(d, 45, per_second=4)
    b = login_as(Role.READER)
    pages = walk(b, f"/decisions/{d.id}", "history", r"<td>(Rubrik \d+)</td>\s*</tr>")
    assert [len(p) for p in pages] == [20, 20, 5]  # and the decision's creation, last
    shown = [int(t.split()[1]) for p in pages for t in p]
    assert shown == list(reversed(range(45)))
    # The same helper pages the history of the other record pages.
    bulk_history(w.principal, 25)
    pages = walk(b, f"/groups/{w.principal.id}", "history", r"<td>(Rubrik \d+)</td>\s*</tr>")
    assert len(pages) >= 2 and len(pages[0]) == 20
    assert [int(t.split()[1]) for p in pages for t in p] == list(reversed(range(25)))


def test_the_assignment_page_pages_its_transitions_and_sub_assignments(scene, login_as):
    w, a = scene
    steps = bulk_transitions(a, 60)  # and the one that created it
    children = bulk_children(a, 60)
    g.archive(db.session.get(Assignment, children[-1]))  # an archived sub-assignment is not listed
    b = login_as(Role.READER)
    pages = walk(b, f"/assignments/{a.id}", "status", r'<li id="transition-(\d+)">')
    assert [len(p) for p in pages] == [20, 20, 20, 1]
    assert [int(i) for p in pages for i in p] == list(reversed(steps))
    pages = walk(b, f"/assignments/{a.id}", "children", r'<li><a href="/assignments/(\d+)">')
    assert [len(p) for p in pages] == [20, 20, 19]
    assert [int(i) for p in pages for i in p] == list(reversed(children[:-1]))
    # Each list keeps its own place: paging one leaves the other (and the reports) where they were.
    first = b.get(f"/assignments/{a.id}").get_data(as_text=True)
    older_steps = link(section(first, "status"), "next")
    assert "children=" not in older_steps
    page = b.get(older_steps).get_data(as_text=True)
    assert re.findall(r'<li><a href="/assignments/(\d+)">', section(page, "children")) == [
        str(i) for i in reversed(children[-21:-1])]


def test_an_assignment_without_sub_assignments_has_no_such_section(scene, login_as):
    w, a = scene
    page = login_as(Role.READER).get(f"/assignments/{a.id}").get_data(as_text=True)
    assert 'id="children"' not in page and len(re.findall(r'<li id="transition-\d+">', section(page, "status"))) == 1


@pytest.mark.parametrize("url", ["/assignments/{a}?reports=igår", "/assignments/{a}?reports=2024-01-01",
                                 "/assignments/{a}?history=2024-01-01_x", "/decisions/{d}?history=1_2_3",
                                 "/assignments/{a}?transitions=x", "/assignments/{a}?children=1_2"])
def test_a_malformed_page_key_is_a_400(scene, login_as, url):
    w, a = scene
    d = g.decision(w.principal)
    assert login_as(Role.READER).get(url.format(a=a.id, d=d.id)).status_code == 400


class Counter:
    """SQL statements run and rows read into reports and change-log entries (or `models`) during one request."""

    def __init__(self, models=(StatusReport, ChangeLog)):
        self.models = models
        self.statements, self.loaded = [], {m.__tablename__: 0 for m in models}

    def statement(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))

    def load(self, target, context):
        self.loaded[target.__tablename__] += 1

    def request(self, browser, url: str):
        listeners = [(db.engine, "before_cursor_execute", self.statement),
                     *((model, "load", self.load) for model in self.models)]
        for args in listeners:
            sa.event.listen(*args)
        try:
            response = browser.get(url)
        finally:
            for args in listeners:
                sa.event.remove(*args)
        assert response.status_code == 200
        return self


def test_ten_thousand_reports_and_log_rows_cost_what_a_dozen_do(scene, login_as):
    w, a = scene
    small = g.assignment(w.principal, w.recipient, title="Litet uppdrag")
    bulk_reports(small, 12)
    bulk_history(small, 12)
    bulk_reports(a, 10_000, per_day=2)
    bulk_history(a, 10_000, per_second=3)
    b = login_as(Role.READER)
    b.get(f"/assignments/{a.id}")  # warm: the first request of a session loads what later ones share
    few = Counter().request(b, f"/assignments/{small.id}")
    many = Counter().request(b, f"/assignments/{a.id}")
    assert len(many.statements) == len(few.statements)
    assert many.loaded == {"status_reports": REPORTS_PER_PAGE + 1, "change_log": HISTORY_PER_PAGE + 1}
    # Deep in both lists: the same again, plus one query per list for where the newer page starts.
    middle = db.session.scalars(sa.select(StatusReport).where(StatusReport.assignment_id == a.id)
                                .order_by(StatusReport.reported_on, StatusReport.id).offset(5_000)).first()
    entry = db.session.scalars(sa.select(ChangeLog).where(ChangeLog.entity_id == a.id, ChangeLog.entity_type ==
                                                          "assignments").order_by(ChangeLog.id).offset(5_000)).first()
    deep = Counter().request(b, f"/assignments/{a.id}?reports={middle.reported_on.isoformat()}_{middle.id}"
                                f"&history={entry.created_at.isoformat()}_{entry.id}")
    assert len(deep.statements) == len(few.statements) + 2
    assert deep.loaded == {"status_reports": REPORTS_PER_PAGE + 1, "change_log": HISTORY_PER_PAGE + 1}


def test_sixty_transitions_and_sub_assignments_cost_what_two_do(scene, login_as):
    w, a = scene
    small = g.assignment(w.principal, w.recipient, title="Litet uppdrag")
    bulk_transitions(small, 1)
    bulk_children(small, 2)
    bulk_transitions(a, 60)
    bulk_children(a, 60)
    b = login_as(Role.READER)
    b.get(f"/assignments/{a.id}")  # warm, as above
    models = (AssignmentTransition, Assignment)
    few = Counter(models).request(b, f"/assignments/{small.id}")
    many = Counter(models).request(b, f"/assignments/{a.id}")
    assert len(many.statements) == len(few.statements)
    # One more row than a page tells whether there is an older page; the assignment itself besides.
    assert many.loaded == {"assignment_transitions": TRANSITIONS_PER_PAGE + 1, "assignments": CHILDREN_PER_PAGE + 2}
    steps = list(db.session.scalars(sa.select(AssignmentTransition.id)
                                    .where(AssignmentTransition.assignment_id == a.id)))
    children = list(db.session.scalars(sa.select(Assignment.id).where(Assignment.parent_id == a.id)))
    deep = Counter(models).request(b, f"/assignments/{a.id}?transitions={steps[30]}&children={children[30]}")
    assert len(deep.statements) == len(few.statements) + 2  # where each list's newer page starts
    assert deep.loaded == many.loaded


def _plans(statements, tables=("status_reports", "change_log")) -> list[tuple[str, str]]:
    """(statement, plan) of each statement that reads `tables` (status reports or the change log)."""
    found = []
    with db.engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            # Tables this small would be read whole by choice, and a looked-up row joined by a merge that
            # sorts both sides; what matters is that an index can serve the page and its order, as it
            # does at scale (a nested loop under the LIMIT).
            for setting in ("enable_seqscan", "enable_mergejoin", "enable_hashjoin"):
                conn.exec_driver_sql(f"SET {setting} = off")
        for statement, parameters in statements:
            if not re.search(rf"FROM ({'|'.join(tables)})\b", statement):
                continue
            if postgres:
                rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
                found.append((statement, "\n".join(r[0] for r in rows)))
            else:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                found.append((statement, "\n".join(r[-1] for r in rows)))
        conn.rollback()
    return found


def test_the_report_and_history_queries_are_read_through_an_index(scene, login_as):
    w, a = scene
    bulk_reports(a, 40, per_day=2)
    bulk_history(a, 40)
    b = login_as(Role.READER)
    first = b.get(f"/assignments/{a.id}").get_data(as_text=True)
    reports_key = link(section(first, "reports"), "next").split("#")[0].split("reports=")[1]
    history_key = link(section(first, "history"), "next").split("#")[0].split("history=")[1]
    # Second pages of both: each list's page and where its newer page starts.
    plans = _plans(Counter().request(b, f"/assignments/{a.id}?reports={reports_key}&history={history_key}")
                   .statements)
    tables = [t for statement, _ in plans for t in re.findall(r"FROM (status_reports|change_log)\b", statement)]
    assert sorted(tables) == ["change_log", "change_log", "status_reports", "status_reports"]
    for statement, plan in plans:
        assert not re.search(r"SCAN (status_reports|change_log)\b|Seq Scan on (status_reports|change_log)\b",
                             plan), f"{statement}\n{plan}"
        # The order comes from the index: no sort of every row of the record.
        assert "TEMP B-TREE" not in plan and not re.search(r"^\s*(->\s*)?Sort\b", plan, re.M), f"{statement}\n{plan}"


def test_the_transition_and_sub_assignment_queries_are_read_through_an_index(scene, login_as):
    w, a = scene
    bulk_transitions(a, 40)
    bulk_children(a, 40)
    b = login_as(Role.READER)
    first = b.get(f"/assignments/{a.id}").get_data(as_text=True)
    older_steps = link(section(first, "status"), "next").split("#")[0].split("transitions=")[1]
    older_children = link(section(first, "children"), "next").split("#")[0].split("children=")[1]
    statements = Counter().request(b, f"/assignments/{a.id}?transitions={older_steps}&children={older_children}")
    plans = _plans(statements.statements, ("assignment_transitions", "assignments"))
    paged = [(statement, plan) for statement, plan in plans
             if re.search(r"assignment_transitions\.assignment_id = |assignments\.parent_id = ", statement)]
    assert len(paged) == 4  # each list's page and where its newer page starts
    for statement, plan in paged:
        assert not re.search(r"SCAN (assignment_transitions|assignments)\b|Seq Scan on (assignment_transitions|"
                             r"assignments)\b", plan), f"{statement}\n{plan}"
        assert "TEMP B-TREE" not in plan and not re.search(r"^\s*(->\s*)?Sort\b", plan, re.M), f"{statement}\n{plan}"
