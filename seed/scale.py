"""`flask seed --scale N`: a generated national-scale register added to the current database, for
benchmarks (`make bench`) and for trying the app at the size of the whole country.

For N assignments: ~1,000 groups under one national steering group that steers them all (through
25 programme areas), 3,000 people with memberships, ~5 status reports per assignment (one assignment
has 10,000), 0.5 decisions and 0.2 meetings (with agenda and attendance) per assignment; for the
competence centre, N/10 each of progress updates, KPI measurements, region stances and maturity
assessments, on the activities, typed KPIs and regions the database holds (those `flask seed` loads);
and the change-log rows the operations would have written for all of it.

The one exception to the one write path: groups, people, memberships and relations go through the
areas' operations, but assignments, reports, decisions, meetings and their children, and the
competence centre's follow-up rows, are inserted in bulk (hundreds of thousands of rows in minutes
rather than hours). They are built as the models' own objects, with the models' own derived fields
(sort keys, search text), logged by core's
`creation_changes` in the shape the operations write, and the assignments' kept state is then
rebuilt by the same set-based operation as `flask maintenance recompute`. tests/test_scale_seed.py
checks what this writes for a small N against what the operations write.
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.assignments.models import (
    Assignment,
    AssignmentStatus,
    AssignmentTransition,
    ReportRequest,
    StatusReport,
    TrafficLight,
)
from app.assignments.operations import REPORTABLE, recompute_state
from app.competence.kpis.models import Kpi, KpiMeasure, KpiMeasurement
from app.competence.plan.models import Activity, ActivityUpdate
from app.competence.regions.models import MATURITY_LEVELS, MaturityArea, MaturityAssessment, RegionStance, Stance
from app.core import operations as ops
from app.core.audit import ChangeAction, ChangeLog, creation_changes, serialize
from app.decisions.models import Decision, DecisionKind, DecisionState, ExecutionStatus
from app.extensions import db
from app.groups import operations as group_ops
from app.groups.models import Group, GroupType, Level, RelationKind
from app.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting
from app.organisations.models import Organisation, OrganisationKind
from app.people import operations as people_ops
from app.people.models import MemberRole

PROGRAMME_AREAS = 25
GROUPS = 1_000
PEOPLE = 3_000
REPORTS_PER_ASSIGNMENT = 5
BIG_REPORTS = 10_000  # one assignment with this many reports (at N ≥ 100,000): the page that must stay small
CHUNK = 5_000
NOW = datetime(2026, 11, 1, 9, 0)
LAST_REPORT_DAY = date(2026, 8, 31)
COMPETENCE_SHARE = 10  # progress updates, KPI measurements, region stances and maturity levels: N/10 of each
PLAN_START = date(2025, 7, 1)  # progress updates from the plan's first quarter
REGIONS_SINCE = date(2023, 1, 1)  # stances and maturity levels: years of them
TOPICS = ["analys", "kunskapsstöd", "uppföljning", "vårdförlopp", "läkemedel", "prevention", "rehabilitering",
          "diagnostik", "implementering", "samverkan", "utbildning", "kvalitetsregister", "patientsäkerhet",
          "digitalisering", "hjärtsvikt", "diabetes", "psykisk hälsa", "cancer", "barn och unga", "äldre"]
VERBS = ["Ta fram", "Utvärdera", "Samordna", "Följ upp", "Revidera", "Analysera", "Införa", "Sammanställa"]
STATUSES = ([AssignmentStatus.IN_PROGRESS] * 5 + [AssignmentStatus.COMMISSIONED] * 2 + [AssignmentStatus.PAUSED]
            + [AssignmentStatus.DELIVERED, AssignmentStatus.ACCEPTED, AssignmentStatus.CLOSED,
               AssignmentStatus.CANCELLED, AssignmentStatus.DRAFT])


class BulkWriter:
    """Model objects built in memory and inserted a chunk at a time, each with its creation entry in
    the change log (and an "added" entry on its parents), as ops.create would write them."""

    def __init__(self, labels: dict):
        self.labels = labels  # (table, id) → display label of records referenced by foreign keys
        self.rows: dict[type, list[dict]] = {}
        self.log: list[dict] = []
        self.next_ids: dict[type, int] = {}
        self.counts: dict[str, int] = {}

    def _new_id(self, model) -> int:
        if model not in self.next_ids:
            self.next_ids[model] = (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1
        self.next_ids[model] += 1
        return self.next_ids[model] - 1

    def _label(self, record, field: str):
        rel = sa.inspect(type(record)).relationships.get(field[:-3]) if field.endswith("_id") else None
        value = getattr(record, field)
        if rel is None or value is None:
            return None
        return self.labels.get((rel.mapper.local_table.name, value))

    def add(self, record, created_at: datetime, audited=True, label: str | None = None):
        model = type(record)
        mapper = sa.inspect(model)
        record.id = self._new_id(model)
        for column in mapper.columns:
            if getattr(record, column.key) is None and column.default is not None and column.default.is_scalar:
                setattr(record, column.key, column.default.arg)
        if audited:
            record.version = 1
            record.created_at = record.updated_at = created_at
        else:
            record.created_at = created_at
        # The model's own derived fields (sort keys, search text), by its own listeners.
        mapper.dispatch.before_insert(mapper, None, sa.inspect(record))
        self.rows.setdefault(model, []).append({c.key: getattr(record, c.key) for c in mapper.column_attrs})
        self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + 1
        if label is not None:
            self.labels[(model.__tablename__, record.id)] = label
        if audited:
            self._log(record, ChangeAction.CREATE, creation_changes(record, self._label), created_at)
            for relation, field in getattr(model, "__log_parents__", {}).items():
                parent = mapper.relationships[relation]
                parent_id = getattr(record, next(iter(parent.local_columns)).key)
                # A parent already in the database, given to the record (set_committed_value), is logged at
                # its own version, as ops.create logs it; one built here is at version 1.
                given = sa.inspect(record).dict.get(relation)
                self._log_on(parent.mapper.local_table.name, parent_id,
                             {field: {"old": None, "new": serialize(str(record))}}, created_at,
                             given.version if given is not None else 1)
        return record

    def child(self, parent, record, field: str, label: str, created_at: datetime):
        """A child row added as ops.add_child adds it: the row, and an "added" entry on its parent."""
        self.add(record, created_at, audited=False)
        self._log_on(parent.__tablename__, parent.id, {field: {"old": None, "new": serialize(label)}}, created_at)

    def _log_on(self, table: str, record_id: int, changes: dict, created_at: datetime, version: int = 1):
        self.log.append({"entity_type": table, "entity_id": record_id, "action": ChangeAction.UPDATE,
                         "version": version, "user_id": None, "created_at": created_at, "changes": changes})

    def _log(self, record, action, changes, created_at):
        self.log.append({"entity_type": record.__tablename__, "entity_id": record.id, "action": action,
                         "version": record.version, "user_id": None, "created_at": created_at,
                         "changes": changes})

    def flush(self, *models) -> None:
        """Insert what is built of `models` (in that order: parents first), then the log."""
        for model in models:
            rows = self.rows.pop(model, [])
            for start in range(0, len(rows), CHUNK):
                db.session.execute(sa.insert(model.__table__), rows[start:start + CHUNK])
        for start in range(0, len(self.log), CHUNK):
            db.session.execute(sa.insert(ChangeLog.__table__), self.log[start:start + CHUNK])
        self.counts["change_log"] = self.counts.get("change_log", 0) + len(self.log)
        self.log = []


def _request_report(bulk: BulkWriter, a: Assignment, due_on: date) -> None:
    """A report request as request_report writes it: the request (an "added" line on the assignment),
    then the assignment's next report date and request time (its version moves to 2)."""
    # Asked a month ahead, after the last report (so still unanswered), and never in the future.
    asked_on = min(max(due_on - timedelta(days=30), LAST_REPORT_DAY + timedelta(days=1)),
                   date.today() - timedelta(days=1))
    requested_at = datetime.combine(asked_on, NOW.time())
    request = ReportRequest(assignment_id=a.id, due_on=due_on, round_id=None, requested_by_id=None)
    bulk.child(a, request, "report_requests", due_on.isoformat(), requested_at)
    a.next_report_due_on, a.report_requested_at, a.version = due_on, requested_at, 2
    bulk.rows[Assignment][-1].update(next_report_due_on=due_on, report_requested_at=requested_at, version=2)
    bulk.log.append({"entity_type": "assignments", "entity_id": a.id, "action": ChangeAction.UPDATE, "version": 2,
                     "user_id": None, "created_at": requested_at,
                     "changes": {"next_report_due_on": {"old": None, "new": serialize(due_on)},
                                 "report_requested_at": {"old": None, "new": serialize(requested_at)}}})


