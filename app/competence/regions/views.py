"""The regions' pages: their stance to a common health-data hub and their data maturity."""

from datetime import date

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.competence.blueprint import bp, date_arg
from app.competence.kpis import derived
from app.competence.kpis.models import Kpi, KpiDerivation
from app.competence.regions import operations
from app.competence.regions import queries as region_queries
from app.competence.regions.forms import MaturityForm, StanceForm
from app.competence.regions.models import LESS_MATURE_AT_MOST, MaturityArea, MaturityAssessment, RegionStance
from app.core.crud import load, require, save
from app.core.pagination import paginate
from app.extensions import db
from app.meetings.models import Meeting
from app.organisations.models import Organisation


@bp.route("/regions/stances", methods=["GET", "POST"])
def stances():
    require("view", RegionStance)
    today = date.today()
    form = StanceForm()  # a POST fills it, and a GET only when it is its picker's search
    form.organisation_id.set_choices(region_queries.regions())
    if request.method == "POST":
        require("create", RegionStance)
        if form.validate_on_submit() and save(form, lambda: operations.add_stance(form.record_values(), current_user),
                                              _("Inställningen har sparats."))[0]:
            return redirect(url_for(".stances"))
    on = date_arg("on", today)
    rows = derived.stances_behind(on)
    share = derived.values_on(KpiDerivation.REGIONS_POSITIVE, on, [on])[on]
    history_rows = paginate(sa.select(RegionStance).where(RegionStance.active())
                            .order_by(RegionStance.recorded_on.desc(), RegionStance.id.desc())
                            .options(selectinload(RegionStance.organisation)))
    kpi_id = db.session.scalar(sa.select(Kpi.id).where(Kpi.derivation == KpiDerivation.REGIONS_POSITIVE,
                                                       Kpi.active()).limit(1))
    return render_template("competence/stances.html", form=form, rows=rows, on=on, share=share, page=history_rows,
                           kpi_id=kpi_id, conflict=None), (422 if form.errors or form.form_errors else 200)


@bp.route("/regions/maturity", methods=["GET", "POST"])
def maturity():
    require("view", MaturityAssessment)
    today = date.today()
    form = MaturityForm()  # a POST fills it, and a GET only when it is its picker's search
    regions = region_queries.regions()
    form.organisation_id.set_choices(regions)
    if request.method == "POST":
        require("create", MaturityAssessment)
        if form.validate_on_submit() and save(form, lambda: operations.add_maturity(form.record_values(),
                                                                                     current_user),
                                              _("Bedömningen har sparats."))[0]:
            return redirect(url_for(".maturity"))
    matrix = region_queries.maturity_matrix(regions, today)
    less_mature = [r for r in regions if matrix[r.id]["mean"] is not None
                   and matrix[r.id]["mean"] <= float(LESS_MATURE_AT_MOST)]
    meetings = derived.meetings_per_organisation([r.id for r in less_mature], today)
    sources = sorted({c.source for row in matrix.values() for c in row["cells"].values() if c.source})
    return render_template("competence/maturity.html", form=form, regions=regions, matrix=matrix, sources=sources,
                           areas=list(MaturityArea), less_mature=less_mature, meetings=meetings,
                           limit=LESS_MATURE_AT_MOST, conflict=None), (422 if form.errors or form.form_errors else 200)


@bp.route("/regions/maturity/<int:record_id>/meetings")
def maturity_meetings(record_id: int):
    """The centre's meetings a region took part in: the meetings the maturity page counts for it."""
    require("view", MaturityAssessment)
    region = load(Organisation, record_id)
    today = date.today()
    page = paginate(derived.meetings_of_organisation(region.id, today).options(selectinload(Meeting.group)))
    return render_template("competence/maturity_meetings.html", region=region, page=page, today=today)
