"""Full-text search (app.core.fulltext) on the search page and in the lists' `q` filters: each word finds the
words it begins, every word must match, the best matches come first; the index follows every write, plain
SQL included, and is made by the migration for the records already there; no input breaks a search; the
search page counts all its tabs in one query; on SQLite no search reads a whole table.

Where SQLite (FTS5, words as written) and PostgreSQL (the Swedish configuration: stemming and stop words)
find different things, the tests state what each finds."""

import re
from datetime import date
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from app.assignments.models import Assignment, AssignmentStatus
from app.auth.models import Role
from app.competence.kpis.models import Kpi, KpiMeasure
from app.competence.plan.models import Activity, WorkPackage, WorkPackageOwner
from app.competence.usecases.models import UseCase
from app.core import operations as ops
from app.core.fulltext import MAX_WORDS, query_words, text_search
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import Group, GroupType
from app.meetings.models import Meeting
from tests import factories as f
from tests import gov_factories as g
from tests.test_backup import invoke, target  # noqa: F401 (target is a fixture)
from tests.test_migrations import _empty_database, _search_index_objects

SEARCHABLE = (Assignment, Decision, Meeting, Activity, Kpi, UseCase)


def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def groups(app):
    return f.group("NSG Sök"), f.group("NAG Sök", GroupType.NAG)


@pytest.fixture
def new(groups):
    """new(title, **values) -> an assignment from the one group to the other."""
    return lambda title, **values: f.assignment(*groups, title, **values)


def found(model, query: str) -> list[int]:
    """Ids of the active records matching `query`, best first, then newest (as the search page orders)."""
    search = text_search(model, query)
    if search is None:
        return []
    return list(db.session.scalars(search.ranked(sa.select(model.id).where(model.active())).order_by(model.id.desc())))


def listed(browser, url: str) -> set[int]:
    response = browser.get(url)
    assert response.status_code == 200, url
    area = url.split("/")[1]
    return g.linked_ids(g.main_content(response.get_data(as_text=True)), area)


def test_a_word_finds_the_words_it_begins(new):
    analysis = new("Analys av vårddata", description="Underlag för regionerna")
    new("Kunskapsstöd för hjärtsvikt")
    for query in ("anal", "ANALYS", "analys", "vård", "Vårddata", "underl", "region"):
        assert found(Assignment, query) == [analysis.id], query
    # Not from inside a word, nor the end of a compound (as LIKE '%…%' did).
    assert found(Assignment, "nalys") == [] and found(Assignment, "data") == []


def test_every_word_must_match(new):
    both = new("Analys av regionernas vårddata")
    one = new("Analys av kunskapsstöd")
    assert set(found(Assignment, "analys")) == {both.id, one.id}
    assert found(Assignment, "analys vårddata") == found(Assignment, "vårddata  analys") == [both.id]
    assert found(Assignment, "anal reg") == [both.id]
    assert found(Assignment, "analys saknas") == []


def test_å_ä_and_ö_are_letters_of_their_own(new):
    hair, has = new("Hår och naglar"), new("Har beslutats")
    goal, moth = new("Mål för vården"), new("Mal i garderoben")
    assert found(Assignment, "hår") == [hair.id]
    assert found(Assignment, "mål") == [goal.id] and found(Assignment, "mal") == [moth.id]
    assert found(Assignment, "MÅL") == [goal.id]
    # "har" never finds "hår". PostgreSQL's Swedish configuration drops it as a stop word: it finds nothing.
    assert found(Assignment, "har") == ([] if on_postgresql() else [has.id])


def test_the_best_matches_come_first_then_the_usual_order(new, login_as):
    best = new("Vårddata", description="Vårddata om vårddata")
    once = new("Uppdrag om kunskapsstöd", description="Ett långt arbete i flera delar där vårddata nämns en gång "
                                                      "bland mycket annat som rör regionernas uppföljning")
    assert found(Assignment, "vårddata") == [best.id, once.id]  # the older first: it matches better
    older, newer = new("Hjärtsvikt i regionerna"), new("Hjärtsvikt i regionerna")
    assert found(Assignment, "hjärtsvikt") == [newer.id, older.id]  # alike: the usual order (newest first)
    page = login_as(Role.READER).get("/search/?q=vårddata").get_data(as_text=True)
    assert page.index(f'/assignments/{best.id}"') < page.index(f'/assignments/{once.id}"')