def _structure(rng: random.Random, run: str) -> tuple[Group, list[Group], list[Group], dict, dict]:
    """Groups, relations, people and memberships, through the operations."""
    top = group_ops.create_group({"name": f"Nationell styrgrupp {run}", "type": GroupType.NSG,
                                  "level": Level.NATIONAL}, None)
    areas, leaves = [], []
    for i in range(PROGRAMME_AREAS):
        area = group_ops.create_group({"name": f"NPO {TOPICS[i % len(TOPICS)]} {run}-{i + 1}",
                                       "type": GroupType.NPO, "level": Level.NATIONAL}, None)
        group_ops.create_relation(top, {"target_id": area.id, "kind": RelationKind.STEERING_GROUP_OF}, None)
        areas.append(area)
    for i in range(GROUPS - PROGRAMME_AREAS - 1):
        area = areas[i % PROGRAMME_AREAS]
        leaf = group_ops.create_group({"name": f"NAG {TOPICS[i % len(TOPICS)]} {run}-{i + 1}",
                                       "type": GroupType.NAG, "level": Level.NATIONAL}, None)
        group_ops.create_relation(area, {"target_id": leaf.id, "kind": RelationKind.STEERING_GROUP_OF}, None)
        leaves.append(leaf)
    groups = [top, *areas, *leaves]
    chairs, secretaries = {}, {}
    for i in range(PEOPLE):
        person = people_ops.create_person({"name": f"Ledamot {run}-{i + 1:04d}"}, None)
        group = groups[i % len(groups)]
        if i < len(groups):
            role = MemberRole.CHAIR
            chairs[group.id] = person
        elif i < 2 * len(groups):
            role = MemberRole.SECRETARY
            secretaries[group.id] = person
        else:
            role = MemberRole.MEMBER
            group = groups[rng.randrange(PROGRAMME_AREAS + 1)]
        people_ops.create_membership(group, {"person_id": person.id, "role": role,
                                             "start_on": date(2023, 1, 1)}, None)
    db.session.flush()
    return top, areas, leaves, chairs, secretaries


