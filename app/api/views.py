"""Read-only JSON API. Same permission check as the pages; session or personal bearer token."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify, request, url_for
from sqlalchemy.orm import selectinload

from app.api import serializers
from app.api.openapi import EMBEDDED, build_openapi
from app.assignments.models import Assignment, StatusReport, TrafficLight
from app.assignments.queries import apply_filters, group_attribute_filters, kept_total, list_loading
from app.auth.security_log import client_address
from app.auth.security_log import logger as security_logger
from app.auth.sessions import rate_limit_key
from app.competence.kpis import queries as kpi_queries
from app.competence.kpis.derived import RULES
from app.competence.kpis.models import Kpi
from app.competence.kpis.status import follow_up
from app.competence.plan import queries as plan_queries
from app.competence.plan.models import STATUS_FROM_ASSIGNMENT, Activity, ActivityStatus, WorkPackage
from app.competence.plan.queries import effective_status_in, late_on
from app.core.args import Args
from app.core.crud import require
from app.core.models import search_text
from app.core.pagination import MAX_PAGE, paginate_stmt
from app.decisions import queries as decision_queries
from app.decisions.models import Decision
from app.extensions import db, limiter
from app.groups.models import Group, GroupType, Level
from app.meetings.models import Meeting
from app.organisations.models import Organisation

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Per token (or signed-in user): one busy integration cannot starve the others. API_RATE_LIMIT is
# read per request so that it can be changed without a restart of the limiter's storage.
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key,
              on_breach=lambda limit: security_logger.warning(
                  "api_rate_limited key=%s address=%s limit=%s", rate_limit_key()[:24], client_address(),
                  limit.limit))(bp)
# Refused tokens (401) per address: made-up tokens would otherwise each get a fresh allowance.
limiter.limit(lambda: current_app.config["API_REFUSED_RATE_LIMIT"], key_func=client_address,
              scope="api-refused", deduct_when=lambda response: response.status_code == 401,
              on_breach=lambda limit: security_logger.warning(
                  "api_refused_rate_limited address=%s limit=%s", client_address(), limit.limit))(bp)
MAX_PER_PAGE = 200


def _page(stmt, serialize, total: int | None = None):
    """A page of `stmt`'s rows in its order; `total` when the caller knows the exact number of rows."""
    args = Args()
    page = args.number("page", 1, 1, MAX_PAGE)
    per_page = args.number("per_page", 50, 1, MAX_PER_PAGE)
    result = paginate_stmt(stmt, page, per_page, total)
    # Beyond COUNT_CAP matches the total is a lower bound and pages unknown: follow has_next.
    return jsonify({"items": serialize(result.items), "page": result.page, "per_page": result.per_page,
                    "total": result.total, "total_exact": result.total_exact, "pages": result.pages,
                    "has_next": result.has_next})


def _record(model, record_id: int, options=()):
    """The record the URL names, archived or not, if the user may read it (else 404 or 403)."""
    record = db.session.scalar(sa.select(model).where(model.id == record_id).options(*options))
    if record is None:
        abort(404)
    require("view", record)
    return record


def _one(model, record_id: int, options, serialize):
    return jsonify(serialize(_record(model, record_id, options)))


def _own_list(model, record_id: int, stmt, serialize):
    """A page of a record's own growing list (`stmt`, newest first), if the record exists and may be read."""
    _record(model, record_id)
    return _page(stmt, lambda items: [serialize(row) for row in items])


def _newest(stmt, endpoint: str, record_id: int) -> tuple[list, str | None]:
    """The first EMBEDDED rows of `stmt` (a record's own list, newest first) and, when it holds more, the URL
    of the page of its sub-resource `endpoint` that continues after them."""
    rows = db.session.scalars(stmt.limit(EMBEDDED + 1)).all()
    more = url_for(endpoint, record_id=record_id, page=2, per_page=EMBEDDED) if len(rows) > EMBEDDED else None
    return rows[:EMBEDDED], more


@bp.before_request
def check_reader():
    if request.endpoint != "api.openapi":  # the description itself is public
        require("view")


@bp.route("/openapi.json")
def openapi():
    return jsonify(build_openapi(current_app))


def _archived(stmt, model):
    return stmt if Args().flag("archived") else stmt.where(model.active())


