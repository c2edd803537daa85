"""The decisions list's filters, shared by the HTML list and the API: one reading of each argument, and a
value that cannot be understood is a 400 (app.core.args)."""

from datetime import date

import sqlalchemy as sa

from app.assignments.queries import group_attribute_filters, steered_group_ids
from app.core import tallies
from app.core.args import Args
from app.core.fulltext import text_search
from app.decisions.models import Decision, DecisionKind, DecisionState, ExecutionStatus
from app.extensions import db
from app.groups.models import Group
from app.organisations.models import Organisation
from app.people.models import Person

# "Decisions to carry out" for a group, a person or an organisation: ?executor_group=<id>&execution=awaiting.
EXECUTOR_FILTERS = {"executor_group": (Decision.executor_group_id, Group),
                    "executor_person": (Decision.executor_person_id, Person),
                    "executor_organisation": (Decision.executor_organisation_id, Organisation)}


def awaiting_execution_criterion():
    return sa.and_(Decision.state == DecisionState.TAKEN,
                   Decision.execution_status.in_((ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS)))


# Decisions awaiting execution per deciding group, keyed by the date they are to be executed by (the
# sort key: undated ones last), so that the dashboards count them, late or all, from a few rows.
AWAITING_TALLY = tallies.declare(tallies.TallySpec(
    "decisions.awaiting", Decision, Decision.group_id, sa.cast(Decision.execute_sort, sa.String),
    (Decision.active(), awaiting_execution_criterion())))


def apply_filters(stmt, args=None, today: date | None = None):
    """Narrow a Decision select by `args` (request.args by default). Returns the statement and the filters
    as understood (the template shows them; executor filters as their records)."""
    today = today or date.today()
    a = Args(args)
    f = {"q": a.text("q"), "group": a.id("group"), "steered_by": a.id("steered_by"),
         "kind": a.choice("kind", DecisionKind), "state": a.choice("state", DecisionState),
         "execution": a.choice("execution", ExecutionStatus, "awaiting", "late"),
         "execution_status": a.choice("execution_status", ExecutionStatus),
         "decided_from": a.date("decided_from"), "decided_to": a.date("decided_to"), "archived": a.flag("archived")}
    if not f["archived"]:
        stmt = stmt.where(Decision.active())
    if search := text_search(Decision, f["q"]):
        stmt = stmt.where(search.criterion)
    if f["group"]:
        stmt = stmt.where(Decision.group_id == f["group"])
    if f["steered_by"]:
        stmt = stmt.where(Decision.group_id.in_(steered_group_ids(f["steered_by"])))
    if f["kind"]:
        stmt = stmt.where(Decision.kind == f["kind"])
    if f["state"]:
        stmt = stmt.where(Decision.state == f["state"])
    if f["execution"] == "awaiting":
        stmt = stmt.where(awaiting_execution_criterion())
    elif f["execution"] == "late":
        stmt = stmt.where(awaiting_execution_criterion(), Decision.execute_sort < today)
    elif f["execution"] is not None:
        stmt = stmt.where(Decision.execution_status == f["execution"])
    if f["execution_status"]:  # the API's name for the same filter
        stmt = stmt.where(Decision.execution_status == f["execution_status"])
    if f["decided_from"]:
        stmt = stmt.where(Decision.decided_on >= f["decided_from"])
    if f["decided_to"]:
        stmt = stmt.where(Decision.decided_on <= f["decided_to"])
    f["executor"] = None
    for name, (column, model) in EXECUTOR_FILTERS.items():
        f[name] = a.id(name)
        if f[name]:
            stmt = stmt.where(column == f[name])
            f["executor"] = db.session.get(model, f[name])
    stmt = group_attribute_filters(stmt, Decision.group_id, a.args)
    return stmt, f