def _day(rng: random.Random, start: date, days: int) -> date:
    return start + timedelta(days=rng.randrange(days))


def competence_follow_up(bulk: BulkWriter, rng: random.Random, n: int) -> None:
    """Years of the competence centre's follow-up, N/10 rows of each kind, spread over the active activities,
    typed KPIs and regions (none of a kind where there are none), each within the rules its operation
    checks: dated neither in the future nor, for a measurement, before its KPI's baseline; a milestone
    measurement on one of its KPI's targets; a level 1–4."""
    count = n // COMPETENCE_SHARE
    last = min(LAST_REPORT_DAY, date.today() - timedelta(days=1))
    activities = db.session.scalars(sa.select(Activity).where(Activity.active()).order_by(Activity.id)).all()
    kpis = [k for k in db.session.scalars(
        sa.select(Kpi).where(Kpi.active(), Kpi.derivation.is_(None), Kpi.baseline_date <= last).order_by(Kpi.id)
        .options(selectinload(Kpi.targets)))
        if k.measure != KpiMeasure.MILESTONE or any(not t.is_archived for t in k.targets)]
    regions = db.session.scalars(sa.select(Organisation).where(
        Organisation.kind == OrganisationKind.REGION, Organisation.active()).order_by(Organisation.id)).all()
    for record in [*activities, *kpis, *(t for k in kpis for t in k.targets), *regions]:
        bulk.labels[(record.__tablename__, record.id)] = str(record)

    def day(first: date) -> date:
        return _day(rng, first, (last - first).days + 1)

    def add(record, on: date, parent: tuple[str, object] | None = None):
        if parent is not None:
            # Its str (the "added" line in the parent's history) names the parent, without adding it anew.
            set_committed_value(record, *parent)
        bulk.add(record, datetime.combine(on, NOW.time()))
        if len(bulk.log) > 4 * CHUNK:
            bulk.flush(ActivityUpdate, KpiMeasurement, RegionStance, MaturityAssessment)

    lights = list(TrafficLight)
    for i in range(count if activities else 0):
        activity, on = activities[i % len(activities)], day(PLAN_START)
        add(ActivityUpdate(activity_id=activity.id, reported_on=on, traffic_light=lights[rng.randrange(len(lights))],
                           progress=f"Arbetet med {activity.code} fortsätter."), on, ("activity", activity))
    for i in range(count if kpis else 0):
        kpi = kpis[i % len(kpis)]
        m = KpiMeasurement(kpi_id=kpi.id, measured_on=day(kpi.baseline_date), source="Genererat register")
        if kpi.measure == KpiMeasure.MILESTONE:
            targets = [t for t in kpi.targets if not t.is_archived]
            m.target_id, m.milestone_reached = targets[rng.randrange(len(targets))].id, rng.random() < 0.5
        elif kpi.measure == KpiMeasure.PERCENTAGE:
            m.value = Decimal(rng.randrange(1001)) / 10
        else:
            m.value = Decimal(rng.randrange(120))
        add(m, m.measured_on, ("kpi", kpi))
    stances, areas = list(Stance), list(MaturityArea)
    for i in range(count if regions else 0):
        on = day(REGIONS_SINCE)
        add(RegionStance(organisation_id=regions[i % len(regions)].id, stance=stances[rng.randrange(len(stances))],
                         recorded_on=on, source="Genererat register"), on)
    for i in range(count if regions else 0):
        on = day(REGIONS_SINCE)
        add(MaturityAssessment(organisation_id=regions[i % len(regions)].id, area=areas[rng.randrange(len(areas))],
                               level=MATURITY_LEVELS[rng.randrange(len(MATURITY_LEVELS))], assessed_on=on,
                               source="Genererat register"), on)
    bulk.flush(ActivityUpdate, KpiMeasurement, RegionStance, MaturityAssessment)


