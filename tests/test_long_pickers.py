"""Long choices – groups, people, assignments, decisions, meetings – are type-ahead pickers whose select
holds only what is chosen: a form costs the same with thousands of them as with a few. What is posted is
still checked against what the field may offer, refused beside the field in Swedish with the rest of the
form kept; without JavaScript the plain search brings the alternatives."""

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.assignments.models import Assignment, AssignmentStatus
from app.auth.models import Role
from app.core.sorting import search_text, swedish_key
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import Group, GroupType, Level
from app.meetings.models import Meeting
from app.people.models import Person
from tests import gov_factories as g
from tests.test_query_counts import QueryCounter


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


options = g.select_options


def picker(text: str, field_id: str) -> dict[str, str] | None:
    """The attributes of the picker box around a field's select (None: a plain select)."""
    match = re.search(rf'<div class="picker" ([^>]*)><select[^>]*id="{field_id}"', text)
    if not match:
        return None
    return {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', match.group(1))}


def bulk(n: int, hub: Group) -> None:
    """`n` each of people, groups, assignments, decisions and meetings, written straight into the tables
    (what a form offers is read from them, not from how they were made)."""
    def named(name):
        return {"name": name, "name_sort": swedish_key(name), "search_text": search_text(name)}

    db.session.execute(sa.insert(Person), [named(f"Person Massa {i}") for i in range(n)])
    db.session.execute(sa.insert(Group), [dict(named(f"RAG Massa {i}"), type=GroupType.RAG,
                                               level=Level.HEALTHCARE_REGIONAL) for i in range(n)])
    others = list(db.session.scalars(sa.select(Group.id).where(Group.id != hub.id).limit(n)))
    db.session.execute(sa.insert(Assignment), [
        {"title": f"Massuppdrag {i}", "search_text": search_text(f"Massuppdrag {i}"), "principal_group_id": hub.id,
         "recipient_group_id": others[i % len(others)], "status": AssignmentStatus.IN_PROGRESS} for i in range(n)])
    db.session.execute(sa.insert(Decision), [
        {"title": f"Massbeslut {i}", "search_text": search_text(f"Massbeslut {i}"), "group_id": hub.id,
         "decided_on": date(2024, 1, 1)} for i in range(n)])
    db.session.execute(sa.insert(Meeting), [{"group_id": hub.id, "starts_on": date(2024, 1, 1 + i % 28)}
                                            for i in range(n)])
    db.session.commit()


@pytest.fixture
def w(app):
    return g.world()


def _form_pages(w) -> dict[str, dict[str, str]]:
    """Pages with long choices: field id → the picker's kind."""
    a = g.assignment(w.principal, w.recipient)
    d = g.decision(w.principal)
    m = g.meeting(w.principal)
    item = g.agenda_item(m)
    from app.core import operations as ops
    from app.priorities.models import PriorityList

    plist = ops.create(PriorityList(), None, group_id=w.principal.id, title="Prioriteringar")
    db.session.commit()
    return {
        "/assignments/new": {"principal_group_id": "group", "recipient_group_id": "group",
                             "programme_area_ids": "group", "parent_id": "assignment",
                             "given_by_decision_id": "decision", "closed_by_decision_id": "decision"},
        f"/assignments/{a.id}/edit": {"parent_id": "assignment", "given_by_decision_id": "decision"},
        f"/assignments/{a.id}": {"person_ids": "person"},
        "/assignments/rounds/new": {"principal_group_id": "group"},
        "/decisions/new": {"group_id": "group", "meeting_id": "meeting", "executor_group_id": "group",
                           "executor_person_id": "person"},
        f"/decisions/{d.id}": {"assignment_id": "assignment", "recipient_person_id": "person",
                               "recipient_group_id": "group"},
        "/meetings/": {"group": "group"},
        "/search/?q=uppdrag": {"group": "group"},
        "/meetings/new": {"group_id": "group"},
        f"/meetings/{m.id}": {"attendance-person": "person", "attendance-substitute-for": "person",
                              "conflict-person": "person", "approver-person": "person"},
        f"/meetings/{m.id}/agenda/new": {"assignment_id": "assignment", "decision_id": "decision"},
        f"/meetings/agenda/{item.id}/edit": {"assignment_id": "assignment", "decision_id": "decision"},
        "/priorities/new": {"group_id": "group", "decision_id": "decision"},
        f"/priorities/{plist.id}": {"input_from_group_id": "group"},
        f"/people/memberships/new/{w.recipient.id}": {"person_id": "person"},
        f"/groups/{w.principal.id}": {"target_id": "group"},
        "/groups/hosting/new": {"npo_id": "group"},
        "/competence/activities/new": {"responsible_group_id": "group", "responsible_person_id": "person",
                                       "assignment_id": "assignment"},
        "/competence/use-cases/priorities/new": {"decision_id": "decision"},
        "/users/new": {"person_id": "person"},
    }


def test_long_choices_are_pickers_whose_select_holds_only_what_is_chosen(w, login_as):
    admin = login_as(Role.ADMIN)
    for url, fields in _form_pages(w).items():
        text = page(admin.get(url))
        for field_id, kind in fields.items():
            box = picker(text, field_id)
            assert box is not None and box["data-picker"] == kind, (url, field_id)
            assert box.get("data-picker-remote") == "1", (url, field_id)
            # Nothing is chosen on these pages: at most the blank choice.
            assert set(options(text, field_id)) <= {""}, (url, field_id)


def test_a_form_costs_the_same_with_thousands_to_choose_from(w, login_as):
    a = g.assignment(w.principal, w.recipient, title="Uppdraget")
    m = g.meeting(w.principal)
    d = g.decision(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    urls = ["/assignments/new", f"/assignments/{a.id}/edit", f"/assignments/{a.id}", "/decisions/new",
            f"/decisions/{d.id}", f"/meetings/{m.id}", f"/meetings/{m.id}/agenda/new", "/meetings/"]

    def measure():
        found = {}
        for url in urls:
            counter = QueryCounter()
            sa.event.listen(db.engine, "before_cursor_execute", counter)
            try:
                text = page(keeper.get(url))
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", counter)
            # The CSRF token and a sign-in's bookkeeping vary; the rest must not.
            found[url] = (counter.count, len(re.sub(r'value="[^"]{40,}"', "", text)))
        return found

    for url in urls:  # warm: the first request of a session loads what later ones share
        keeper.get(url)
    few = measure()
    bulk(3000, w.principal)
    many = measure()
    for url in urls:
        assert many[url][0] <= few[url][0], f"{url}: {few[url][0]} queries, then {many[url][0]}"
        assert abs(many[url][1] - few[url][1]) < 100, f"{url}: {few[url][1]} characters, then {many[url][1]}"


ASSIGNMENT = {"title": "Uppdrag om rehabilitering", "description": "Beskrivning som skrevs", "mandate": "",
              "questions": "", "deliverables": "", "start_on": "", "due_on": "", "parent_id": "",
              "given_by_decision_id": "", "closed_by_decision_id": "", "source": ""}


def _assignment_form(w, **values) -> dict:
    return {**ASSIGNMENT, "principal_group_id": str(w.principal.id), "recipient_group_id": str(w.recipient.id),
            **values}


def test_a_chosen_assignment_or_decision_is_saved(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    parent = g.assignment(w.principal, w.recipient, title="Huvuduppdraget")
    d = g.decision(w.principal)
    response = keeper.post("/assignments/new", _assignment_form(
        w, parent_id=str(parent.id), given_by_decision_id=str(d.id), programme_area_ids=str(w.principal.id)))
    assert response.status_code == 302
    made = db.session.scalars(sa.select(Assignment).where(Assignment.title == ASSIGNMENT["title"])).one()
    assert (made.parent_id, made.given_by_decision_id) == (parent.id, d.id)
    assert [p.id for p in made.programme_areas] == [w.principal.id]
    # The edit form draws what is chosen, and nothing else.
    text = page(keeper.get(f"/assignments/{made.id}/edit"))
    assert options(text, "parent_id") == {"": "– inget –", str(parent.id): "Huvuduppdraget"}
    assert re.search(rf'<option selected value="{parent.id}">', text)
    assert options(text, "given_by_decision_id") == {"": "– inget –", str(d.id): "Beslut om uppdrag"}
    assert options(text, "programme_area_ids") == {str(w.principal.id): "RPO Hjärta Mellan"}
    # Its type-ahead leaves the assignment itself out, as its choices do.
    assert picker(text, "parent_id")["data-picker-url"] == f"/picker/assignment?exclude={made.id}"
    assert picker(text, "programme_area_ids")["data-picker-url"] == "/picker/group?type=NPO&type=RPO&type=LPO"


@pytest.mark.parametrize("field, value, message", [
    ("parent_id", "{self}", "Välj ett av alternativen."),
    ("parent_id", "{archived_assignment}", "Välj ett av alternativen."),
    ("given_by_decision_id", "{archived_decision}", "Välj ett av alternativen."),
    ("closed_by_decision_id", "999999", "Välj ett av alternativen."),
    ("parent_id", "99999999999999999999", "Välj ett av alternativen."),
    ("recipient_group_id", "{archived_group}", "Välj ett av alternativen."),
    ("programme_area_ids", "{rag}", "Välj bland alternativen."),
])
def test_a_choice_the_field_does_not_offer_is_refused_beside_it_and_the_form_kept(w, login_as, field, value, message):
    keeper = login_as(Role.SECRETARIAT)
    a = g.assignment(w.principal, w.recipient, title="Uppdraget")
    gone = g.assignment(w.principal, w.recipient, title="Arkiverat uppdrag")
    g.archive(gone)
    old = g.decision(w.principal, title="Arkiverat beslut")
    g.archive(old)
    from tests import factories as f

    closed = f.group("RAG Nedlagd", GroupType.RAG, Level.HEALTHCARE_REGIONAL)
    g.archive(closed)
    ids = {"self": a.id, "archived_assignment": gone.id, "archived_decision": old.id, "archived_group": closed.id,
           "rag": w.recipient.id}
    before = g.database_state()
    data = _assignment_form(w, title="Ändrad titel", version=str(a.version), **{field: value.format(**ids)})
    response = keeper.post(f"/assignments/{a.id}/edit", data)
    text = page(response)
    assert g.field_error(text, field) == message
    assert 'value="Ändrad titel"' in text and "Beskrivning som skrevs" in text
    assert g.database_state() == before


def test_a_chair_is_offered_their_own_groups_whole_and_refused_another(w, login_as):
    chair = login_as(Role.READER, person=w.principal_chair)
    text = page(chair.get("/assignments/new"))
    # A chair's own groups are few: drawn whole, the type-ahead offering only them.
    assert options(text, "principal_group_id") == {"": "– välj –", str(w.principal.id): "RPO Hjärta Mellan"}
    assert "data-picker-remote" not in picker(text, "principal_group_id")
    text = page(chair.post("/assignments/new", _assignment_form(w, principal_group_id=str(w.unrelated.id))))
    assert g.field_error(text, "principal_group_id") in g.GROUP_REFUSALS
    assert "Beskrivning som skrevs" in text


def test_without_javascript_the_search_brings_the_first_matches(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    bulk(60, w.principal)
    text = page(keeper.get("/assignments/new", query_string={
        "picker": "parent_id", "parent_id-q": "massuppdrag 1", "title": "Halvskrivet", "description": "Text"}))
    found = options(text, "parent_id")
    assert set(found.values()) == {"– inget –"} | {f"Massuppdrag {i}" for i in [1, *range(10, 20)]}
    assert "11 alternativ matchar ”massuppdrag 1”." in text
    assert 'value="Halvskrivet"' in text and "Text</textarea>" in text
    # Many matches: the first ones, and a word to type more.
    text = page(keeper.get("/assignments/new", query_string={"picker": "parent_id", "parent_id-q": "massuppdrag"}))
    assert len(options(text, "parent_id")) == 1 + 50
    assert "Fler än 50 alternativ matchar ”massuppdrag”. Skriv mer för att begränsa." in text
    # Before a search the field says how to find its alternatives.
    assert "Sök för att få fram alternativen." in page(keeper.get("/assignments/new"))
    assert g.count(Assignment) == 60  # a search saves nothing


def test_the_type_ahead_answers_each_kind_narrowed_as_the_field_is(w, login_as):
    reader = login_as(Role.READER)
    a = g.assignment(w.principal, w.recipient, title="Uppdrag om hjärtsvikt")
    other = g.assignment(w.unrelated, w.steering, title="Uppdrag om diabetes")
    d = g.decision(w.principal, title="Beslut om hjärtsvikt", decided_on=date(2025, 3, 4))
    g.decision(w.unrelated, title="Beslut om diabetes")
    m = g.meeting(w.principal, starts_on=date(2025, 3, 4), title="Möte om hjärtat")

    def results(url):
        response = reader.get(url)
        assert response.status_code == 200, url
        return [(r["id"], r["label"], r["detail"]) for r in response.get_json()["results"]]

    assert results("/picker/assignment?q=uppdrag") == [(other.id, "Uppdrag om diabetes", "RSG Mellansverige · Pågår"),
                                                        (a.id, "Uppdrag om hjärtsvikt", "RAG Hjärtsvikt · Pågår")]
    assert [r[0] for r in results(f"/picker/assignment?q=uppdrag&exclude={other.id}")] == [a.id]
    assert [r[0] for r in results(f"/picker/assignment?q=uppdrag&group={w.recipient.id}")] == [a.id]
    assert results(f"/picker/decision?q=hjärt&group={w.principal.id}") == [
        (d.id, "Beslut om hjärtsvikt", "RPO Hjärta Mellan · 4 mars 2025")]
    assert results("/picker/meeting?q=hjärtat") == [(m.id, str(m), "RPO Hjärta Mellan")]
    assert {r[1] for r in results("/picker/group?q=r&type=RPO")} == {"RPO Hjärta Mellan"}
    for bad in ("/picker/group?type=XYZ", "/picker/assignment?exclude=x", "/picker/decision?group=-1"):
        assert reader.get(bad).status_code == 400, bad