def test_each_kind_is_searched(groups):
    nsg, _nag = groups
    decision = ops.create(Decision(), None, group_id=nsg.id, title="Beslut om analysmetoder",
                          registry_number="RS 2021-06735", decided_on=date(2025, 1, 1))
    meeting = g.meeting(nsg, title="Möte om analyser", place="Västerås")
    package = ops.create(WorkPackage(), None, code="A", title="Data", owner=WorkPackageOwner.COMPETENCE_CENTRE)
    activity = ops.create(Activity(), None, code="A.9", work_package_id=package.id, area="Analysstöd", text="Text")
    kpi = ops.create(Kpi(), None, code="K.9", work_package_id=package.id, indicator="Andel analyser",
                     measure=KpiMeasure.NUMBER, baseline_date=date(2025, 1, 1))
    use_case = ops.create(UseCase(), None, code="U", title="Analys av vårdplatser")
    db.session.commit()
    for model, record in ((Decision, decision), (Meeting, meeting), (Activity, activity), (Kpi, kpi),
                          (UseCase, use_case)):
        assert found(model, "anal") == [record.id], model
    assert found(Decision, "rs 2021-06735") == found(Decision, "2021-067") == [decision.id]
    assert found(Meeting, "västerå") == [meeting.id]


def test_the_index_follows_every_write_plain_sql_included(app, groups, new):
    """A bulk load writes rows with plain INSERTs: the triggers (SQLite) or the generated column
    (PostgreSQL) keep the index in step without the ORM."""
    nsg, nag = groups
    db.session.execute(sa.insert(Assignment.__table__), [
        dict(title=f"Bulk {i}", principal_group_id=nsg.id, recipient_group_id=nag.id, status="in_progress",
             search_text=f"bulkladdad analys nummer{i}", version=1) for i in range(3)])
    db.session.commit()
    bulk = db.session.scalars(sa.select(Assignment.id).where(Assignment.title.like("Bulk %"))).all()
    assert set(found(Assignment, "bulkladd")) == set(bulk) and len(found(Assignment, "nummer1")) == 1

    record = new("Uppdrag om hjärtsvikt")
    ops.update(record, None, {"title": "Uppdrag om diabetes"})
    db.session.commit()
    assert found(Assignment, "hjärtsvikt") == [] and found(Assignment, "diabetes") == [record.id]

    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE assignments SET search_text = 'flyttad text' WHERE id = :id"), {"id": bulk[0]})
        conn.execute(sa.text("DELETE FROM assignments WHERE id = :id"), {"id": bulk[1]})
    db.session.expire_all()
    assert found(Assignment, "flyttad") == [bulk[0]] and set(found(Assignment, "bulkladd")) == {bulk[2]}
    if not on_postgresql():
        with db.engine.connect() as conn:
            # The FTS table itself forgot the deleted row and the old text (not only the join hides them).
            indexed = conn.execute(sa.text("SELECT rowid FROM assignments_fts WHERE assignments_fts MATCH 'bulkladdad'"
                                           " ORDER BY rowid"))
            assert [r[0] for r in indexed] == [bulk[2]]
            conn.execute(sa.text("INSERT INTO assignments_fts(assignments_fts, rank) VALUES ('integrity-check', 1)"))

    g.archive(record)
    assert found(Assignment, "diabetes") == []  # archived records leave searches as they leave lists