@bp.route("/groups")
def groups():
    args = Args()
    stmt = _archived(sa.select(Group).options(selectinload(Group.healthcare_region), selectinload(Group.region)),
                     Group)
    if args.text("q"):
        stmt = stmt.where(Group.search_text.contains(search_text(args.text("q")), autoescape=True))
    if args.choice("type", GroupType):
        stmt = stmt.where(Group.type == args.choice("type", GroupType))
    if args.choice("level", Level):
        stmt = stmt.where(Group.level == args.choice("level", Level))
    hr = args.id("healthcare_region")
    if hr:
        regions = sa.select(Organisation.id).where(Organisation.healthcare_region_id == hr)
        stmt = stmt.where(sa.or_(Group.healthcare_region_id == hr, Group.region_id.in_(regions)))
    return _page(stmt.order_by(Group.name_sort, Group.id), lambda items: [serializers.group(g) for g in items])


@bp.route("/groups/<int:record_id>")
def group(record_id: int):
    return _one(Group, record_id, (selectinload(Group.healthcare_region), selectinload(Group.region)),
                serializers.group)


def _assignment_options():
    return list_loading()


@bp.route("/assignments")
def assignments():
    stmt, filters = apply_filters(sa.select(Assignment).options(*_assignment_options()), request.args)
    return _page(stmt.order_by(Assignment.id), lambda items: [serializers.assignment(a) for a in items],
                 total=kept_total(filters))


@bp.route("/assignments/<int:record_id>")
def assignment(record_id: int):
    return _one(Assignment, record_id, _assignment_options(),
                serializers.assignment)


@bp.route("/decisions")
def decisions():
    stmt, _filters = decision_queries.apply_filters(sa.select(Decision).options(
        selectinload(Decision.group), selectinload(Decision.issuing_organisation), selectinload(Decision.links)))
    return _page(stmt.order_by(Decision.id), lambda items: [serializers.decision(d) for d in items])


@bp.route("/decisions/<int:record_id>")
def decision(record_id: int):
    return _one(Decision, record_id, (selectinload(Decision.group), selectinload(Decision.links)),
                serializers.decision)


@bp.route("/meetings")
def meetings():
    args = Args()
    stmt = _archived(sa.select(Meeting).options(selectinload(Meeting.group)), Meeting)
    if args.id("group"):
        stmt = stmt.where(Meeting.group_id == args.id("group"))
    stmt = group_attribute_filters(stmt, Meeting.group_id, request.args)
    if args.date("from"):
        stmt = stmt.where(Meeting.starts_on >= args.date("from"))
    if args.date("to"):
        stmt = stmt.where(Meeting.starts_on <= args.date("to"))
    return _page(stmt.order_by(Meeting.starts_on, Meeting.id), lambda items: [serializers.meeting(m) for m in items])


@bp.route("/meetings/<int:record_id>")
def meeting(record_id: int):
    return _one(Meeting, record_id, (selectinload(Meeting.group),), serializers.meeting)


@bp.route("/status-reports")
def status_reports():
    args = Args()
    stmt = _archived(sa.select(StatusReport), StatusReport)
    if args.id("assignment"):
        stmt = stmt.where(StatusReport.assignment_id == args.id("assignment"))
    if any(args.raw(k) for k in ("healthcare_region", "level", "group_type")):
        recipients = group_attribute_filters(sa.select(Assignment.id), Assignment.recipient_group_id, request.args)
        stmt = stmt.where(StatusReport.assignment_id.in_(recipients))
    if args.choice("traffic_light", TrafficLight):
        stmt = stmt.where(StatusReport.traffic_light == args.choice("traffic_light", TrafficLight))
    if args.date("from"):
        stmt = stmt.where(StatusReport.reported_on >= args.date("from"))
    if args.date("to"):
        stmt = stmt.where(StatusReport.reported_on <= args.date("to"))
    return _page(stmt.order_by(StatusReport.reported_on, StatusReport.id),
                 lambda items: [serializers.status_report(r) for r in items])


@bp.route("/status-reports/<int:record_id>")
def status_report(record_id: int):
    return _one(StatusReport, record_id, (), serializers.status_report)


# --- The competence centre's follow-up: work packages, activities, KPIs

def _work_package_filter(stmt, column):
    """`work_package` = a work package's code ("A"), `work_package_id` = its id."""
    args = Args()
    if args.text("work_package", 20):
        stmt = stmt.where(column.in_(sa.select(WorkPackage.id).where(WorkPackage.code == args.text("work_package"))))
    if args.id("work_package_id"):
        stmt = stmt.where(column == args.id("work_package_id"))
    return stmt


