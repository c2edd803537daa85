"""Registers, not typing: registry-number series per issuing organisation, executors and dispatch
recipients chosen from the register, and the picker for long choices (endpoint and no-JavaScript search)."""

import html
import re
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.auth.models import Role
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.decisions import operations as decision_ops
from app.decisions.models import Decision, DecisionDispatch, DecisionState, ExecutionStatus
from app.extensions import db
from app.organisations.models import Organisation, RegistryCounter
from app.organisations.registry import format_error
from tests import factories as f
from tests import gov_factories as g

YEAR = date.today().year
SERIES = "RS {year}-{number:05d}"


@pytest.fixture
def w(app):
    world = g.world()
    ops.update(world.region, None, {"registry_format": SERIES})
    db.session.commit()
    return world


def number(n: int, year: int = YEAR) -> str:
    return f"RS {year}-{n:05d}"


def decision_form(w, **values) -> dict:
    data = {"title": "Beslut om tema", "group_id": w.principal.id, "state": "taken", "kind": "decision",
            "decided_on": date.today().isoformat(), "text": "Gruppen beslutar.", "execution_status": "not_started",
            "issuing_organisation_id": w.region.id, "number_mode": "next"}
    data.update(values)
    return data


def page(response) -> str:
    return response.get_data(as_text=True)


select_options = g.select_options


# --- The format -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["RS {year}-{number:05d}", "{year}/{number}", "Dnr {number:04d}-{year}"])
def test_usable_formats_are_accepted(fmt):
    assert format_error(fmt) is None


@pytest.mark.parametrize("fmt", ["RS {number}", "{year}-{nr}", "{year}-{number:5d}", "{year:04d}-{number}",
                                 "{year}-{number!r}", "{year}-{number", "{year}-{number}-{number}",
                                 "{year}" + "x" * 60 + "{number}"])
def test_unusable_formats_are_refused_in_swedish(fmt):
    assert format_error(fmt) is not None


