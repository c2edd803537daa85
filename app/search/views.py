"""One search box for assignments, decisions, meetings and the competence centre's activities, KPIs and
use cases: a tab per kind, each with its count, the best matches first (full-text search, app.core.fulltext)."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.orm import selectinload

from app.assignments.models import Assignment
from app.competence.kpis.models import Kpi
from app.competence.plan import queries as plan_queries
from app.competence.plan.models import Activity
from app.competence.usecases.models import UseCase
from app.core.forms import GroupFilterForm
from app.core.fulltext import text_search
from app.core.pagination import paginate
from app.core.routing import int_arg
from app.decisions.models import Decision
from app.extensions import db
from app.meetings.models import Meeting
from app.picker.queries import offer

bp = Blueprint("search", __name__, url_prefix="/search", template_folder="templates")

RANKED_UP_TO = 1_000
KINDS = {
    "assignments": (Assignment, _lp("plural", "Uppdrag"), (selectinload(Assignment.principal_group),
                                                 selectinload(Assignment.recipient_group))),
    "decisions": (Decision, _lp("plural", "Beslut"), (selectinload(Decision.group),)),
    "meetings": (Meeting, _l("Möten"), (selectinload(Meeting.group),)),
    "activities": (Activity, _l("Aktiviteter"), (selectinload(Activity.work_package),)),
    "kpis": (Kpi, _l("Indikatorer"), (selectinload(Kpi.work_package),)),
    "use_cases": (UseCase, _lp("plural", "Användningsfall"), ()),
}
ORDER = {"assignments": (Assignment.id.desc(),), "decisions": (Decision.decided_on.desc(), Decision.id.desc()),
         "meetings": (Meeting.starts_on.desc(), Meeting.id.desc()), "activities": plan_queries.ORDER,
         "kpis": (Kpi.code,), "use_cases": (UseCase.code,)}
# Kinds whose order is the id's, newest first: past RANKED_UP_TO hits they are read in the full-text
# index's own order (TextSearch.key), not sorted.
BY_KEY = {"assignments"}
# The group filter: which group a record belongs to (KPIs and use cases belong to none, so a
# group filter leaves them out).
GROUP_COLUMNS = {Decision: (Decision.group_id,), Meeting: (Meeting.group_id,),
                 Assignment: (Assignment.principal_group_id, Assignment.recipient_group_id),
                 Activity: (Activity.responsible_group_id,)}


def _criteria(model, group_id: int | None):
    criteria = [model.active()]
    if group_id:
        columns = GROUP_COLUMNS.get(model, ())
        criteria.append(sa.or_(*(c == group_id for c in columns)) if columns else sa.false())
    return criteria


def _count(model, search, group_id: int | None):
    """A tab's count, up to one past RANKED_UP_TO: counting every hit of a common word would weigh as
    much as ranking them."""
    hits = search.matching(sa.select(model.id).where(*_criteria(model, group_id))).limit(RANKED_UP_TO + 1)
    return sa.select(sa.func.count()).select_from(hits.subquery()).scalar_subquery()


@bp.route("/")
def index():
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind", "assignments")
    kind = kind if kind in KINDS else "assignments"
    group_id = int_arg("group")
    counts, page = {}, None
    if q:
        searches = {name: text_search(model, q) for name, (model, _label, _options) in KINDS.items()}
        model, _label, options = KINDS[kind]
        if searches[kind] is None:  # nothing searchable in it (only punctuation, say): no hits anywhere
            counts = dict.fromkeys(KINDS, 0)
            page = paginate(sa.select(model).where(sa.false()), total=0)
        else:
            # Every tab's count in one query: a count per kind as a column of one row.
            counts = db.session.execute(sa.select(*(_count(KINDS[name][0], search, group_id).label(name)
                                                    for name, search in searches.items()))).one()._asdict()
            stmt = sa.select(model).where(*_criteria(model, group_id))
            # Ranking weighs every hit; past RANKED_UP_TO hits (a common word alone) the newest come first,
            # counted as "1 000+", and the page says so: another word narrows it down to a ranked list.
            search = searches[kind]
            if counts[kind] <= RANKED_UP_TO:
                page = paginate(search.ranked(stmt).options(*options).order_by(*ORDER[kind]), total=counts[kind])
            else:
                order = (search.key.desc(),) if kind in BY_KEY else ORDER[kind]
                page = paginate(search.matching(stmt).options(*options).order_by(*order), cap=RANKED_UP_TO)
    filter_form = GroupFilterForm(formdata=None, data={"group": group_id})
    offer(filter_form.group)
    return render_template("search/index.html", q=q, kind=kind, kinds=KINDS, counts=counts, page=page,
                           group_id=group_id, filter_form=filter_form, cap=RANKED_UP_TO,
                           unranked=page is not None and not page.total_exact)