def _serialize_work_packages(items):
    """Work packages with their active activities counted per effective status (two queries)."""
    ids = [wp.id for wp in items]
    counts = {wp_id: {s.value: 0 for s in ActivityStatus} for wp_id in ids}
    late = dict.fromkeys(ids, 0)
    if ids:
        rows = db.session.execute(
            sa.select(Activity.work_package_id, Activity.status, Assignment.status, sa.func.count())
            .outerjoin(Assignment, Assignment.id == Activity.assignment_id)
            .where(Activity.work_package_id.in_(ids), Activity.active())
            .group_by(Activity.work_package_id, Activity.status, Assignment.status))
        for wp_id, own, assignment_status, n in rows:
            effective = STATUS_FROM_ASSIGNMENT[assignment_status] if assignment_status is not None else own
            counts[wp_id][effective.value] += n
        late.update(db.session.execute(
            sa.select(Activity.work_package_id, sa.func.count())
            .where(Activity.work_package_id.in_(ids), Activity.active(), late_on(date.today()))
            .group_by(Activity.work_package_id)).all())
    return [serializers.work_package(wp, counts[wp.id], late[wp.id]) for wp in items]


@bp.route("/work-packages")
def work_packages():
    stmt = _archived(sa.select(WorkPackage).options(selectinload(WorkPackage.recommendations)), WorkPackage)
    return _page(stmt.order_by(WorkPackage.code, WorkPackage.id), _serialize_work_packages)


@bp.route("/work-packages/<int:record_id>")
def work_package(record_id: int):
    return _one(WorkPackage, record_id, (selectinload(WorkPackage.recommendations),),
                lambda wp: _serialize_work_packages([wp])[0])


def _activity_options():
    return (selectinload(Activity.work_package), selectinload(Activity.responsible_group),
            selectinload(Activity.responsible_person), selectinload(Activity.assignment))


def _serialize_activities(items, today: date):
    latest = plan_queries.latest_updates([a.id for a in items])
    return [serializers.activity(a, today, latest.get(a.id)) for a in items]


@bp.route("/activities")
def activities():
    args = Args()
    stmt = _work_package_filter(_archived(sa.select(Activity).options(*_activity_options()), Activity),
                                Activity.work_package_id)
    if args.choice("status", ActivityStatus):
        stmt = stmt.where(effective_status_in({args.choice("status", ActivityStatus)}))
    today = date.today()
    if args.flag("late"):
        stmt = stmt.where(late_on(today))
    # As on the pages: "A.2" before "A.10".
    return _page(stmt.order_by(*plan_queries.ORDER), lambda items: _serialize_activities(items, today))


@bp.route("/activities/<int:record_id>")
def activity(record_id: int):
    def serialize(a):
        updates, more = _newest(plan_queries.updates_newest_first(a.id), "api.activity_updates", a.id)
        return serializers.activity_detail(a, date.today(), updates, more)
    return _one(Activity, record_id, _activity_options(), serialize)


@bp.route("/activities/<int:record_id>/updates")
def activity_updates(record_id: int):
    return _own_list(Activity, record_id, plan_queries.updates_newest_first(record_id), serializers.activity_update)


def _kpi_options():
    # As status.load_kpis, which follow_up expects.
    return (selectinload(Kpi.work_package), selectinload(Kpi.targets))


def _rule(kpi: Kpi) -> str | None:
    return str(RULES[kpi.derivation]) if kpi.is_derived else None


def _serialize_kpis(items):
    return [serializers.kpi(result, _rule(result.kpi)) for result in follow_up(list(items), date.today(), series=False)]


@bp.route("/kpis")
def kpis():
    stmt = _work_package_filter(_archived(sa.select(Kpi).options(*_kpi_options()), Kpi), Kpi.work_package_id)
    derived = Args().raw("derived")
    if derived:
        stmt = stmt.where(Kpi.derivation.is_not(None) if Args().flag("derived") else Kpi.derivation.is_(None))
    return _page(stmt.order_by(Kpi.code, Kpi.id), _serialize_kpis)


@bp.route("/kpis/<int:record_id>")
def kpi(record_id: int):
    def serialize(k):
        result = follow_up([k], date.today())[0]
        measurements, more = _newest(kpi_queries.measurements_newest_first(k.id), "api.kpi_measurements", k.id)
        return serializers.kpi_detail(result, _rule(k), measurements, more)
    return _one(Kpi, record_id, _kpi_options(), serialize)


@bp.route("/kpis/<int:record_id>/measurements")
def kpi_measurements(record_id: int):
    return _own_list(Kpi, record_id, kpi_queries.measurements_newest_first(record_id), serializers.kpi_measurement)
