"""The follow-up report for one checkpoint (6, 12 or 24 months): the same content as a printable
page and as an XLSX workbook a steering group can take to its meeting."""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from flask_babel import gettext as _

from app.competence.kpis.models import KpiMeasure
from app.competence.kpis.targets import TargetStatus, checkpoint
from app.competence.plan.models import ActivityStatus
from app.competence.plan.queries import package_progress

REPORT_MONTHS = (6, 12, 24)


@dataclass
class ReportData:
    months: int
    due: date | None
    today: date
    packages: list
    progress: dict
    activities: list
    late: list
    kpi_rows: list  # (result, checkpoint result)
    counts: dict


def report_data(months: int, today: date, packages, activities, results) -> ReportData:
    baseline = min((r.kpi.baseline_date for r in results), default=None)
    rows = [(r, r.at(months)) for r in results]
    counts = {s: sum(1 for _r, c in rows if c.status == s) for s in TargetStatus}
    return ReportData(months=months, due=checkpoint(baseline, months) if baseline else None, today=today,
                      packages=packages, progress=package_progress(packages, activities, today),
                      activities=activities, late=[a for a in activities if a.is_late(today)], kpi_rows=rows,
                      counts=counts)


def _actual_text(kpi, result) -> str:
    measurement = result.actual
    if measurement is None:
        return ""
    if measurement.milestone_reached is not None:
        return _("Ja") if measurement.milestone_reached else _("Nej")
    value = measurement.value
    text = format(value.normalize(), "f").replace(".", ",") if value is not None else ""
    return f"{text} %" if kpi.measure == KpiMeasure.PERCENTAGE and text else text


def report_xlsx(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold = Font(bold=True)

    def sheet(ws, title_row, header, rows):
        ws.append([title_row])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([])
        ws.append(header)
        for cell in ws[3]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        for index, _h in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(index)].width = 22 if index > 1 else 14
        ws.freeze_panes = "A4"

    kpis = book.active
    kpis.title = _("Indikatorer")
    due = data.due.isoformat() if data.due else ""
    sheet(kpis, _("Uppföljning %(months)s månader (%(due)s), utskrivet %(today)s", months=data.months, due=due,
                  today=data.today.isoformat()),
          [_("Id"), _("Arbetspaket"), _("Indikator"), _("Mål"), _("Utfall"), _("Mätdatum"), _("Status"),
           _("Räknas fram")],
          [[r.kpi.code, r.kpi.work_package.code, r.kpi.indicator, c.target.text if c.target else "–",
            _actual_text(r.kpi, c), c.actual.measured_on if c.actual else None,
            str(c.status.label) if c.status else _("Inget mål"),
            _("Ja") if r.kpi.is_derived else _("Nej")] for r, c in data.kpi_rows])

    packages = book.create_sheet(_("Arbetspaket"))
    statuses = list(ActivityStatus)
    sheet(packages, _("Arbetspaketens framdrift"),
          [_("Arbetspaket"), _("Rubrik"), _("Ägare"), _("Aktiviteter"), *[str(s.label) for s in statuses],
           _("Andel klara (%)"), _("Försenade")],
          [[p.code, p.title, str(p.owner.label), data.progress[p.id]["total"],
            *[data.progress[p.id]["by_status"][s] for s in statuses], data.progress[p.id]["done_pct"],
            len(data.progress[p.id]["late"])] for p in data.packages])

    activities = book.create_sheet(_("Aktiviteter"))
    sheet(activities, _("Aktiviteter"),
          [_("Id"), _("Område"), _("Start"), _("Slut"), _("Status"), _("Försenad"), _("Ansvarig")],
          [[a.code, a.area, a.start.label if a.start else "", _("löpande") if a.open_ended else
            (a.end.label if a.end else ""), str(a.effective_status.label),
            _("Ja") if a in data.late else _("Nej"), a.responsible_display] for a in data.activities])
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    # Text typed by users is text: "=HYPERLINK(…)" must not become a formula.
                    cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
