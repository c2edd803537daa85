"""The follow-up report through real HTTP requests: printed, and downloaded as XLSX."""

from datetime import date
from decimal import Decimal as D
from io import BytesIO

from app.competence.kpis.models import KpiMeasurement
from app.core import operations as ops
from app.extensions import db
from tests.competence.conftest import TODAY


def test_the_follow_up_report_prints_and_downloads_as_xlsx(world, centre_staff):
    from openpyxl import load_workbook

    ops.create(KpiMeasurement(), None, kpi_id=world.count.id, measured_on=date(2025, 12, 1), value=D(30))
    db.session.commit()
    html = centre_staff.get("/competence/report?months=6").get_data(as_text=True)
    assert "Avstämningsdag: 31 dec. 2025" in html
    row = html[html.index("KPI-1"):]
    assert "Uppnått" in row[:row.index("</tr>")]
    response = centre_staff.get("/competence/report?months=6&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    rows = {r[0]: r for r in book["Indikatorer"].iter_rows(min_row=4, values_only=True)}
    assert rows["KPI-1"][3] == "> 25" and rows["KPI-1"][4] == "30" and rows["KPI-1"][6] == "Uppnått"
    assert rows["KPI-2"][6] == ("Mätning saknas" if TODAY > date(2025, 12, 31) else "Inte aktuellt än")
    activities = {r[0]: r for r in book["Aktiviteter"].iter_rows(min_row=4, values_only=True)}
    assert activities["A.1"][5] == "Ja" and activities["A.2"][5] == "Nej"
    assert centre_staff.get("/competence/report?months=7").status_code == 404


def test_review_fixes_user_text_in_the_xlsx_is_never_a_formula(world, centre_staff):
    from openpyxl import load_workbook

    world.activity("A.9", area='=HYPERLINK("http://evil.example","klicka")')
    db.session.commit()
    book = load_workbook(BytesIO(centre_staff.get("/competence/report?months=6&format=xlsx").data))
    cells = [c for row in book["Aktiviteter"].iter_rows(min_row=4) for c in row if c.value and
             str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)