def generate(n: int, seed: int = 2026) -> dict[str, int]:
    """Add the generated register for `n` assignments; returns how many rows of each table."""
    rng = random.Random(seed)
    run = f"S{(db.session.scalar(sa.select(sa.func.count()).select_from(Group)) or 0) + 1}"
    top, areas, leaves, chairs, secretaries = _structure(rng, run)
    labels = {("groups", g.id): str(g) for g in [top, *areas, *leaves]}
    labels.update({("people", p.id): p.name for p in [*chairs.values(), *secretaries.values()]})
    bulk = BulkWriter(labels)
    principals = [top, *areas]

    assignments = []
    for i in range(n):
        principal = top if i % 10 == 0 else areas[i % PROGRAMME_AREAS]
        recipient = areas[(i + 1) % PROGRAMME_AREAS] if principal is top else leaves[i % len(leaves)]
        start = _day(rng, date(2021, 1, 1), 1_700)
        status = STATUSES[rng.randrange(len(STATUSES))]
        topic, verb = TOPICS[rng.randrange(len(TOPICS))], VERBS[rng.randrange(len(VERBS))]
        created = datetime.combine(start, NOW.time())
        a = bulk.add(Assignment(
            title=f"{verb} {topic} {i + 1}", description=f"Uppdrag om {topic} inom {recipient}.",
            principal_group_id=principal.id, recipient_group_id=recipient.id,
            mandate=f"Gruppen ska {verb.lower()} {topic}.", questions="", deliverables="Rapport",
            start_on=start, due_on=None if i % 7 == 0 else start + timedelta(days=rng.randrange(60, 900)),
            status=status, source="Genererat register (flask seed --scale)"), created, label=None)
        bulk.labels[("assignments", a.id)] = a.title
        bulk.child(a, AssignmentTransition(assignment_id=a.id, from_status=None, to_status=status, note=""),
                   "transitions", str(status.label), created)
        if status in REPORTABLE and rng.random() < 0.6:
            # The secretariat has asked for a report, due within six weeks either side of today.
            _request_report(bulk, a, date.today() + timedelta(days=rng.randrange(-45, 45)))
        assignments.append(a)
        if len(assignments) % CHUNK == 0:
            bulk.flush(Assignment, AssignmentTransition, ReportRequest)
    bulk.flush(Assignment, AssignmentTransition, ReportRequest)

    lights = list(TrafficLight)
    reported = [a for a in assignments if a.status != AssignmentStatus.DRAFT]
    for index, a in enumerate(reported):
        # The first has many: 10,000 at national scale, in proportion below it (a small run stays small).
        count = min(BIG_REPORTS, max(50, n // 10)) if index == 0 else rng.randrange(2 * REPORTS_PER_ASSIGNMENT + 1)
        for k in range(count):
            on = min(a.start_on + timedelta(days=30 * (k + 1) % 1_500 + rng.randrange(25)), LAST_REPORT_DAY)
            bulk.add(StatusReport(assignment_id=a.id, reported_on=on, traffic_light=lights[rng.randrange(3)],
                                  progress=f"Arbetet med {a.title.lower()} fortsätter.", needs_from_principal=""),
                     datetime.combine(on, NOW.time()))
        if len(bulk.log) > 4 * CHUNK:
            bulk.flush(StatusReport)
    bulk.flush(StatusReport)

    meetings = []
    for i in range(n // 5):
        group = principals[i % len(principals)]
        on = _day(rng, date(2021, 1, 1), 2_400)
        m = bulk.add(Meeting(group_id=group.id, title=f"Möte {i + 1}", starts_on=on, place="Digitalt",
                             is_digital=True), datetime.combine(on - timedelta(days=30), NOW.time()))
        bulk.labels[("meetings", m.id)] = f"{m.title} {m.starts_on.isoformat()}"  # str(meeting)
        meetings.append(m)
        for position, a in enumerate(rng.sample(assignments, 2), start=1):
            bulk.add(AgendaItem(meeting_id=m.id, position=position, title=f"Status: {a.title}", assignment_id=a.id),
                     datetime.combine(on - timedelta(days=14), NOW.time()))
        for person in (chairs.get(group.id), secretaries.get(group.id)):
            if person is not None:
                status = AttendanceStatus.PRESENT
                bulk.child(m, Attendance(meeting_id=m.id, person_id=person.id, status=status), "attendance",
                           f"{person.name}: {status.label}", datetime.combine(on, NOW.time()))
        if len(bulk.log) > 4 * CHUNK:
            bulk.flush(Meeting, AgendaItem, Attendance)
    bulk.flush(Meeting, AgendaItem, Attendance)

    for i in range(n // 2):
        m = meetings[i % len(meetings)] if meetings else None
        group_id = m.group_id if m else top.id
        on = m.starts_on if m else _day(rng, date(2021, 1, 1), 2_000)
        bulk.add(Decision(title=f"Beslut {i + 1} om {TOPICS[i % len(TOPICS)]}", text="Beslutades enligt förslag.",
                          group_id=group_id, meeting_id=m.id if m else None, decided_on=on,
                          kind=DecisionKind.DECISION,
                          state=DecisionState.TAKEN, execute_by=on + timedelta(days=90),
                          execution_status=list(ExecutionStatus)[i % len(ExecutionStatus)]),
                 datetime.combine(on, NOW.time()))
        if len(bulk.log) > 4 * CHUNK:
            bulk.flush(Decision)
    bulk.flush(Decision)

    competence_follow_up(bulk, rng, n)
    recompute_state()
    if db.engine.dialect.name == "postgresql":
        # Ids were given here, not by the sequences: move them past what was written.
        for model in (Assignment, AssignmentTransition, ReportRequest, StatusReport, Meeting, AgendaItem, Attendance,
                      Decision, ActivityUpdate, KpiMeasurement, RegionStance, MaturityAssessment, ChangeLog):
            table = model.__tablename__
            db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    ops.commit()
    # Fresh statistics, so that the planners know the tables' sizes (and, on PostgreSQL, a vacuumed
    # visibility map, so that index-only scans read no table pages).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
    return bulk.counts
