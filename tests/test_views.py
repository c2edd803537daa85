"""What users see: lists with search, filters and paging, Swedish order, hosting matrix,
organisation charts, the missing-assessment list, and English on request."""

import re
from datetime import date

import pytest

from app.auth.models import Role
from app.core import operations as ops
from app.core.sorting import swedish_key
from app.extensions import db
from app.groups.models import GroupType, HostingStatus, Level, RelationKind
from app.people.models import ConflictDeclaration, ConflictOutcome, MemberRole
from tests import factories as f


@pytest.fixture
def reader(login_as):
    return login_as(Role.READER)


def test_swedish_alphabetical_order():
    words = ["Örebro", "Ängelholm", "Åre", "Zeta", "alfa", "Östersund", "Beta", "Ödeshög"]
    assert sorted(words, key=swedish_key) == ["alfa", "Beta", "Zeta", "Åre", "Ängelholm", "Ödeshög",
                                              "Örebro", "Östersund"]
    assert swedish_key("Émile") == swedish_key("emile")


def test_group_list_sorts_swedish_and_searches_case_insensitively(app, reader):
    for name in ("NPO Öron", "NPO Äldre", "NPO Ålder", "NPO Zon", "NPO akut"):
        f.group(name, GroupType.NPO)
    page = reader.get("/groups/").get_data(as_text=True)
    positions = [page.index(n) for n in ("NPO akut", "NPO Zon", "NPO Ålder", "NPO Äldre", "NPO Öron")]
    assert positions == sorted(positions)
    found = reader.get("/groups/?q=ÄLDRE").get_data(as_text=True)
    assert "NPO Äldre" in found and "NPO Öron" not in found


