"""The KPIs' pages through real HTTP requests: measurements entered and refused, derived KPIs and their
records, actual against target, targets revised, and new KPIs."""

import re
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from app.auth.models import Role
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasurement, KpiTarget
from app.core import operations as ops
from app.extensions import db
from app.meetings.models import Attendance, AttendanceStatus, Meeting
from tests import factories as f
from tests.competence.conftest import BASELINE


def test_the_competence_centre_records_a_measurement_and_who_entered_it(world, centre_staff):
    response = centre_staff.post(f"/competence/kpis/{world.count.id}/measurements",
                                 {"measured_on": "2025-12-01", "value": "30", "comment": "Räknat", "source": "Lista"},
                                 form_url=f"/competence/kpis/{world.count.id}")
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(KpiMeasurement))
    assert stored.value == D(30) and stored.created_by_id == centre_staff.user.id
    html = centre_staff.get(f"/competence/kpis/{world.count.id}").get_data(as_text=True)
    assert "Uppnått" in html and centre_staff.user.display_name in html


@pytest.mark.parametrize("kpi_attr,data,message", [
    ("count", {"measured_on": "2025-01-01", "value": "30"}, "Mätdatum kan inte ligga före baslinjen"),
    ("share", {"measured_on": "2025-12-01", "value": "120"}, "En andel kan inte vara mer än 100 %"),
    ("count", {"measured_on": "2025-12-01", "value": "", "milestone_reached": "yes"},
     "Måttet följs upp med ett tal, inte med en milstolpe"),
    ("pilot", {"measured_on": "2025-12-01", "value": "3"}, "Måttet följs upp med milstolpar"),
    ("count", {"measured_on": "2025-12-01", "value": "tjugo"}, "Ange ett tal"),
    ("count", {"measured_on": "31/12", "value": "30"}, "datum"),
])
def test_bad_measurements_are_refused_with_the_input_kept(world, centre_staff, kpi_attr, data, message):
    kpi = getattr(world, kpi_attr)
    response = centre_staff.post(f"/competence/kpis/{kpi.id}/measurements", data | {"comment": "Min kommentar"},
                                 form_url=f"/competence/kpis/{kpi.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message.lower() in html.lower()
    assert "Min kommentar" in html  # what the user typed is kept
    assert db.session.scalar(sa.select(sa.func.count(KpiMeasurement.id))) == 0


def test_a_derived_kpi_takes_no_typed_measurement_and_links_to_its_records(world, centre_staff):
    meeting = world.region_meeting(date(2025, 9, 1))
    response = centre_staff.post(f"/competence/kpis/{world.meetings.id}/measurements",
                                 {"measured_on": "2025-12-01", "value": "3"}, form_url="/competence/")
    assert response.status_code == 422
    assert "räknas fram ur registret" in response.get_data(as_text=True)
    html = centre_staff.get(f"/competence/kpis/{world.meetings.id}").get_data(as_text=True)
    assert "minst en närvarande deltagare" in html  # the rule is shown
    records = centre_staff.get(f"/competence/kpis/{world.meetings.id}/records?on=2025-12-31").get_data(as_text=True)
    assert f"/meetings/{meeting.id}" in records and "<strong>1</strong>" in records
    before = centre_staff.get(f"/competence/kpis/{world.meetings.id}/records?on=2025-08-01").get_data(as_text=True)
    assert f"/meetings/{meeting.id}" not in before and "<strong>0</strong>" in before


def test_kpi_page_shows_actual_against_target_at_each_checkpoint(world, centre_staff):
    ops.create(KpiMeasurement(), None, kpi_id=world.count.id, measured_on=date(2025, 12, 1), value=D(20))
    db.session.commit()
    html = centre_staff.get(f"/competence/kpis/{world.count.id}").get_data(as_text=True)
    six = html[html.index("6 månader"):]
    six = six[:six.index("</tr>")]
    assert "&gt; 25" in six and "20" in six and "Inte uppnått" in six
    assert "<svg" in html and 'role="img"' in html  # the chart, with a text alternative
    assert html.count('class="point"') == 1


def test_a_target_is_revised_with_its_history_and_bad_targets_are_refused(world, centre_staff, login_as):
    ops.create(KpiMeasurement(), None, kpi_id=world.count.id, measured_on=date(2025, 12, 1), value=D(20))
    db.session.commit()
    url = f"/competence/kpis/{world.count.id}/targets/6"
    version = re.search(r'name="version"[^>]*value="(\d+)"', centre_staff.get(url).get_data(as_text=True)).group(1)
    for data, message in [({"kind": "milestone", "text": "Klart"}, "välj en typ av mål som passar"),
                          ({"kind": "number", "comparison": "", "value": "5", "text": "5"}, "Välj en jämförelse"),
                          ({"kind": "range", "low": "4", "high": "2", "text": "4–2"}, "Intervallets slut"),
                          ({"kind": "number", "comparison": ">", "value": "", "text": "mål"}, "Ange målvärdet")]:
        response = centre_staff.post(url, data | {"version": version})
        assert response.status_code == 200 and message in response.get_data(as_text=True), data
    response = centre_staff.post(url, {"version": version, "kind": "number", "comparison": ">", "value": "15",
                                       "text": "> 15"})
    assert response.status_code == 302
    html = centre_staff.get(f"/competence/kpis/{world.count.id}").get_data(as_text=True)
    six = html[html.index("6 månader"):]
    assert "&gt; 15" in six[:six.index("</tr>")] and "Uppnått" in six[:six.index("</tr>")]
    history = centre_staff.get(url).get_data(as_text=True)
    assert "&gt; 25" in history and "&gt; 15" in history  # the earlier target is in the change log
    # A checkpoint without a target can be given one; percentages stay within 0–100.
    share_url = f"/competence/kpis/{world.share.id}/targets/12"
    assert "En andel ligger mellan 0 och 100" in centre_staff.post(share_url, {
        "kind": "percentage", "comparison": ">", "value": "120", "text": "x"}).get_data(as_text=True)
    assert centre_staff.post(share_url, {"kind": "percentage", "comparison": ">", "value": "80",
                                         "text": "> 80 %"}).status_code == 302
    assert db.session.scalar(sa.select(KpiTarget).where(KpiTarget.kpi_id == world.share.id,
                                                        KpiTarget.months == 12)).value == D(80)
    assert login_as(Role.SECRETARIAT).get(url).status_code == 403
    assert centre_staff.get(f"/competence/kpis/{world.count.id}/targets/18").status_code == 404


def test_review_fixes_a_milestone_kpi_says_which_milestone_its_latest_value_is(world, centre_staff):
    target = world.pilot.targets[0]
    ops.create(KpiMeasurement(), None, kpi_id=world.pilot.id, measured_on=date(2025, 11, 1), target_id=target.id,
               milestone_reached=True)
    db.session.commit()
    html = centre_staff.get("/competence/kpis").get_data(as_text=True)
    row = html[html.index("KPI-3"):]
    assert "Pilot igång: Nådd" in row[:row.index("</tr>")]


def test_review_fixes_the_centres_own_staff_do_not_count_as_region_representatives(world):
    from app.competence.kpis.derived import values_on

    staff = f.person("Medarbetare Regionsson", organisation_id=world.region.id)
    f.membership(world.centre, staff, start=date(2025, 1, 1))
    guest = f.person("Gäst Regionsdotter", organisation_id=world.region.id)
    internal = ops.create(Meeting(), None, group_id=world.centre.id, title="Internt", starts_on=date(2025, 9, 1))
    visit = ops.create(Meeting(), None, group_id=world.centre.id, title="Besök", starts_on=date(2025, 9, 2))
    db.session.add(Attendance(meeting_id=internal.id, person_id=staff.id, status=AttendanceStatus.PRESENT))
    db.session.add(Attendance(meeting_id=visit.id, person_id=guest.id, status=AttendanceStatus.PRESENT))
    db.session.commit()
    on = date(2025, 12, 31)
    assert values_on(KpiDerivation.MEETINGS_REGIONS, BASELINE, [on])[on] == 1  # the visit, not the internal one
    # Staff who explicitly represent their region at a meeting do count.
    db.session.execute(sa.update(Attendance).where(Attendance.meeting_id == internal.id)
                       .values(representing_id=world.region.id))
    db.session.commit()
    assert values_on(KpiDerivation.MEETINGS_REGIONS, BASELINE, [on])[on] == 2


def test_a_new_kpi_is_created_given_targets_and_archived(world, centre_staff, login_as):
    assert login_as(Role.SECRETARIAT).get("/competence/kpis/new").status_code == 403
    data = {"code": "KPI-D6", "work_package_id": world.package.id, "indicator": "Andel regioner med datakatalog",
            "measure": "number", "derivation": "regions_positive", "baseline_date": "2025-06-30"}
    html = centre_staff.post("/competence/kpis/new", data).get_data(as_text=True)
    assert "räknas som Andel (%)" in html and 'value="Andel regioner med datakatalog"' in html
    html = centre_staff.post("/competence/kpis/new", data | {"code": "KPI-1", "measure": "percentage"}) \
        .get_data(as_text=True)
    assert "Det finns redan en indikator med det id:t" in html
    response = centre_staff.post("/competence/kpis/new", data | {"measure": "percentage"})
    assert response.status_code == 302
    kpi = db.session.scalar(sa.select(Kpi).where(Kpi.code == "KPI-D6"))
    assert kpi.derivation == KpiDerivation.REGIONS_POSITIVE and kpi.created_by_id == centre_staff.user.id
    assert centre_staff.post(f"/competence/kpis/{kpi.id}/targets/12", {
        "kind": "percentage", "comparison": ">=", "value": "50", "text": "Hälften"}).status_code == 302
    page = f"/competence/kpis/{kpi.id}"
    assert centre_staff.post(f"{page}/archive", {"do": "archive"}, form_url=page).status_code == 302
    assert f"/competence/kpis/{kpi.id}\"" not in centre_staff.get("/competence/kpis").get_data(as_text=True)
    archived = centre_staff.get(page).get_data(as_text=True)
    assert "Arkiverad" in archived and "Hälften" in archived  # still readable, with its target


def test_a_kpis_measurements_are_listed_newest_first_a_page_at_a_time(world, centre_staff):
    from datetime import timedelta

    from app.competence.kpis.queries import MEASUREMENTS_PER_PAGE

    for i in range(MEASUREMENTS_PER_PAGE + 5):
        ops.create(KpiMeasurement(), None, kpi_id=world.count.id, measured_on=date(2025, 7, 1) + timedelta(days=i),
                   value=D(i), comment=f"Mätning {i}")
    db.session.commit()
    url = f"/competence/kpis/{world.count.id}"
    html = centre_staff.get(url).get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"<td>Mätning (\d+)</td>", html)]
    assert shown == list(range(MEASUREMENTS_PER_PAGE + 4, 4, -1))
    # The chart: the latest of the month (also today's value and the one the checkpoints rest on), not each.
    assert html.count('class="point"') == 1
    older = re.search(r'href="([^"]*measurements=[^"#]*)#measurements" rel="next"', html).group(1)
    html = centre_staff.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert [int(n) for n in re.findall(r"<td>Mätning (\d+)</td>", html)] == [4, 3, 2, 1, 0]
    assert '#measurements" rel="prev"' in html and '#measurements" rel="next"' not in html
