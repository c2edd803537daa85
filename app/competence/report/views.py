"""The follow-up report for a checkpoint: a page, a PDF or an XLSX workbook."""

from datetime import date

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from app.competence.blueprint import bp
from app.competence.kpis.models import Kpi
from app.competence.kpis.status import follow_up, load_kpis
from app.competence.plan import queries as plan_queries
from app.competence.report.content import REPORT_MONTHS, report_data, report_xlsx
from app.core.crud import require
from app.core.pdf import pdf_response, render_pdf, safe_filename
from app.core.routing import int_arg


@bp.route("/report")
def report():
    require("view", Kpi)
    months = int_arg("months") or 6
    if months not in REPORT_MONTHS:
        abort(404)
    today = date.today()
    # Who is responsible is in the workbook only.
    activities = plan_queries.activities(with_responsible=request.args.get("format") == "xlsx")
    data = report_data(months, today, plan_queries.packages(), activities,
                       follow_up(load_kpis(), today, series=False))
    if request.args.get("format") == "xlsx":
        body = report_xlsx(data)
        filename = f"uppfoljning-{months}-manader-{today.isoformat()}.xlsx"
        return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    if request.args.get("format") == "pdf":
        body = render_pdf("competence/report_pdf.html", data=data, months=months, today=today,
                          running_title=_("Kompetenscentrum"), running_number=None)
        return pdf_response(body, safe_filename(f"uppfoljning-{months}-manader", today))
    return render_template("competence/report.html", data=data, months=months, months_choices=REPORT_MONTHS,
                           today=today)
