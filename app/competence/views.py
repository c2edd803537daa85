"""The competence centre's landing page: the dashboard over the plan's progress and the KPIs' status.
The other pages are the sub-packages' (plan/, kpis/, usecases/, regions/, report/)."""

from datetime import date

from flask import render_template

from app.competence.blueprint import bp
from app.competence.kpis.status import CHECKPOINT_MONTHS, follow_up, load_kpis, next_checkpoint_months, status_counts
from app.competence.kpis.targets import TargetStatus, checkpoint
from app.competence.plan import queries as plan_queries
from app.competence.plan.models import ActivityStatus, WorkPackage
from app.competence.plan.queries import package_progress
from app.core.crud import require


@bp.route("/")
def dashboard():
    require("view", WorkPackage)
    today = date.today()
    packages = plan_queries.packages()
    activities = plan_queries.activities(with_responsible=False)
    kpis = load_kpis(with_package=False)
    results = follow_up(kpis, today, series=False)
    baseline = min((k.baseline_date for k in kpis), default=None)
    next_months = next_checkpoint_months(baseline, today) if baseline else None
    last_months = max((m for m in CHECKPOINT_MONTHS if baseline and checkpoint(baseline, m) < today), default=None)
    return render_template(
        "competence/dashboard.html", today=today, packages=packages,
        progress=package_progress(packages, activities, today),
        late=[a for a in activities if a.is_late(today)], results=results, next_months=next_months,
        next_due=checkpoint(baseline, next_months) if next_months else None, last_months=last_months,
        last_counts=status_counts(results, last_months) if last_months else None,
        statuses=list(ActivityStatus), target_statuses=list(TargetStatus),
        recent_updates=plan_queries.recent_updates())
