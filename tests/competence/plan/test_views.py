"""The plan's pages through real HTTP requests: activities refused or saved with the input kept, two
editors, progress updates, a linked assignment's status, the timeline and the code order."""

import re

import sqlalchemy as sa

from app.assignments.models import AssignmentStatus
from app.auth.models import Role
from app.competence.plan.models import Activity, ActivityUpdate
from app.competence.quarters import Quarter
from app.core import operations as ops
from app.extensions import db
from tests import factories as f
from tests.competence.conftest import TODAY


def test_an_activity_ending_before_it_starts_is_refused_and_the_form_keeps_the_input(world, centre_staff):
    url = f"/competence/activities/{world.unplanned.id}/edit"
    form = centre_staff.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    data = {"version": version, "code": "A.3", "work_package_id": world.package.id, "area": "Nytt område",
            "text": "Text", "start_quarter": "2026-Q2", "end_quarter": "K1 2026", "status": "ongoing"}
    response = centre_staff.post(url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Aktiviteten kan inte sluta (K1 2026) innan den börjar (K2 2026)" in html
    assert 'value="Nytt område"' in html and 'value="K1 2026"' in html
    db.session.expire_all()
    assert db.session.get(Activity, world.unplanned.id).start_quarter is None
    response = centre_staff.post(url, data | {"end_quarter": "K3 2026"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Activity, world.unplanned.id)
    assert (saved.start_quarter, saved.end_quarter, saved.area) == ("2026-Q2", "2026-Q3", "Nytt område")


def test_two_people_editing_an_activity_do_not_overwrite_each_other(world, centre_staff, login_as):
    other = login_as(Role.COMPETENCE_CENTRE, username="kollega")
    url = f"/competence/activities/{world.unplanned.id}/edit"
    base = {"code": "A.3", "work_package_id": world.package.id, "text": "Text", "status": "not_started"}
    version = re.search(r'name="version"[^>]*value="(\d+)"', centre_staff.get(url).get_data(as_text=True)).group(1)
    assert other.post(url, base | {"version": version, "area": "Kollegans ändring"}).status_code == 302
    response = centre_staff.post(url, base | {"version": version, "area": "Min ändring"})
    assert response.status_code == 200 and "Någon annan har ändrat posten" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Activity, world.unplanned.id).area == "Kollegans ändring"


def test_progress_updates_and_status_from_a_linked_assignment(world, centre_staff):
    response = centre_staff.post(f"/competence/activities/{world.late.id}/updates",
                                 {"reported_on": TODAY.isoformat(), "traffic_light": "at_risk",
                                  "progress": "Väntar på pilotregionen."},
                                 form_url=f"/competence/activities/{world.late.id}")
    assert response.status_code == 302
    update = db.session.scalar(sa.select(ActivityUpdate))
    assert update.progress == "Väntar på pilotregionen." and update.created_by_id == centre_staff.user.id
    assignment = f.assignment(f.group("NSG Hälsodata test"), world.centre, "Pilotuppdrag",
                              status=AssignmentStatus.DELIVERED)
    ops.update(world.late, None, {"assignment_id": assignment.id})
    db.session.commit()
    html = centre_staff.get(f"/competence/activities/{world.late.id}").get_data(as_text=True)
    assert "Klar" in html and "från uppdraget" in html and "Pilotuppdrag" in html
    assert "Risk för avvikelse" in html
    late = centre_staff.get("/competence/activities?late=1").get_data(as_text=True)
    assert "A.1" not in late  # done through the assignment, so no longer late


def test_the_timeline_marks_today_late_activities_and_has_a_table(world, centre_staff):
    html = centre_staff.get("/competence/timeline").get_data(as_text=True)
    today_quarter = Quarter.of(TODAY)
    assert f"{today_quarter.label}<br><strong>Idag</strong>" in html
    assert Quarter(2026, 3).label in html  # the plan's horizon, July 2026, is always shown
    row = html[html.index(f"/competence/activities/{world.late.id}"):]
    row = row[:row.index("</tr>")]
    assert "Försenad" in row and "bar-late" in row
    done_row = html[html.index(f"/competence/activities/{world.done.id}"):]
    assert "Försenad" not in done_row[:done_row.index("</tr>")]
    assert 'id="plan-table"' in html and "ej planerad" in html


def test_review_fixes_progress_update_errors_keep_the_text(world, centre_staff):
    url = f"/competence/activities/{world.late.id}"
    response = centre_staff.post(f"{url}/updates", {"reported_on": "2030-01-01", "traffic_light": "on_track",
                                                    "progress": "Mitt långa utkast"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "En lägesrapport kan inte dateras i framtiden" in html and "Mitt långa utkast" in html
    assert db.session.scalar(sa.select(sa.func.count(ActivityUpdate.id))) == 0


def test_a_new_activity_from_its_work_package(world, centre_staff):
    page = centre_staff.get(f"/competence/work-packages/{world.package.id}").get_data(as_text=True)
    assert f"/competence/activities/new?work_package={world.package.id}" in page
    form = centre_staff.get(f"/competence/activities/new?work_package={world.package.id}").get_data(as_text=True)
    assert f'<option selected value="{world.package.id}">' in form
    assert re.search(r'<input[^>]*name="code"[^>]*value="A.4"', form)  # the next free code is suggested
    data = {"code": "A.6", "work_package_id": world.package.id, "area": "Utvärdering", "text": "Utvärdera piloten",
            "start_quarter": "K1 2027", "open_ended": "y", "status": "not_started",
            "responsible_group_id": world.centre.id}
    assert centre_staff.post("/competence/activities/new", data).status_code == 302
    made = db.session.scalar(sa.select(Activity).where(Activity.code == "A.6"))
    assert (made.start_quarter, made.open_ended, made.responsible_group_id) == ("2027-Q1", True, world.centre.id)
    again = centre_staff.post("/competence/activities/new", data | {"area": "Dubblett"}).get_data(as_text=True)
    assert "Det finns redan en aktivitet med det id:t" in again and 'value="Dubblett"' in again


def test_activity_codes_sort_as_numbers(world, centre_staff):
    world.activity("A.10")
    db.session.commit()
    html = centre_staff.get("/competence/activities").get_data(as_text=True)
    assert html.index(">A.3</a>") < html.index(">A.10</a>")


def test_an_activitys_progress_updates_are_listed_newest_first_a_page_at_a_time(world, centre_staff):
    from datetime import date, timedelta

    from app.assignments.models import TrafficLight
    from app.competence.plan.queries import UPDATES_PER_PAGE

    for i in range(UPDATES_PER_PAGE + 3):
        update = ops.create(ActivityUpdate(), None, activity_id=world.late.id, reported_on=date(2025, 7, 1) +
                            timedelta(days=i), traffic_light=TrafficLight.ON_TRACK, progress=f"Steg {i}")
        if i == 1:
            ops.archive(update, None)  # archived: not listed
    db.session.commit()
    html = centre_staff.get(f"/competence/activities/{world.late.id}").get_data(as_text=True)
    assert [int(n) for n in re.findall(r"Steg (\d+)</div>", html)] == list(range(UPDATES_PER_PAGE + 2, 2, -1))
    older = re.search(r'href="([^"]*updates=[^"#]*)#updates" rel="next"', html).group(1)
    html = centre_staff.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert [int(n) for n in re.findall(r"Steg (\d+)</div>", html)] == [2, 0]