HOSTILE = ['"', '""', '"analys', 'analys"', '*', 'anal*', '**', 'AND', 'OR', 'NOT', 'analys AND', 'analys OR vård',
           'NEAR(analys vård)', 'NEAR', '-analys', 'analys -vård', 'a:b', 'search_text:analys', ':', '(', ')',
           '(analys', '^analys', '{analys}', '+', "'", "''", "analys'", "\\", "\\\\analys", '&', '|', '!',
           '!analys', 'analys & vård', 'analys | vård', '<->', 'analys <-> vård', 'analys:*', 'analys:A',
           "'; DROP TABLE assignments; --", '%', '_', '%_%', '\x01\x7f', '\u200b', '🙂', 'analys\tvård',
           'analys\u00a0vård', 'ä' * 150, 'å ' * 80, ' '.join(['analys'] * 40), "analys's", 'x"y\'z\\w']


@pytest.mark.parametrize("query", HOSTILE)
def test_no_input_breaks_the_search_page_or_the_lists(new, login_as, query):
    analysis = new("Analys av vårddata")
    browser = login_as(Role.READER)
    for kind in ("assignments", "meetings", "use_cases"):
        response = browser.get("/search/?" + urlencode({"q": query, "kind": kind}))
        assert response.status_code == 200, (query, kind)
    for path in ("/assignments/", "/decisions/", "/api/v1/assignments", "/api/v1/decisions"):
        response = browser.get(f"{path}?" + urlencode({"q": query}))
        # The lists refuse a `q` longer than 200 characters (app.core.args), with a page of their own.
        assert response.status_code == (400 if len(query.strip()) > 200 else 200), (query, path)
    if query in ('"analys', 'analys"', 'anal*', '(analys', '-analys', '^analys', '{analys}', '!analys',
                 "analys'", 'analys:*', "\\\\analys", ' '.join(['analys'] * 40)):
        assert found(Assignment, query) == [analysis.id], query


def test_any_text_gives_a_result_or_nothing(new):
    new("Analys av vårddata")

    @seed(20261130)  # the same examples in every run
    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.text(max_size=60) | st.lists(st.sampled_from(HOSTILE + ["analys", "vård", "och"])).map(" ".join))
    def example(query):
        for model in SEARCHABLE:
            found(model, query)
            if search := text_search(model, query):
                db.session.scalar(sa.select(sa.func.count()).select_from(model).where(search.criterion))
        db.session.rollback()

    example()


def test_what_is_searched_for():
    assert query_words('  Analys  "av" VÅRD-data\x00 (x) *** \'; - ') == ["analys", "av", "vård-data", "(x)"]
    assert query_words("") == query_words(None) == query_words("*** - ()") == []
    assert len(query_words("ord " * 100)) == MAX_WORDS


def test_nothing_to_search_for_finds_nothing_and_filters_no_list(new, login_as):
    record = new("Analys av vårddata")
    browser = login_as(Role.READER)
    page = browser.get("/search/?q=***").get_data(as_text=True)
    assert "Uppdrag (0)" in page and "Beslut (0)" in page and "Inga träffar" in page
    assert listed(browser, "/assignments/?q=***") == {record.id} == listed(browser, "/assignments/?q=")


def test_the_lists_q_filters_search_the_same_way(groups, new, login_as):
    nsg, _nag = groups
    analysis = new("Analys av vårddata")
    new("Kunskapsstöd för hjärtsvikt")
    draft = new("Analys som utkast", status=AssignmentStatus.DRAFT)
    decision = ops.create(Decision(), None, group_id=nsg.id, title="Beslut om analysmetoder",
                          registry_number="RS 2021-06735", decided_on=date(2025, 1, 1))
    g.decision(nsg, "Beslut om annat")
    browser = login_as(Role.READER)
    assert listed(browser, "/assignments/?q=ANAL") == {analysis.id, draft.id}
    assert listed(browser, "/assignments/?q=anal&status=draft") == {draft.id}
    assert listed(browser, "/assignments/?q=anal+vårdd") == {analysis.id}
    assert listed(browser, "/assignments/?q=nalys") == set()
    assert listed(browser, "/decisions/?q=analys") == {decision.id}
    assert listed(browser, "/decisions/?q=2021-06735") == {decision.id}
    api = browser.get("/api/v1/decisions?q=analysmetod").get_json()
    assert [d["id"] for d in api["items"]] == [decision.id]