def test_the_organisation_form_refuses_a_bad_format_beside_the_field_and_keeps_it(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    data = {"name": w.other_org.name, "kind": "region", "healthcare_region_id": w.hr.id,
            "registry_format": "VGR {nummer}", "version": str(w.other_org.version)}
    response = keeper.post(f"/organisations/{w.other_org.id}/edit", data)
    assert response.status_code == 200
    assert "t.ex. RS {year}-{number:05d}" in g.field_error(page(response), "registry_format")
    assert 'value="VGR {nummer}"' in page(response)
    assert db.session.get(Organisation, w.other_org.id).registry_format == ""

    data["registry_format"] = "VGR {year}-{number:04d}"
    assert keeper.post(f"/organisations/{w.other_org.id}/edit", data).status_code == 302
    assert db.session.get(Organisation, w.other_org.id).registry_format == "VGR {year}-{number:04d}"
    assert "VGR {year}-{number:04d}" in page(keeper.get(f"/organisations/{w.other_org.id}"))


# --- Suggestion and reservation --------------------------------------------------------------------

def test_reservation_counts_per_organisation_and_year_and_skips_numbers_typed_by_hand(w):
    region = db.session.get(Organisation, w.region.id)
    assert decision_ops.reserve_registry_number(region, date(2025, 3, 1)) == number(1, 2025)
    assert decision_ops.reserve_registry_number(region, date(2025, 3, 1)) == number(2, 2025)
    assert decision_ops.reserve_registry_number(region, date(2026, 1, 1)) == number(1, 2026)
    db.session.commit()
    # A historical decision typed by hand took the next number of 2025: the series steps over it.
    g.decision(w.principal, "Äldre beslut", registry_number=number(3, 2025).lower(), issuing_organisation_id=region.id)
    assert decision_ops.suggest_registry_number(region, date(2025, 6, 1)) == number(4, 2025)
    assert decision_ops.reserve_registry_number(region, date(2025, 6, 1)) == number(4, 2025)
    db.session.commit()
    counters = {c.year: c.last_number for c in db.session.scalars(sa.select(RegistryCounter))}
    assert counters == {2025: 4, 2026: 1}


def test_an_organisation_without_a_series_reserves_nothing(w):
    with pytest.raises(BusinessRuleError) as refused:
        decision_ops.reserve_registry_number(db.session.get(Organisation, w.other_org.id), date.today())
    assert refused.value.field == "issuing_organisation_id"


def test_the_form_suggests_the_next_number_and_the_save_reserves_it(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    form = page(keeper.get("/decisions/new"))
    # The only series is chosen and its next number shown, and taken only on save.
    assert f"Region Uppsala: <strong>{number(1)}</strong>" in form
    assert f'name="suggested_number" type="hidden" value="{number(1)}"' in form
    assert re.search(r'<input checked[^>]*value="next"', form)
    assert g.count(RegistryCounter) == 0

    response = keeper.post("/decisions/new", decision_form(w, suggested_number=number(1)), form_url="/decisions/new",
                           follow_redirects=True)
    d = db.session.scalar(sa.select(Decision).where(Decision.title == "Beslut om tema"))
    assert d.registry_number == number(1) and d.issuing_organisation_id == w.region.id
    assert f"Beslutet fick diarienummer {number(1)}." in g.flashes(page(response), "info")
    assert f"Region Uppsala: <strong>{number(2)}</strong>" in page(keeper.get("/decisions/new"))


def test_a_suggestion_taken_meanwhile_gives_the_next_number_and_says_so(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    shown = number(1)
    decision_ops.create_decision(dict(decision_form(w), group_id=w.principal.id, state=DecisionState.TAKEN,
                                      decided_on=date.today(), execution_status=ExecutionStatus.NOT_STARTED,
                                      title="Hann före"), None)
    db.session.commit()
    response = keeper.post("/decisions/new", decision_form(w, suggested_number=shown), form_url="/decisions/new",
                           follow_redirects=True)
    assert db.session.scalar(sa.select(Decision.registry_number).where(Decision.title == "Beslut om tema")) == number(2)
    assert (f"Numret {shown} hann tas av ett annat beslut. Beslutet fick diarienummer {number(2)}."
            in g.flashes(page(response), "info"))


def test_next_number_needs_an_organisation_with_a_series(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/decisions/new", decision_form(w, issuing_organisation_id=w.other_org.id),
                           form_url="/decisions/new")
    assert "ingen nummerserie" in g.field_error(page(response), "issuing_organisation_id")
    assert g.count(Decision) == 0 and g.count(RegistryCounter) == 0


def test_a_number_typed_by_hand_is_used_as_typed_and_a_clash_is_said_beside_the_field(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    data = decision_form(w, number_mode="manual", registry_number="RS 2019-00735", title="Historiskt beslut")
    assert keeper.post("/decisions/new", data, form_url="/decisions/new").status_code == 302
    assert db.session.scalar(sa.select(Decision.registry_number)) == "RS 2019-00735"
    assert g.count(RegistryCounter) == 0  # the series is untouched

    response = keeper.post("/decisions/new", dict(data, registry_number="rs 2019-00735", title="Ett till"),
                           form_url="/decisions/new")
    assert "Diarienumret används redan" in g.field_error(page(response), "registry_number")
    assert 'value="rs 2019-00735"' in page(response)
    assert g.count(Decision) == 1


def test_no_number_is_allowed_for_a_proposal(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    data = decision_form(w, number_mode="none", registry_number="ignoreras", state="proposed")
    assert keeper.post("/decisions/new", data, form_url="/decisions/new").status_code == 302
    assert db.session.scalar(sa.select(Decision.registry_number)) is None


def _save_in_parallel(app, organisation_id: int, group_id: int, threads: int, each: int) -> list[str]:
    """`threads` threads, each with its own app context and database session, each saving `each` decisions
    that take the next number, all started at once."""
    start = threading.Barrier(threads)
    errors, numbers = [], []

    def work(k: int):
        try:
            with app.app_context():
                start.wait()
                for i in range(each):
                    d = decision_ops.create_decision(
                        {"title": f"Samtidigt {k}-{i}", "group_id": group_id, "text": "Beslut.",
                         "state": DecisionState.TAKEN, "decided_on": date.today(), "source": "test",
                         "issuing_organisation_id": organisation_id, "number_mode": decision_ops.NUMBER_NEXT}, None)
                    ops.commit()
                    numbers.append(d.registry_number)
                db.session.remove()
        except Exception as err:  # noqa: BLE001 - reported by the test below
            errors.append(repr(err))

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(60)
    assert not errors, errors
    return numbers


def test_concurrent_saves_get_distinct_numbers(app, w):
    """Really in parallel (SQLite or PostgreSQL, whichever DATABASE_URL names): no two saves get the same
    number, and none is lost."""
    numbers = _save_in_parallel(app, w.region.id, w.principal.id, threads=6, each=4)
    assert sorted(numbers) == [number(n) for n in range(1, 25)]
    stored = db.session.scalars(sa.select(Decision.registry_number)).all()
    assert len(stored) == len(set(stored)) == 24


@pytest.mark.parametrize("gunicorn", [(2, 0)], indirect=True)
def test_two_requests_at_once_to_the_served_app_get_distinct_numbers(app, w, gunicorn):
    """Two workers of gunicorn, two sign-ins, two posts at the same moment."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    from tests.conftest import CSRF_RE, PASSWORD, make_user

    make_user("kansli-a", Role.SECRETARIAT)
    make_user("kansli-b", Role.SECRETARIAT)

    def opener_for(username):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        token = CSRF_RE.search(opener.open(gunicorn.base + "/login").read().decode()).group(1)
        opener.open(gunicorn.base + "/login", urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrf_token": token}).encode())
        token = CSRF_RE.search(opener.open(gunicorn.base + "/decisions/new").read().decode()).group(1)
        return opener, token

    sessions = [opener_for("kansli-a"), opener_for("kansli-b")]
    forms = [dict(decision_form(w, title=f"Parallellt {k}"), csrf_token=sessions[k][1]) for k in range(2)]
    start = threading.Barrier(2)
    statuses = []

    def post(k):
        opener = sessions[k][0]
        body = urllib.parse.urlencode(forms[k]).encode()
        start.wait()
        statuses.append(opener.open(gunicorn.base + "/decisions/new", body).status)

    threads = [threading.Thread(target=post, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [200, 200]  # each followed its redirect to the decision's page
    db.session.expire_all()
    assert sorted(db.session.scalars(sa.select(Decision.registry_number))) == [number(1), number(2)]


# --- Executors and dispatch recipients ------------------------------------------------------------

def test_an_executor_group_is_chosen_and_listed_among_the_groups_decisions_to_carry_out(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    data = decision_form(w, number_mode="none", executor_group_id=w.recipient.id, title="Hjärtsviktsbeslut")
    assert keeper.post("/decisions/new", data, form_url="/decisions/new").status_code == 302
    d = db.session.scalar(sa.select(Decision))
    assert d.executor_group_id == w.recipient.id and d.executor == ""
    g.decision(w.principal, "Annan grupps beslut", executor_group_id=w.unrelated.id)
    g.decision(w.principal, "Redan genomfört", executor_group_id=w.recipient.id,
               execution_status=ExecutionStatus.DONE)

    group_page = page(keeper.get(f"/groups/{w.recipient.id}"))
    link = f"/decisions/?executor_group={w.recipient.id}&amp;execution=awaiting"
    assert link in group_page
    listed = page(keeper.get(html.unescape(link)))
    assert "Beslut att genomföra: RAG Hjärtsvikt" in listed
    assert g.linked_ids(listed, "decisions") == {d.id}
    shown = page(keeper.get(f"/decisions/{d.id}"))
    assert f'<a href="/groups/{w.recipient.id}">RAG Hjärtsvikt</a>' in shown
    # The API answers the same filter.
    api = keeper.get(f"/api/v1/decisions?executor_group={w.recipient.id}&execution=awaiting").get_json()
    assert [item["id"] for item in api["items"]] == [d.id]


def test_an_executor_person_is_listed_on_the_persons_decisions_to_carry_out(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    d = g.decision(w.principal, "Personens beslut", executor_person_id=w.member.id)
    g.decision(w.principal, "Någon annans", executor_person_id=w.recipient_chair.id)
    person_page = page(keeper.get(f"/people/{w.member.id}"))
    assert f"/decisions/?executor_person={w.member.id}&amp;execution=awaiting" in person_page
    listed = page(keeper.get(f"/decisions/?executor_person={w.member.id}&execution=awaiting"))
    assert g.linked_ids(listed, "decisions") == {d.id}
    assert f'<a href="/people/{w.member.id}">Mona Medlem</a>' in page(keeper.get(f"/decisions/{d.id}"))
    org = g.decision(w.principal, "Regionens beslut", executor_organisation_id=w.region.id)
    assert g.linked_ids(page(keeper.get(f"/decisions/?executor_organisation={w.region.id}")), "decisions") == {org.id}


def test_a_free_text_executor_still_works_but_not_together_with_a_choice(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    data = decision_form(w, number_mode="none", executor="Extern konsult AB")
    assert keeper.post("/decisions/new", data, form_url="/decisions/new").status_code == 302
    d = db.session.scalar(sa.select(Decision))
    assert d.executor == "Extern konsult AB" and d.executor_record is None
    assert "Extern konsult AB" in page(keeper.get(f"/decisions/{d.id}"))

    response = keeper.post(f"/decisions/{d.id}/edit", dict(data, executor_person_id=w.member.id,
                                                            version=str(d.version)))
    assert "inte flera" in g.field_error(page(response), "executor_person_id")
    assert 'value="Extern konsult AB"' in page(response)


@pytest.mark.parametrize("bad", ["999999", "abc"])
def test_an_executor_that_does_not_exist_is_refused(w, login_as, bad):
    keeper = login_as(Role.SECRETARIAT)
    response = keeper.post("/decisions/new", decision_form(w, number_mode="none", executor_group_id=bad),
                           form_url="/decisions/new")
    assert response.status_code == 200 and g.field_error(page(response), "executor_group_id")
    assert g.count(Decision) == 0


def test_dispatch_recipients_are_chosen_with_the_persons_email_or_typed_for_outsiders(w, login_as):
    ops.update(w.member, None, {"email": "mona@example.org"})
    db.session.commit()
    keeper = login_as(Role.SECRETARIAT)
    d = g.decision(w.principal)
    url = f"/decisions/{d.id}/dispatch"
    assert keeper.post(url, {"recipient_person_id": w.member.id, "email": ""},
                       form_url=f"/decisions/{d.id}").status_code == 302
    assert keeper.post(url, {"recipient_organisation_id": w.region.id, "email": "diarium@example.org"},
                       form_url=f"/decisions/{d.id}").status_code == 302
    assert keeper.post(url, {"recipient": "Extern part", "email": "extern@example.org"},
                       form_url=f"/decisions/{d.id}").status_code == 302
    rows = db.session.scalars(sa.select(DecisionDispatch).order_by(DecisionDispatch.id)).all()
    assert [(x.recipient, x.email, x.recipient_person_id, x.recipient_organisation_id) for x in rows] == [
        ("Mona Medlem", "mona@example.org", w.member.id, None),
        ("Region Uppsala", "diarium@example.org", None, w.region.id),
        ("Extern part", "extern@example.org", None, None)]
    shown = page(keeper.get(f"/decisions/{d.id}"))
    assert f'<a href="/people/{w.member.id}">Mona Medlem</a>' in shown

    response = keeper.post(url, {"recipient_group_id": w.recipient.id, "recipient": "Också text"},
                           form_url=f"/decisions/{d.id}", follow_redirects=True)
    assert any("inte båda" in m for m in g.flashes(page(response), "error"))
    assert g.count(DecisionDispatch) == 3


def test_the_migration_turns_exactly_matching_executor_names_into_references(app):
    """Executors typed before the change: a text that is exactly one group's, person's or organisation's
    name becomes that reference; a name two records share, or none has, stays text; the downgrade writes
    the names back."""
    from tests.test_migrations import _empty_database

    _empty_database()
    upgrade(revision="e5359547ac45")
    stamp = "'2026-01-01 10:00:00'"
    common = "created_at, updated_at, version) VALUES"
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO organisations (id, name, kind, note, name_sort, search_text, {common} "
                             f"(1, 'Region Uppsala', 'region', '', '', '', {stamp}, {stamp}, 1), "
                             f"(2, 'Dubbelnamn', 'other', '', '', '', {stamp}, {stamp}, 1)"))
        conn.execute(sa.text(f"INSERT INTO groups (id, name, type, level, mandate, proposed, source, name_sort, "
                             f"search_text, {common} (1, 'RAG Hjärtsvikt', 'RAG', 'healthcare_regional', '', :no, '', "
                             f"'', '', {stamp}, {stamp}, 1), (2, 'Dubbelnamn', 'RAG', 'healthcare_regional', '', :no, "
                             f"'', '', '', {stamp}, {stamp}, 1)"), {"no": False})
        conn.execute(sa.text(f"INSERT INTO people (id, title, email, is_demo, note, name, name_sort, search_text, "
                             f"{common} (1, '', '', :no, '', 'Mona Medlem', '', '', {stamp}, {stamp}, 1)"),
                     {"no": False})
        for i, executor in enumerate(["RAG Hjärtsvikt", " Mona Medlem ", "Region Uppsala", "Dubbelnamn",
                                      "rag hjärtsvikt", "Extern konsult"], start=1):
            conn.execute(sa.text(
                f"INSERT INTO decisions (id, title, text, group_id, by_delegation, kind, state, executor, "
                f"execution_status, execution_note, source, search_text, {common} (:id, 'B', '', 1, :no, "
                f"'decision', 'taken', :executor, 'not_started', '', '', '', {stamp}, {stamp}, 1)"),
                {"id": i, "executor": executor, "no": False})
        conn.execute(sa.text("INSERT INTO decision_dispatches (decision_id, recipient, email, status, error) "
                             "VALUES (1, 'Mona Medlem', '', 'to_send', ''), (1, 'Okänd', '', 'to_send', '')"))
    upgrade(revision="7a8ed20a96df")
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, executor, executor_group_id, executor_person_id, "
                                    "executor_organisation_id FROM decisions ORDER BY id")).all()
        dispatches = conn.execute(sa.text("SELECT recipient, recipient_person_id FROM decision_dispatches "
                                          "ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        (1, "", 1, None, None), (2, "", None, 1, None), (3, "", None, None, 1),
        (4, "Dubbelnamn", None, None, None), (5, "rag hjärtsvikt", None, None, None),
        (6, "Extern konsult", None, None, None)]
    assert [tuple(r) for r in dispatches] == [("Mona Medlem", 1), ("Okänd", None)]
    downgrade(revision="e5359547ac45")
    with db.engine.connect() as conn:
        executors = conn.execute(sa.text("SELECT executor FROM decisions ORDER BY id")).scalars().all()
    assert executors == ["RAG Hjärtsvikt", "Mona Medlem", "Region Uppsala", "Dubbelnamn", "rag hjärtsvikt",
                         "Extern konsult"]
    _empty_database()  # the next test's fixture builds the models' schema again


# --- The picker -----------------------------------------------------------------------------------

def test_the_picker_finds_groups_with_type_and_region(w, login_as):
    reader = login_as(Role.READER)
    old = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Region Västmanland"))
    g.archive(old)
    found = reader.get("/picker/group?q=HJÄRT").get_json()
    assert found["kind"] == "group" and found["q"] == "HJÄRT"
    by_label = {r["label"]: r for r in found["results"]}
    assert by_label["RAG Hjärtsvikt"] == {"id": w.recipient.id, "label": "RAG Hjärtsvikt",
                                          "detail": "RAG · Sjukvårdsregion Mellansverige"}
    assert by_label["RPO Hjärta Mellan"]["detail"] == "RPO · Sjukvårdsregion Mellansverige"
    assert "RAG Diabetes" not in by_label
    g.archive(w.recipient)
    assert "RAG Hjärtsvikt" not in {r["label"] for r in reader.get("/picker/group?q=hjärt").get_json()["results"]}
    organisations = reader.get("/picker/organisation?q=region").get_json()["results"]
    # The archived region is left out.
    assert [(r["label"], r["detail"]) for r in organisations] == [("Region Uppsala", "Region"),
                                                                   ("Sjukvårdsregion Mellansverige", "Sjukvårdsregion")]


def test_the_picker_shows_a_persons_organisation(w, login_as):
    ops.update(w.member, None, {"title": "Utvecklingsledare"})
    db.session.commit()
    found = login_as(Role.READER).get("/picker/person?q=mona").get_json()["results"]
    assert found == [{"id": w.member.id, "label": "Mona Medlem", "detail": "Region Uppsala · Utvecklingsledare"}]


def test_the_picker_refuses_what_it_does_not_know_and_the_signed_out(w, login_as, client):
    reader = login_as(Role.READER)
    assert reader.get("/picker/user?q=x").status_code == 404
    assert reader.get("/picker/group?q=" + "x" * 201).status_code == 400
    response = client.get("/picker/person?q=mona")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_without_javascript_the_search_narrows_the_choices_and_keeps_what_was_typed(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    form = page(keeper.get("/decisions/new"))
    # The field is a picker: the script's hook, its endpoint, and a plain search that sends the form by GET.
    assert re.search(r'<div class="picker" data-picker="group"[^>]*data-picker-url="/picker/group"', form)
    assert re.search(r'<button[^>]*formmethod="get"[^>]*name="picker"[^>]*value="executor_group_id"', form)
    # Groups are many: the select holds what is chosen (nothing yet); the search brings the alternatives.
    assert select_options(form, "executor_group_id") == {"": "– ingen –"}
    # Each search and its button say which field they narrow (several pickers share a page).
    assert ('<label for="executor_group_id-q">Sök i listan<span class="visually-hidden"> Ansvarig grupp</span>'
            '</label>') in form

    response = keeper.get("/decisions/new", query_string={
        "picker": "executor_group_id", "executor_group_id-q": "rag", "title": "Halvskrivet beslut",
        "text": "Texten som skrevs", "group_id": str(w.principal.id), "decided_on": "2026-13-45"})
    text = page(response)
    assert response.status_code == 200
    assert select_options(text, "executor_group_id") == {"": "– ingen –", str(w.recipient.id): "RAG Hjärtsvikt",
                                                          str(w.unrelated.id): "RAG Diabetes"}
    assert 'value="Halvskrivet beslut"' in text and "Texten som skrevs" in text and 'value="2026-13-45"' in text
    assert 'name="executor_group_id-q" type="search" value="rag"' in text or 'value="rag"' in text
    assert "2 alternativ matchar ”rag”." in text
    assert re.search(rf'<option selected value="{w.principal.id}">', text)  # the other choices kept too
    assert g.count(Decision) == 0  # a search saves nothing


def test_without_javascript_a_search_with_no_match_says_so_and_keeps_the_choice(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    d = g.decision(w.principal, executor_person_id=w.member.id)
    text = page(keeper.get(f"/decisions/{d.id}/edit", query_string={
        "picker": "executor_person_id", "executor_person_id-q": "zzz", "executor_person_id": str(w.member.id),
        "version": str(d.version)}))
    assert "Inget av alternativen matchar ”zzz”." in text
    assert select_options(text, "executor_person_id") == {"": "– ingen –", str(w.member.id): "Mona Medlem"}


def test_the_dispatch_forms_search_comes_back_to_the_decisions_page(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    d = g.decision(w.principal)
    text = page(keeper.get(f"/decisions/{d.id}"))
    assert re.search(rf'formaction="/decisions/{d.id}#recipient_person_id"', text)
    text = page(keeper.get(f"/decisions/{d.id}", query_string={
        "picker": "recipient_person_id", "recipient_person_id-q": "medlem", "email": "skrivet@example.org"}))
    assert select_options(text, "recipient_person_id") == {"": "– ingen –", str(w.member.id): "Mona Medlem"}
    assert 'value="skrivet@example.org"' in text
    # Nobody who may not add recipients gets the choices.
    assert "recipient_person_id" not in page(login_as(Role.READER).get(f"/decisions/{d.id}"))


def test_the_picker_script_is_served_and_pages_keep_no_inline_script(w, login_as):
    from tests.conftest import inline_problems

    keeper = login_as(Role.SECRETARIAT)
    with keeper.get("/static/picker.js") as script:
        assert script.status_code == 200 and b'setAttribute("role", "combobox")' in script.data
        assert b"aria-activedescendant" in script.data and b'"listbox"' in script.data
    text = page(keeper.get("/decisions/new"))
    assert '<script src="/static/picker.js" defer></script>' in text
    assert inline_problems(text) == []


# --- The picker on every long choice of groups, people and organisations ---------------------------

def picker_kind(text: str, field_id: str) -> str | None:
    """The kind of picker a field is drawn as, or None when it is a plain select."""
    match = re.search(rf'<div class="picker" data-picker="(\w+)"[^>]*><select[^>]*id="{field_id}"', text)
    return match.group(1) if match else None


def test_long_choices_outside_meetings_are_pickers(w, login_as):
    admin = login_as(Role.ADMIN)
    a = g.assignment(w.principal, w.recipient)
    d = g.decision(w.principal)
    from app.priorities.models import PriorityList

    plist = ops.create(PriorityList(), None, group_id=w.principal.id, title="Prioriteringar")
    db.session.commit()
    pages = {
        "/decisions/new": {"group_id": "group", "issuing_organisation_id": "organisation",
                           "executor_group_id": "group", "executor_person_id": "person",
                           "executor_organisation_id": "organisation"},
        f"/decisions/{d.id}": {"recipient_person_id": "person", "recipient_group_id": "group",
                               "recipient_organisation_id": "organisation"},
        "/assignments/new": {"principal_group_id": "group", "recipient_group_id": "group",
                             "programme_area_ids": "group"},
        f"/assignments/{a.id}": {"person_ids": "person"},
        "/assignments/rounds/new": {"principal_group_id": "group"},
        "/people/new": {"organisation_id": "organisation"},
        f"/people/memberships/new/{w.recipient.id}": {"person_id": "person", "representing_id": "organisation"},
        "/groups/new": {"region_id": "organisation"},
        f"/groups/{w.principal.id}": {"target_id": "group"},
        "/groups/hosting/new": {"npo_id": "group", "host_id": "organisation"},
        "/priorities/new": {"group_id": "group"},
        f"/priorities/{plist.id}": {"input_from_group_id": "group"},
        "/competence/activities/new": {"responsible_group_id": "group", "responsible_person_id": "person"},
        "/competence/regions/stances": {"organisation_id": "organisation"},
        "/users/new": {"person_id": "person"},
    }
    for url, fields in pages.items():
        text = page(admin.get(url))
        assert {name: picker_kind(text, name) for name in fields} == fields, url


def test_the_reporters_search_without_javascript_keeps_those_chosen(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    a = g.assignment(w.principal, w.recipient)
    other = f.person("Olle Annan", organisation_id=w.region.id)
    text = page(keeper.get(f"/assignments/{a.id}", query_string=[
        ("picker", "person_ids"), ("person_ids-q", "olle"), ("person_ids", str(w.member.id))]))
    # The match, and the one already chosen (still chosen), nobody else.
    assert select_options(text, "person_ids") == {str(w.member.id): "Mona Medlem", str(other.id): "Olle Annan"}
    assert re.search(rf'<option selected value="{w.member.id}">', text)
    assert "1 alternativ matchar ”olle”." in text
    # Saving the choice works as before.
    keeper.post(f"/assignments/{a.id}/reporters", {"person_ids": [str(w.member.id), str(other.id)]},
                form_url=f"/assignments/{a.id}")
    db.session.expire_all()
    assert {p.id for p in db.session.get(type(a), a.id).reporters} == {w.member.id, other.id}


def test_a_membership_form_search_narrows_people_and_keeps_the_role(w, login_as):
    keeper = login_as(Role.SECRETARIAT)
    f.person("Olle Annan", organisation_id=w.region.id)
    url = f"/people/memberships/new/{w.unrelated.id}"
    text = page(keeper.get(url, query_string={"picker": "person_id", "person_id-q": "olle", "role": "secretary",
                                              "note": "Skrivet innan sökningen"}))
    assert list(select_options(text, "person_id").values()) == ["– välj –", "Olle Annan"]
    assert re.search(r'<option selected value="secretary">', text) and "Skrivet innan sökningen" in text
