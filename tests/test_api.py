"""The read-only JSON API: authentication, permissions, filters, paging, and its OpenAPI document."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from app.assignments.models import AssignmentStatus, TrafficLight
from app.assignments.operations import file_report
from app.auth import operations as auth_ops
from app.auth.models import ApiToken, Role
from app.core import operations as ops
from app.extensions import db
from app.groups.models import GroupType, Level
from tests import factories as f
from tests.conftest import make_user

ENDPOINTS = ["/api/v1/groups", "/api/v1/assignments", "/api/v1/decisions", "/api/v1/meetings",
             "/api/v1/status-reports"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token(app):
    user = make_user("powerbi", Role.READER)
    _record, value = auth_ops.issue_token(user, None, "Power BI")
    db.session.commit()
    return value


@pytest.mark.parametrize("url", ENDPOINTS)
def test_needs_authentication(client, app, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json["error"] == "authentication required"
    assert client.get(url, headers=bearer("not-a-token")).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
def test_token_and_session_both_work(client, login_as, token, url):
    assert client.get(url, headers=bearer(token)).status_code == 200
    assert login_as(Role.COMPETENCE_CENTRE).get(url).status_code == 200


def test_revoked_token_and_deactivated_user_are_refused(client, runner, token):
    assert runner.invoke(args=["users", "deactivate", "powerbi"]).exit_code == 0
    assert client.get("/api/v1/groups", headers=bearer(token)).status_code == 401
    runner.invoke(args=["users", "activate", "powerbi"])
    assert client.get("/api/v1/groups", headers=bearer(token)).status_code == 200
    result = runner.invoke(args=["users", "revoke-tokens", "powerbi"])
    assert "Revoked 1" in result.output
    assert client.get("/api/v1/groups", headers=bearer(token)).status_code == 401


def test_cli_token_works_and_only_its_hash_is_stored(client, runner, app):
    make_user("qlik", Role.READER)
    token = runner.invoke(args=["users", "token", "qlik", "--name", "Qlik"]).output.strip()
    assert len(token) > 30
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.token_hash == token)) == 0
    assert client.get("/api/v1/groups", headers=bearer(token)).status_code == 200


def test_api_is_read_only(client, token):
    assert client.post("/api/v1/groups", headers=bearer(token), json={"name": "x"}).status_code == 405


def test_assignments_carry_latest_light_and_follow_dashboard_filters(client, token, app):
    hr = f.healthcare_region()
    nsg, nag = f.group("NSG Styr"), f.group("NAG Gör", GroupType.NAG)
    rsg = f.group("RSG Region", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    from tests.factories import assignment

    late = assignment(nsg, nag, "Sent uppdrag", due_on=date.today() - timedelta(days=3))
    ok = assignment(nsg, rsg, "Bra uppdrag", due_on=date.today() + timedelta(days=30))
    for report_on, light in ((date.today() - timedelta(days=20), TrafficLight.ON_TRACK),
                             (date.today() - timedelta(days=2), TrafficLight.OFF_TRACK)):
        file_report(late, dict(reported_on=report_on, traffic_light=light), None)
    db.session.commit()

    data = client.get("/api/v1/assignments", headers=bearer(token)).json
    assert data["total"] == 2 and data["page"] == 1
    by_title = {item["title"]: item for item in data["items"]}
    assert by_title["Sent uppdrag"]["latest_traffic_light"] == "off_track"
    assert by_title["Bra uppdrag"]["latest_traffic_light"] is None
    assert by_title["Sent uppdrag"]["principal_group"] == {"id": nsg.id, "name": "NSG Styr"}

    def titles(query):
        return {i["title"] for i in client.get("/api/v1/assignments?" + query, headers=bearer(token)).json["items"]}

    assert titles("overdue=1") == {"Sent uppdrag"}
    assert titles(f"healthcare_region={hr.id}") == {"Bra uppdrag"}
    assert titles("light=off_track") == {"Sent uppdrag"}
    assert titles("light=none") == {"Bra uppdrag"}
    assert titles("level=national") == {"Sent uppdrag"}
    one = client.get(f"/api/v1/assignments/{ok.id}", headers=bearer(token)).json
    assert one["status"] == AssignmentStatus.IN_PROGRESS.value and one["due_on"] == ok.due_on.isoformat()


def test_paging_and_bad_parameters(client, token, app):
    for i in range(7):
        f.group(f"NAG {i}", GroupType.NAG)
    page = client.get("/api/v1/groups?per_page=3&page=2", headers=bearer(token)).json
    assert (page["total"], page["pages"], page["page"], len(page["items"])) == (7, 3, 2, 3)
    assert client.get("/api/v1/groups?per_page=200", headers=bearer(token)).json["per_page"] == 200
    too_many = client.get("/api/v1/groups?per_page=100000", headers=bearer(token))
    assert too_many.status_code == 400 and too_many.json["parameter"] == "per_page"
    assert "from 1 to 200" in too_many.json["description"]
    assert client.get("/api/v1/meetings?from=31/12", headers=bearer(token)).status_code == 400
    assert client.get("/api/v1/groups/99999", headers=bearer(token)).status_code == 404


def test_openapi_document_is_valid_and_describes_every_endpoint(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    for url in ENDPOINTS:
        path = url.removeprefix("/api/v1")
        assert path in spec["paths"] and path + "/{id}" in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/assignments"]["get"]["parameters"]}
    assert {"overdue", "missing_report", "healthcare_region", "level", "group_type", "page"} <= names
    # Every route the API serves is described.
    served = {r.rule.removeprefix("/api/v1").replace("<int:record_id>", "{id}")
              for r in app.url_map.iter_rules() if r.endpoint.startswith("api.") and r.endpoint != "api.openapi"}
    assert served == set(spec["paths"])


def test_malformed_dates_are_refused_everywhere(client, token):
    for url in ("/api/v1/assignments?due_from=2024-02-30", "/api/v1/decisions?decided_to=x",
                "/api/v1/status-reports?from=2024-13-01"):
        assert client.get(url, headers=bearer(token)).status_code == 400, url


def test_decisions_meetings_and_reports_filter_by_the_groups_region_level_and_type(client, token, app):
    from app.decisions.models import Decision
    from app.meetings.models import Meeting

    hr = f.healthcare_region()
    rsg = f.group("RSG Filter", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    nsg = f.group("NSG Filter")
    for g in (rsg, nsg):
        ops.create(Decision(), None, group_id=g.id, title=f"Beslut {g.name}", decided_on=date.today())
        ops.create(Meeting(), None, group_id=g.id, title=f"Möte {g.name}", starts_on=date.today())
        a = f.assignment(nsg if g is rsg else rsg, g, f"Uppdrag till {g.name}")
        file_report(a, dict(reported_on=date.today(), traffic_light=TrafficLight.ON_TRACK, progress=g.name), None)
    db.session.commit()

    def names(url, key):
        return {i[key] for i in client.get(url, headers=bearer(token)).json["items"]}

    assert names(f"/api/v1/decisions?healthcare_region={hr.id}", "title") == {"Beslut RSG Filter"}
    assert names("/api/v1/meetings?level=national", "title") == {"Möte NSG Filter"}
    assert names("/api/v1/status-reports?group_type=RSG", "progress") == {"RSG Filter"}


@pytest.mark.parametrize("url, parameter", [
    ("/api/v1/groups?type=bogus", "type"),
    ("/api/v1/groups?level=kommunal", "level"),
    ("/api/v1/assignments?status=bogus", "status"),
    ("/api/v1/assignments?light=gul", "light"),
    ("/api/v1/assignments?group=abc", "group"),
    ("/api/v1/assignments?overdue=ja", "overdue"),
    ("/api/v1/assignments?group_type=kommitté", "group_type"),
    ("/api/v1/decisions?kind=bogus", "kind"),
    ("/api/v1/decisions?execution_status=klar", "execution_status"),
    ("/api/v1/decisions?group=-4", "group"),
    ("/api/v1/meetings?healthcare_region=0", "healthcare_region"),
    ("/api/v1/status-reports?traffic_light=blue", "traffic_light"),
    ("/api/v1/activities?status=bogus", "status"),
    ("/api/v1/activities?late=yes", "late"),
    ("/api/v1/kpis?derived=2", "derived"),
    ("/api/v1/groups?page=0", "page"),
    ("/api/v1/groups?archived=true", "archived"),
    ("/api/v1/groups?q=" + "x" * 201, "q"),
])
def test_unknown_values_are_refused_naming_the_parameter(client, token, url, parameter):
    """Never ignored: an unfiltered list returned as if it were filtered is worse than an error."""
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 400
    assert response.json["error"] == "Bad Request" and response.json["parameter"] == parameter
    assert response.json["description"].startswith(parameter + ":")


def test_the_same_filters_are_refused_on_the_pages(login_as):
    b = login_as(Role.READER)
    assert b.get("/assignments/?status=bogus").status_code == 400
    assert b.get("/followup/?level=bogus").status_code == 400
    assert b.get("/assignments/?status=open&level=national").status_code == 200
    assert b.get("/assignments/?status=&group=").status_code == 200  # empty choices of a filter form


def test_errors_under_the_api_are_json_with_a_description(client, token, shared_app, security_log_file):
    from app import create_app

    for url, status in (("/api/v1/groups/99999", 404), ("/api/v1/nothing-here", 404)):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == status and response.is_json and response.json["description"]
    assert client.post("/api/v1/groups", headers=bearer(token)).json["error"] == "Method Not Allowed"
    # A failure inside the app: a server of its own with a route that fails (as a bug would).
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SECURITY_LOG_FILE": str(security_log_file),
                      "SQLALCHEMY_DATABASE_URI": shared_app.config["SQLALCHEMY_DATABASE_URI"]})
    app.testing = False  # as in production: the error is answered, not raised into the test

    @app.route("/api/v1/fails")
    def fails():
        raise RuntimeError("a bug")

    response = app.test_client().get("/api/v1/fails", headers=bearer(token))  # in an app context of its own
    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 500 and response.is_json
    assert response.json["error"] == "Internal Server Error" and "Nothing was changed" in response.json["description"]


def test_the_error_answers_match_the_documented_schema(client, token):
    import jsonschema

    spec = client.get("/api/v1/openapi.json").json
    error_schema = spec["components"]["schemas"]["Error"]
    responses = spec["paths"]["/assignments"]["get"]["responses"]
    assert {"400", "401", "403", "429", "500"} <= set(responses)
    for url, headers in (("/api/v1/assignments?status=bogus", bearer(token)), ("/api/v1/assignments", {}),
                         ("/api/v1/assignments/99999", bearer(token))):
        jsonschema.validate(client.get(url, headers=headers).json, error_schema)
