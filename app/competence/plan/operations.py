"""Writes for the plan: activities, their progress updates and work packages."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.assignments.models import Assignment
from app.competence.plan.models import Activity, ActivityUpdate, Recommendation, WorkPackage
from app.competence.quarters import Quarter
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.groups.models import Group
from app.people.models import Person

# --- Activities

def _check_activity(values: dict) -> None:
    for field in ("start_quarter", "end_quarter"):
        if values.get(field) and Quarter.parse(values[field]) is None:
            raise BusinessRuleError(_l("Ange kvartalet som till exempel 2025-Q3."), field)
    start, end = Quarter.parse(values.get("start_quarter")), Quarter.parse(values.get("end_quarter"))
    if start and end and end < start:
        raise BusinessRuleError(_l("Aktiviteten kan inte sluta (%(end)s) innan den börjar (%(start)s).",
                                   end=end.label, start=start.label), "end_quarter")
    if values.get("open_ended") and end:
        raise BusinessRuleError(_l("En löpande aktivitet har inget slutkvartal. Töm fältet eller ta bort "
                                   "markeringen Löpande."), "end_quarter")
    for field, model in (("responsible_group_id", Group), ("responsible_person_id", Person),
                         ("assignment_id", Assignment)):
        if values.get(field) and db.session.get(model, values[field]) is None:
            raise BusinessRuleError(_l("Välj ett alternativ i listan."), field)
    # Store the canonical form so that text comparison keeps time order.
    for field, quarter in (("start_quarter", start), ("end_quarter", end)):
        if field in values:
            values[field] = quarter.key if quarter else None


def create_activity(values: dict, user) -> Activity:
    _check_activity(values)
    if db.session.scalar(sa.select(Activity.id).where(Activity.code == values.get("code"))):
        raise BusinessRuleError(_l("Det finns redan en aktivitet med det id:t."), "code")
    return ops.create(Activity(), user, **values)


PLAN_FIELDS = ("start_quarter", "end_quarter", "open_ended")


def update_activity(activity: Activity, values: dict, user, expected_version=None) -> dict:
    ops.check_version(activity, expected_version)
    if activity.is_archived:
        raise BusinessRuleError(_l("Aktiviteten är arkiverad. Återställ den först."))
    # The plan's rules hold for the record as it will be, not only for the fields posted.
    merged = {field: getattr(activity, field) for field in PLAN_FIELDS} | values
    _check_activity(merged)
    values = {key: merged[key] for key in values}
    if db.session.scalar(sa.select(Activity.id).where(Activity.code == values.get("code"),
                                                      Activity.id != activity.id)):
        raise BusinessRuleError(_l("Det finns redan en aktivitet med det id:t."), "code")
    return ops.update(activity, user, values)


def add_activity_update(activity: Activity, values: dict, user) -> ActivityUpdate:
    if activity.is_archived:
        raise BusinessRuleError(_l("Aktiviteten är arkiverad."))
    if values.get("reported_on") and values["reported_on"] > date.today():
        raise BusinessRuleError(_l("En lägesrapport kan inte dateras i framtiden."), "reported_on")
    return ops.create(ActivityUpdate(activity_id=activity.id), user, **values)


# --- Work packages

def update_work_package(package: WorkPackage, values: dict, user, expected_version=None) -> dict:
    values = dict(values)
    recommendation_ids = values.pop("recommendation_ids", None)
    ops.check_version(package, expected_version)
    changes = ops.update(package, user, values)
    changes |= ops.set_links(package, user, {"recommendations": (Recommendation, recommendation_ids)})
    return changes