def test_where_the_databases_find_differently(new):
    """SQLite matches words as written (each query word as a prefix); PostgreSQL's Swedish configuration
    stems words and leaves out stop words (och, har, vår, …)."""
    meeting_word = new("Möte om vårddata")
    analyses = new("Analyser av hjärtsvikt")
    with_and = new("Analys och uppföljning")
    # An inflected form that is no prefix of the other: only stemming finds it.
    assert found(Assignment, "möten") == ([meeting_word.id] if on_postgresql() else [])
    assert found(Assignment, "analysen") == ([analyses.id] if on_postgresql() else [])
    # A prefix finds the longer forms on both.
    assert set(found(Assignment, "analys")) == {analyses.id, with_and.id}
    # PostgreSQL stems the query's words too, a word begun as well: "vårdd" is taken as "vård" and also finds
    # "vårdplatser"; SQLite finds only the words that begin with "vårdd".
    places = new("Vårdplatser i regionen")
    assert set(found(Assignment, "vårdd")) == ({meeting_word.id, places.id} if on_postgresql() else {meeting_word.id})
    # A stop word: searched for on SQLite; left out of the query on PostgreSQL (alone it finds nothing).
    assert found(Assignment, "och") == ([] if on_postgresql() else [with_and.id])
    assert set(found(Assignment, "analys och")) == ({analyses.id, with_and.id} if on_postgresql() else {with_and.id})


class Statements:
    """The SQL statements a request runs, with their parameters."""

    def __init__(self):
        self.seen: list[tuple[str, object]] = []

    def __call__(self, _conn, _cursor, statement, parameters, _context, _executemany):
        self.seen.append((statement, parameters))


def statements_of(browser, url: str) -> list[tuple[str, object]]:
    recorder = Statements()
    sa.event.listen(db.engine, "before_cursor_execute", recorder)
    try:
        assert browser.get(url).status_code == 200, url
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", recorder)
    return recorder.seen


def test_the_search_page_counts_every_tab_in_one_query(groups, new, login_as):
    new("Analys av vårddata")
    g.decision(groups[0], "Beslut om analysmetoder")
    browser = login_as(Role.READER)
    for url in ("/search/?q=analys", "/search/?q=analys&kind=decisions&page=2",
                f"/search/?q=anal&group={groups[0].id}"):
        counting = [s for s, _p in statements_of(browser, url) if "count(" in s.lower()]
        assert len(counting) == 1, url
        assert all(f"FROM {table}" in counting[0] for table in
                   ("assignments", "decisions", "meetings", "activities", "kpis", "use_cases"))
    page = browser.get("/search/?q=analys").get_data(as_text=True)
    assert "Uppdrag (1)" in page and "Beslut (1)" in page and "Möten (0)" in page
    assert not [s for s, _p in statements_of(browser, "/search/?q=***") if "count(" in s.lower()]


FULL_SCAN = re.compile(r"\bSCAN (assignments|decisions|meetings)\b")  # not "SCAN assignments_fts VIRTUAL TABLE"


def test_on_sqlite_a_search_reads_the_index_not_whole_tables(groups, new, login_as):
    if on_postgresql():
        pytest.skip("SQLite's query plans; PostgreSQL chooses by its statistics")
    nsg, _nag = groups
    for i in range(5):
        new(f"Analys {i}")
        g.decision(nsg, f"Beslut om analys {i}")
        g.meeting(nsg, title=f"Möte om analys {i}")
    browser = login_as(Role.READER)
    urls = [f"/search/?q=analys&kind={kind}{group}" for kind in ("assignments", "decisions", "meetings")
            for group in ("", f"&group={nsg.id}")] + ["/assignments/?q=analys", "/decisions/?q=analys"]
    checked = 0
    for url in urls:
        for statement, parameters in statements_of(browser, url):
            if "MATCH" not in statement:
                continue
            with db.engine.connect() as conn:
                plan = "\n".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert not FULL_SCAN.search(plan), f"{url}: a full table scan\n{statement}\n{plan}"
            assert "VIRTUAL TABLE INDEX" in plan, plan
            checked += 1
    assert checked == 2 * len(urls)  # the count and the page of each