def test_group_filters(app, reader):
    hr = f.healthcare_region()
    region = f.region(hr)
    f.group("NSG Nationell")
    f.group("RSG Regional", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    f.group("SOR Lokal", GroupType.SOR, Level.REGIONAL, region_id=region.id)
    f.group("RAG Avvecklad", GroupType.RAG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id,
            formed_on=date(2020, 1, 1), wound_up_on=date(2022, 1, 1))
    f.group("RSG Förslag", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id, proposed=True)

    def names(query):
        page = reader.get("/groups/?" + query).get_data(as_text=True)
        return {n for n in ("NSG Nationell", "RSG Regional", "SOR Lokal", "RAG Avvecklad", "RSG Förslag")
                if n in page}

    assert names("") == {"NSG Nationell", "RSG Regional", "SOR Lokal"}  # active by default
    assert names("type=RSG") == {"RSG Regional"}
    assert names("level=national") == {"NSG Nationell"}
    assert names(f"healthcare_region={hr.id}") == {"RSG Regional", "SOR Lokal"}
    assert names("status=wound_up") == {"RAG Avvecklad"}
    assert names("status=proposed") == {"RSG Förslag"}
    assert names("status=all&type=RSG") == {"RSG Regional", "RSG Förslag"}


def test_lists_are_paginated(app, reader):
    for i in range(30):
        f.group(f"NAG Nummer {i:02d}", GroupType.NAG)
    first = reader.get("/groups/").get_data(as_text=True)
    assert "NAG Nummer 00" in first and "NAG Nummer 25" not in first
    assert "Sida 1 av 2" in first and "30 träffar" in first
    second = reader.get("/groups/?page=2").get_data(as_text=True)
    assert "NAG Nummer 25" in second and "NAG Nummer 00" not in second
    assert reader.get("/groups/?page=99").status_code == 200


def test_group_page_shows_mandate_members_relations(app, reader):
    rsg = f.group("RSG Styr", GroupType.RSG, Level.NATIONAL, mandate="Styr arbetsgrupperna.")
    rag = f.group("RAG Arbetar", GroupType.RAG)
    ref = f.group("Referensgruppen", GroupType.REFERENCE_GROUP)
    f.relation(rsg, rag, RelationKind.STEERING_GROUP_OF)
    f.relation(ref, rsg, RelationKind.COMMITTEE_TO)
    f.membership(rsg, f.person("Nuvarande Ordförande"), MemberRole.CHAIR)
    f.membership(rsg, f.person("Tidigare Ledamot"), MemberRole.MEMBER, start=date(2020, 1, 1),
                 end=date(2021, 12, 31))
    page = reader.get(f"/groups/{rsg.id}").get_data(as_text=True)
    assert "Styr arbetsgrupperna." in page
    current, former = page.split("Tidigare medlemmar")
    assert "Nuvarande Ordförande" in current and "Tidigare Ledamot" in former
    assert "är styrgrupp för" in page and "RAG Arbetar" in page
    assert "har utskott" in page and "Referensgruppen" in page
    # The other end reads the relation backwards.
    assert "har styrgrupp" in reader.get(f"/groups/{rag.id}").get_data(as_text=True)


def test_hosting_matrix_today_and_as_of_date(app, reader):
    hr_a = f.healthcare_region("Sjukvårdsregion Alfa", "Alfa")
    hr_b = f.healthcare_region("Sjukvårdsregion Beta", "Beta")
    npo = f.group("NPO Hjärta", GroupType.NPO)
    f.hosting(npo, hr_a, valid_from=date(2019, 1, 1), valid_to=date(2022, 12, 31))
    f.hosting(npo, hr_b, valid_from=date(2023, 1, 1), status=HostingStatus.DORMANT)

    def row(on=None):
        page = reader.get("/groups/hosting" + (f"?on={on}" if on else "")).get_data(as_text=True)
        cells = page.split("NPO Hjärta</a></th>")[1].split("</tr>")[0]
        return [c.split("</td>")[0] for c in cells.split("<td>")[1:3]]

    today = row()
    assert "Värd" not in today[0] and "Vilande" in today[1]
    past = row("2020-06-01")
    assert "Värd" in past[0] and "Vilande" not in past[1]
    page = reader.get("/groups/hosting?on=inte-ett-datum")
    assert page.status_code == 200
    assert "Ange ett giltigt datum" in page.get_data(as_text=True)


def test_org_chart_draws_the_hierarchy(app, reader):
    hr = f.healthcare_region()
    rsg = f.group("RSG Topp", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    rag = f.group("RAG Under", GroupType.RAG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    ref = f.group("Referensgrupp Sidan", GroupType.REFERENCE_GROUP, Level.HEALTHCARE_REGIONAL,
                  healthcare_region_id=hr.id)
    f.group("RSG Ensam", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    f.group("NSG Annan nivå")
    f.relation(rsg, rag, RelationKind.STEERING_GROUP_OF)
    f.relation(ref, rsg, RelationKind.COMMITTEE_TO)
    page = reader.get(f"/groups/chart?healthcare_region={hr.id}").get_data(as_text=True)
    chart, rest = page.split("Grupper utan registrerad styrrelation")
    top = chart.index("RSG Topp")
    assert top < chart.index("RAG Under") and top < chart.index("Referensgrupp Sidan")
    assert "styrs av gruppen ovan" in chart and "utskott till gruppen ovan" in chart
    assert "RSG Ensam" in rest
    assert "NSG Annan nivå" not in page
    assert "NSG Annan nivå" in reader.get("/groups/chart").get_data(as_text=True)
    assert reader.get("/groups/chart?healthcare_region=9999").status_code == 404


def test_missing_conflict_assessments(app, reader):
    npo = f.group("NPO Jäv", GroupType.NPO)
    assessed = f.membership(npo, f.person("Bedömd Person"))
    pending = f.membership(npo, f.person("Väntande Person"))
    f.membership(npo, f.person("Ingen Deklaration"))
    f.membership(npo, f.person("Slutat Person"), start=date(2020, 1, 1), end=date(2021, 1, 1))
    ops.create(ConflictDeclaration(), None, membership_id=assessed.id, declared_on=date(2024, 1, 1),
               assessed_by="Värden", assessed_on=date(2024, 1, 5), outcome=ConflictOutcome.NO_CONFLICT)
    ops.create(ConflictDeclaration(), None, membership_id=pending.id, declared_on=date(2024, 1, 1))
    db.session.commit()
    page = reader.get("/people/conflicts/missing").get_data(as_text=True)
    assert "Bedömd Person" not in page and "Slutat Person" not in page
    assert "Väntande Person" in page and "Deklarerad, ej bedömd" in page
    assert "Ingen Deklaration" in page
    assert "Väntande Person" not in reader.get("/people/conflicts/missing?type=NSG").get_data(as_text=True)


def test_english_is_available(app, reader):
    response = reader.post("/language/en", {"next": "/groups/"}, form_url="/groups/")
    assert response.status_code == 302 and response.headers["Location"] == "/groups/"
    page = reader.get("/groups/").get_data(as_text=True)
    assert '<html lang="en-GB">' in page
    assert "Groups" in page and "Sign out" in page
    reader.post("/language/sv", {"next": "https://evil.example/"}, form_url="/groups/")
    assert '<html lang="sv">' in reader.get("/groups/").get_data(as_text=True)


def test_forbidden_page_is_friendly(app, reader):
    response = reader.get("/groups/new")
    assert response.status_code == 403
    assert "Du har inte behörighet" in response.get_data(as_text=True)


def test_unknown_record_is_404(app, reader):
    for url in ("/groups/9999", "/people/9999", "/organisations/9999", "/people/memberships/9999"):
        assert reader.get(url).status_code == 404


def test_start_page_figures_agree_with_the_data_and_link_to_lists(app, login_as):
    hr = f.healthcare_region()
    f.group("NSG Ett")
    f.group("NSG Två")
    f.group("NSG Avvecklad", wound_up_on=date(2020, 1, 1))
    f.group("RSG Ett", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    f.membership(f.group("NPO Tre", GroupType.NPO), f.person("Utan Bedömning"))
    b = login_as(Role.SECRETARIAT)
    page = b.get("/").get_data(as_text=True)

    def figure(href: str) -> int:
        import re

        return int(re.search(rf'<a href="{re.escape(href)}"><span class="figure">(\d+)</span>', page).group(1))

    assert figure("/groups/?level=national") == 3  # NSG Ett, NSG Två, NPO Tre
    assert figure("/groups/?level=healthcare_regional") == 1
    assert figure("/people/") == 1
    assert figure("/people/conflicts/missing") == 1
    # The figure's list shows the same number.
    assert "3 träffar" in b.get("/groups/?level=national").get_data(as_text=True)


def test_start_page_lists_recent_changes_with_links(app, login_as):
    b = login_as(Role.SECRETARIAT)
    group = f.group("NSG Ändrad")
    ops.update(group, b.user, {"mandate": "Nytt"})
    db.session.commit()
    page = b.get("/").get_data(as_text=True)
    assert f'<a href="/groups/{group.id}">NSG Ändrad</a>' in page
    assert "Ändrad: Mandat" in page


def test_start_page_links_changes_to_records_shown_on_their_parents_page(app, login_as):
    """Kinds the start page once left out: each change shows, linked to the page where the record is seen."""
    from markupsafe import escape

    from app.assignments import operations as assignment_ops
    from app.competence.plan.models import Recommendation
    from app.competence.usecases.models import ProblemArea
    from app.decisions import operations as decision_ops
    from app.decisions.models import LinkEffect
    from app.meetings import operations as meeting_ops
    from app.priorities import operations as priority_ops
    from tests import gov_factories as g

    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    d = g.decision(w.principal)
    m = g.meeting(w.principal)
    item = g.agenda_item(m)
    phase = g.phase(a)
    pl = priority_ops.create_list(dict(group_id=w.principal.id, title="Prioriteringar 2026"), None)
    priority = priority_ops.add_item(pl, dict(title="Hjärtsvikt först"), None)
    area = ops.create(ProblemArea(), None, code="P1", title="Problem")
    recommendation = ops.create(Recommendation(), None, code="R1", text="Rekommendation")
    db.session.commit()
    b = login_as(Role.SECRETARIAT)

    def shown(record, url: str, what: str) -> None:
        db.session.commit()
        page = b.get("/").get_data(as_text=True)
        assert re.search(rf'<a href="{re.escape(url)}">{re.escape(escape(str(record)))}</a></td>\s*<td>{what}</td>',
                         page), (type(record).__name__, url)
        assert b.get(url.split("#")[0]).status_code == 200, url

    meeting_ops.update_agenda_item(item, {"title": "Nytt ärende"}, None)
    shown(item, f"/meetings/{m.id}#item-{item.id}", "Ändrad: Ärende")
    assignment_ops.update_phase(phase, {"title": "Fas två"}, None)
    shown(phase, f"/assignments/{a.id}#phases", "Ändrad: Titel")
    shown(decision_ops.link_assignment(d, a.id, LinkEffect.GIVES, None), f"/decisions/{d.id}#links", "Skapad")
    priority_ops.update_item(priority, {"title": "Hjärtsvikt sist"}, None)
    shown(priority, f"/priorities/{pl.id}", "Ändrad: Prioritering")
    ops.update(area, None, {"title": "Nytt problem"})
    shown(area, "/competence/use-cases", "Ändrad: Problemformulering")
    ops.update(recommendation, None, {"text": "Ny rekommendation"})
    shown(recommendation, "/competence/work-packages", "Ändrad: Rekommendation")
    round_ = assignment_ops.create_round(dict(title="Våromgången", due_on=g.NEXT_MONTH), [a], None)
    shown(round_, f"/assignments/rounds/{round_.id}", "Skapad")


def test_org_chart_draws_groups_that_steer_each_other(app, reader):
    a, b = f.group("NSG Cirkel A"), f.group("NSG Cirkel B")
    f.relation(a, b, RelationKind.STEERING_GROUP_OF)
    f.relation(b, a, RelationKind.STEERING_GROUP_OF)
    chart = reader.get("/groups/chart").get_data(as_text=True).split("Grupper utan registrerad styrrelation")[0]
    assert "NSG Cirkel A" in chart and "NSG Cirkel B" in chart


def test_wrong_method_gets_our_page(app, reader):
    group = f.group()
    response = reader.get(f"/groups/{group.id}/archive")
    assert response.status_code == 405
    assert "Sidan kan inte öppnas på det här sättet" in response.get_data(as_text=True)


def test_the_main_menu_keeps_the_register_pages_in_one_disclosure(app, reader):
    html = reader.get("/people/").get_data(as_text=True)
    menu = html[html.index('class="main-nav"'):html.index("</nav>")]
    register = menu[menu.index("<details"):menu.index("</details>")]
    for url in ("/groups/", "/groups/chart", "/groups/hosting", "/people/", "/organisations/"):
        assert f'href="{url}' in register, url
    assert 'class="current"' in register and 'href="/people/" aria-current="page"' in register
    assert "/competence/" in menu[:menu.index("<details")]
    other = reader.get("/decisions/").get_data(as_text=True)
    assert '<details class="current">' not in other


def test_people_sort_by_surname(app, reader):
    f.person("Anna Öberg")
    f.person("Örjan Andersson")
    f.person("Bo Berg")
    html = reader.get("/people/").get_data(as_text=True)
    assert html.index("Örjan Andersson") < html.index("Bo Berg") < html.index("Anna Öberg")