def test_the_migration_indexes_the_records_already_there(app):
    _empty_database()
    upgrade()
    nsg, nag = f.group("NSG Före"), f.group("NAG Före", GroupType.NAG)
    groups = nsg.id, nag.id
    assignment = f.assignment(nsg, nag, "Analys från före indexet").id
    decision = g.decision(nsg, "Beslut om hjärtsvikt").id
    # Made by today's models, then taken back to the revision before the search index (the records
    # stay, the index goes): the search migration meets them as records already there.
    db.session.remove()
    downgrade(revision="4d08cba805a2")
    assert _search_index_objects() == set()
    upgrade()
    assert found(Assignment, "anal") == [assignment] and found(Decision, "hjärtsv") == [decision]
    later = f.assignment(*(db.session.get(Group, i) for i in groups), "Analys efter indexet")
    assert set(found(Assignment, "analys")) == {assignment, later.id}


def test_a_restored_backup_searches_as_before(app, target, tmp_path, new):  # noqa: F811 (the fixture)
    record_id = new("Analys att återställa").id  # read here: inside the target's context it would load from there
    path = tmp_path / "register.backup"
    result = invoke(app, "create", str(path))
    assert result.exit_code == 0, result.output
    result = invoke(target, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert found(Assignment, "återstä") == [record_id]
        db.session.execute(sa.text("UPDATE assignments SET search_text = 'efter återläsningen'"))
        db.session.commit()
        assert found(Assignment, "återläsn") == [record_id] and found(Assignment, "återstä") == []
        db.session.remove()


def test_a_word_with_very_many_hits_lists_the_newest_first_and_says_so(groups, new, login_as, monkeypatch):
    """Ranking weighs every hit; past RANKED_UP_TO the page lists the newest first and asks for another word."""
    from app.search import views as search_views

    monkeypatch.setattr(search_views, "RANKED_UP_TO", 2)
    first, second = new("Analys av läget"), new("Analys analys analys")
    latest = new("Analys om analys")
    browser = login_as(Role.READER)
    page = browser.get("/search/?q=analys").get_data(as_text=True)
    assert "de senaste visas först" in page
    order = [int(i) for i in re.findall(r'href="/assignments/(\d+)"', page)]
    assert order == [latest.id, second.id, first.id]
    # Neither the tab nor the page counts past it: a common word costs no more than a rare one.
    assert "(2+)" in page and "2+ träffar" in page
    monkeypatch.setattr(search_views, "RANKED_UP_TO", 1_000)
    assert "de senaste visas först" not in browser.get("/search/?q=analys").get_data(as_text=True)


def test_on_sqlite_a_common_word_is_walked_from_the_index_and_stops_at_the_cap(groups, new, login_as, monkeypatch):
    """Past RANKED_UP_TO hits neither the tab counts nor the newest-first page gather every hit: they walk
    the full-text index (a join, not an IN list built whole) and stop at the cap; the page reads the
    index in its own order instead of sorting."""
    if on_postgresql():
        pytest.skip("SQLite's query plans; PostgreSQL chooses by its statistics")
    from app.search import views as search_views

    monkeypatch.setattr(search_views, "RANKED_UP_TO", 2)
    for i in range(4):
        new(f"Analys {i}")
    browser = login_as(Role.READER)
    matching = [(s, p) for s, p in statements_of(browser, "/search/?q=analys") if "MATCH" in s]
    assert len(matching) == 3  # the tab counts, the page's count and its ids
    for statement, parameters in matching:
        with db.engine.connect() as conn:
            plan = "\n".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "LIST SUBQUERY" not in plan and "TEMP B-TREE" not in plan, f"{statement}\n{plan}"
        assert "LIMIT" in statement
