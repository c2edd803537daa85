"""The OpenAPI 3.1 description of /api/v1/, built from one table of endpoints and filters."""

from app.assignments.models import AssignmentStatus, TrafficLight
from app.competence.kpis.models import KpiDerivation, KpiMeasure
from app.competence.kpis.targets import TargetKind, TargetStatus
from app.competence.plan.models import ActivityStatus, WorkPackageOwner
from app.decisions.models import DecisionKind, DecisionState, ExecutionStatus
from app.groups.models import GroupType, Level


def _enum(cls) -> dict:
    return {"type": "string", "enum": [m.value for m in cls]}


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


INT = {"type": "integer", "minimum": 1}
DATE = {"type": "string", "format": "date"}
PAGING = [_param("archived", {"type": "string", "enum": ["0", "1"]}, "Include archived records (1)."),
          _param("page", INT, "Page number, from 1."),
          _param("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Items per page (default 50).")]
REF = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
STRING = {"type": "string"}
NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_BOOL = {"type": ["boolean", "null"]}
NEXT = {"type": ["string", "null"], "format": "uri-reference"}
# A single record carries the newest rows of its own growing lists (an activity's updates, a KPI's
# measurements), so that it stays small at any size; the rest page through its sub-resource.
EMBEDDED = 20


def _nullable_enum(cls) -> dict:
    return {"type": ["string", "null"], "enum": [m.value for m in cls] + [None]}


def _object(properties: dict, nullable: bool = False) -> dict:
    """An object whose every property is always present."""
    return {"type": ["object", "null"] if nullable else "object", "required": list(properties),
            "properties": properties}


WORK_PACKAGE_REF = _object({"id": {"type": "integer"}, "code": STRING, "title": STRING})
KPI_TARGET = _object({
    "id": {"type": "integer"}, "months": {"type": "integer"}, "kind": _enum(TargetKind),
    "comparison": {"type": ["string", "null"], "enum": [">", ">=", "=", "<=", "<", None]},
    "value": NULLABLE_NUMBER, "low": NULLABLE_NUMBER, "high": NULLABLE_NUMBER, "text": STRING}, nullable=True)
KPI_VALUE = _object({"measured_on": DATE, "value": NULLABLE_NUMBER, "milestone_reached": NULLABLE_BOOL},
                    nullable=True)

ACTIVITY = _object({
    "id": {"type": "integer"}, "code": STRING, "work_package": WORK_PACKAGE_REF, "area": STRING, "text": STRING,
    "purpose": STRING,
    "responsible": _object({"group": REF, "person": REF, "text": {**STRING, "description": "Free text."},
                            "display": {**STRING, "description": "Group, person and free text together."}}),
    "start_quarter": {"type": ["string", "null"], "pattern": "^[0-9]{4}-Q[1-4]$", "examples": ["2025-Q3"]},
    "end_quarter": {"type": ["string", "null"], "pattern": "^[0-9]{4}-Q[1-4]$",
                    "description": "None when open-ended or not planned."},
    "starts_on": {**NULLABLE_DATE, "description": "First day of the start quarter."},
    "ends_on": {**NULLABLE_DATE, "description": "Last day of the end quarter."},
    "open_ended": {"type": "boolean", "description": "Ongoing, with no end quarter."},
    "status": {**_enum(ActivityStatus), "description": "The activity's own status."},
    "effective_status": {**_enum(ActivityStatus), "description":
                         "The status that counts: the assignment's, when the activity is carried out as one."},
    "assignment_id": {"type": ["integer", "null"], "description": "The assignment it is carried out as."},
    "late": {"type": "boolean", "description": "Its end quarter is over and it is neither done nor cancelled."},
    "plan_note": STRING, "source": STRING,
    "latest_traffic_light": _nullable_enum(TrafficLight), "latest_update_on": NULLABLE_DATE,
    "archived": {"type": "boolean"}})

KPI = _object({
    "id": {"type": "integer"}, "code": STRING, "work_package": WORK_PACKAGE_REF, "indicator": STRING,
    "measure": _enum(KpiMeasure), "baseline_date": DATE,
    "derived": {"type": "boolean", "description": "Counted from the register instead of entered."},
    "derivation": _nullable_enum(KpiDerivation),
    "derivation_rule": {"type": ["string", "null"], "description": "How a derived KPI is counted, in words."},
    "note": STRING, "source": STRING,
    "checkpoints": {"type": "array", "description": "6, 12 and 24 months after the baseline.",
                    "items": _object({
                        "months": {"type": "integer", "enum": [6, 12, 24]}, "due_on": DATE,
                        "target": {**KPI_TARGET, "description": "None: no target at this checkpoint."},
                        "status": {**_nullable_enum(TargetStatus), "description":
                                   "Before the checkpoint not_yet_due; from it the latest value on or before "
                                   "the checkpoint decides (no_measurement without one). None without a target."},
                        "actual": {**KPI_VALUE, "description": "The value the status rests on (the latest so far "
                                   "when not yet due)."},
                        "met_today": {**NULLABLE_BOOL, "description":
                                      "Not yet due: would today's value meet the target?"}})},
    "current": {**KPI_VALUE, "description": "The latest value as of today."},
    "archived": {"type": "boolean"}})

SCHEMAS = {
    "Group": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "short_name": {"type": ["string", "null"]},
        "type": _enum(GroupType), "level": _enum(Level), "healthcare_region": REF, "region": REF,
        "mandate": {"type": "string"}, "formed_on": NULLABLE_DATE, "wound_up_on": NULLABLE_DATE,
        "proposed": {"type": "boolean"}, "archived": {"type": "boolean"}}},
    "Assignment": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "description": {"type": "string"},
        "status": _enum(AssignmentStatus), "principal_group": REF, "recipient_group": REF,
        "mandate": {"type": "string"}, "questions": {"type": "array", "items": {"type": "string"}},
        "deliverables": {"type": "array", "items": {"type": "string"}}, "start_on": NULLABLE_DATE,
        "due_on": NULLABLE_DATE, "parent_id": {"type": ["integer", "null"]},
        "given_by_decision_id": {"type": ["integer", "null"]}, "closed_by_decision_id": {"type": ["integer", "null"]},
        "next_report_due_on": NULLABLE_DATE,
        "latest_traffic_light": {"type": ["string", "null"], "enum": [m.value for m in TrafficLight] + [None]},
        "latest_report_on": NULLABLE_DATE, "archived": {"type": "boolean"}}},
    "Decision": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "text": {"type": "string"}, "group": REF,
        "meeting_id": {"type": ["integer", "null"]}, "decided_on": NULLABLE_DATE,
        "registry_number": {"type": ["string", "null"]}, "issuing_organisation": REF, "kind": _enum(DecisionKind),
        "state": _enum(DecisionState), "by_delegation": {"type": "boolean"}, "executor": {"type": "string"},
        "executor_group_id": {"type": ["integer", "null"]}, "executor_person_id": {"type": ["integer", "null"]},
        "executor_organisation_id": {"type": ["integer", "null"]},
        "execute_by": NULLABLE_DATE, "execution_status": _enum(ExecutionStatus),
        "assignments": {"type": "array", "items": {"type": "object", "properties": {
            "assignment_id": {"type": "integer"}, "effect": {"type": "string"}}}},
        "archived": {"type": "boolean"}}},
    "Meeting": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "group": REF, "starts_on": DATE,
        "ends_on": NULLABLE_DATE, "start_time": {"type": ["string", "null"]}, "place": {"type": "string"},
        "is_digital": {"type": "boolean"}, "minutes_approved_on": NULLABLE_DATE, "archived": {"type": "boolean"}}},
    "StatusReport": {"type": "object", "properties": {
        "id": {"type": "integer"}, "assignment_id": {"type": "integer"}, "reported_on": DATE,
        "traffic_light": _enum(TrafficLight), "progress": {"type": "string"},
        "needs_from_principal": {"type": "string"}, "corrects_id": {"type": ["integer", "null"]},
        "created_at": {"type": "string", "format": "date-time"}}},
    "WorkPackage": _object({
        "id": {"type": "integer"}, "code": STRING, "title": STRING,
        "owner": _object({"value": _enum(WorkPackageOwner), "label": STRING}), "purpose": STRING, "source": STRING,
        "recommendations": {"type": "array", "items": _object({"id": {"type": "integer"}, "code": STRING,
                                                               "text": STRING})},
        "activity_counts": {**_object({s.value: {"type": "integer"} for s in ActivityStatus}),
                            "description": "Active activities per effective status."},
        "late_activities": {"type": "integer", "description": "Active activities that are late today."},
        "archived": {"type": "boolean"}}),
    "Activity": ACTIVITY,
    "ActivityUpdate": _object({
        "id": {"type": "integer"}, "reported_on": DATE, "traffic_light": _enum(TrafficLight),
        "progress": STRING, "filed_by": {"type": ["string", "null"]}}),
    "ActivityDetail": {"allOf": [{"$ref": "#/components/schemas/Activity"}, _object({
        "updates": {"type": "array", "description": f"The newest {EMBEDDED} progress updates, newest first.",
                    "items": {"$ref": "#/components/schemas/ActivityUpdate"}},
        "updates_next": {**NEXT, "description": "The page of /activities/{id}/updates that continues after "
                                                "`updates`; null when they are all."}})]},
    "Kpi": KPI,
    "KpiMeasurement": _object({
        "id": {"type": "integer"}, "measured_on": DATE, "value": NULLABLE_NUMBER,
        "target_months": {"type": ["integer", "null"], "description": "The milestone's checkpoint."},
        "milestone_reached": NULLABLE_BOOL, "comment": STRING, "source": STRING,
        "entered_by": {"type": ["string", "null"]}, "created_at": {"type": "string", "format": "date-time"}}),
    "KpiDetail": {"allOf": [{"$ref": "#/components/schemas/Kpi"}, _object({
        "measurements": {"type": "array", "description": f"The newest {EMBEDDED} entered measurements, newest "
                                                         "first (none for a derived KPI).",
                         "items": {"$ref": "#/components/schemas/KpiMeasurement"}},
        "measurements_next": {**NEXT, "description": "The page of /kpis/{id}/measurements that continues after "
                                                     "`measurements`; null when they are all."},
        "series": {"type": "array", "items": KPI_VALUE, "description":
                   "A value a month, oldest first, at most five years back: for an entered KPI the latest "
                   "measurement of each month, those its checkpoints rest on and the latest of all; for a "
                   "derived KPI its count at each month's end and checkpoint up to today."}})]},
}

GROUP_ATTRIBUTE_FILTERS = [
    _param("healthcare_region", INT, "The group's healthcare region (organisation id)."),
    _param("level", _enum(Level), "The group's level."),
    _param("group_type", _enum(GroupType), "The group's type."),
]

ASSIGNMENT_FILTERS = [
    _param("q", {"type": "string"}, "Words in title, description or mandate (full-text: each word of q must "
           "begin a word of the record)."),
    _param("status", {"type": "string", "enum": ["open", *[m.value for m in AssignmentStatus]]},
           "Status; 'open' = commissioned, in progress or paused."),
    _param("group", INT, "Principal or recipient group id."),
    _param("principal", INT, "Principal group id."),
    _param("recipient", INT, "Recipient group id."),
    _param("steered_by", INT, "Assignments given by this group or groups it steers."),
    _param("healthcare_region", INT, "Recipient's healthcare region (organisation id)."),
    _param("level", _enum(Level), "Recipient's level."),
    _param("group_type", _enum(GroupType), "Recipient's group type."),
    _param("overdue", {"type": "string", "enum": ["1"]}, "Only overdue assignments."),
    _param("missing_report", {"type": "string", "enum": ["1"]}, "Only those with a requested report missing."),
    _param("light", {"type": "string", "enum": [*[m.value for m in TrafficLight], "none"]},
           "Latest report's traffic light ('none': no report)."),
    _param("due_from", DATE, "Due on or after."), _param("due_to", DATE, "Due on or before."),
]

WORK_PACKAGE_FILTERS = [_param("work_package", STRING, "Work package code, e.g. A."),
                        _param("work_package_id", INT, "Work package id.")]

# path, schema name, summary, filters
COLLECTIONS = [
    ("/groups", "Group", "Groups of every type", [
        _param("q", {"type": "string"}, "Text in the name."), _param("type", _enum(GroupType), "Group type."),
        _param("level", _enum(Level), "Level."), _param("healthcare_region", INT, "Healthcare region id.")]),
    ("/assignments", "Assignment", "Assignments (uppdrag) with their latest traffic light", ASSIGNMENT_FILTERS),
    ("/decisions", "Decision", "Decisions (beslut)", [
        _param("q", {"type": "string"}, "Words in title, text or registry number (full-text: each word of q "
               "must begin a word of the record)."), _param("group", INT, "Group id."),
        _param("kind", _enum(DecisionKind), "Kind."), _param("state", _enum(DecisionState), "State."),
        _param("execution_status", _enum(ExecutionStatus), "Execution status."),
        _param("execution", {"type": "string", "enum": ["awaiting", "late"] + [m.value for m in ExecutionStatus]},
               "Awaiting execution, late, or an execution status."),
        _param("steered_by", INT, "Decisions of the groups this group steers."),
        _param("executor_group", INT, "Carried out by this group."),
        _param("executor_person", INT, "Carried out by this person."),
        _param("executor_organisation", INT, "Carried out by this organisation."),
        _param("decided_from", DATE, "Decided on or after."), _param("decided_to", DATE, "Decided on or before."),
        *GROUP_ATTRIBUTE_FILTERS]),
    ("/meetings", "Meeting", "Meetings (möten)", [
        _param("group", INT, "Group id."), _param("from", DATE, "Starting on or after."),
        _param("to", DATE, "Starting on or before."), *GROUP_ATTRIBUTE_FILTERS]),
    ("/status-reports", "StatusReport", "Status reports on assignments", [
        _param("assignment", INT, "Assignment id."), _param("traffic_light", _enum(TrafficLight), "Traffic light."),
        _param("from", DATE, "Reported on or after."), _param("to", DATE, "Reported on or before."),
        *GROUP_ATTRIBUTE_FILTERS]),
    ("/work-packages", "WorkPackage", "The competence centre's work packages with activities counted per status",
     []),
    ("/activities", "Activity", "Activities in the work packages", [
        *WORK_PACKAGE_FILTERS,
        _param("status", _enum(ActivityStatus), "Effective status (the assignment's when carried out as one)."),
        _param("late", {"type": "string", "enum": ["0", "1"]}, "Only late activities (1).")]),
    ("/kpis", "Kpi", "KPIs with their targets and status at each checkpoint as of today", [
        *WORK_PACKAGE_FILTERS,
        _param("derived", {"type": "string", "enum": ["0", "1"]}, "Only derived (1) or only entered (0) KPIs.")]),
]
# Single records that carry more than the list shows.
DETAIL_SCHEMAS = {"/activities": "ActivityDetail", "/kpis": "KpiDetail"}
# A record's own growing list, a page at a time: path, schema name, summary.
SUB_COLLECTIONS = [
    ("/activities/{id}/updates", "ActivityUpdate", "An activity's active progress updates, newest first (newest "
     "date, then the later filed)"),
    ("/kpis/{id}/measurements", "KpiMeasurement", "A KPI's active entered measurements, newest first (newest "
     "date, then the later entered)"),
]
PATH_ID = {"name": "id", "in": "path", "required": True, "schema": INT}

ERROR = {"type": "object", "required": ["error", "description"], "properties": {
    "error": {"type": "string", "description": "The HTTP status in words."},
    "description": {"type": "string", "description": "What was wrong."},
    "parameter": {"type": "string", "description": "The query argument that could not be understood (400)."},
    "request_id": {"type": "string", "description": "To quote to support (500); also the X-Request-Id header."}}}


def _error(description: str) -> dict:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _error("Not signed in and no valid bearer token."),
    "403": _error("The account may not read this."),
    "429": _error("Too many requests for this token (API_RATE_LIMIT), or too many refused ones from this address; "
                  "the Retry-After header says when to try again."),
    "500": _error("The server could not answer; nothing was changed."),
}


def _page_response(ref: dict) -> dict:
    return {"description": "One page of items.", "content": {"application/json": {
        "schema": {"type": "object", "required": ["items", "page", "per_page", "total", "total_exact", "pages",
                                                  "has_next"],
                   "properties": {
                       "items": {"type": "array", "items": ref}, "page": {"type": "integer"},
                       "per_page": {"type": "integer"},
                       "total": {"type": "integer", "description": "Exact up to 10,000 matches; beyond that 10,000 "
                                 "and total_exact is false."},
                       "total_exact": {"type": "boolean"},
                       "pages": {"type": ["integer", "null"], "description": "Null when the total is not exact: "
                                 "follow has_next."},
                       "has_next": {"type": "boolean"}}}}}}


BAD_ARGUMENT = _error("A query argument that cannot be understood (an unknown status, a malformed id, date or "
                      "page): refused, never ignored; `parameter` names it.")


def build_openapi(app) -> dict:
    paths = {}
    for path, schema, summary, filters in COLLECTIONS:
        ref = {"$ref": f"#/components/schemas/{schema}"}
        paths[path] = {"get": {
            "summary": summary, "parameters": filters + PAGING,
            "responses": {"200": _page_response(ref), "400": BAD_ARGUMENT, **ERRORS}}}
        detail = DETAIL_SCHEMAS.get(path, schema)
        paths[path + "/{id}"] = {"get": {
            "summary": f"One {schema}", "parameters": [PATH_ID],
            "responses": {"200": {"description": detail, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{detail}"}}}},
                          "404": _error("No such record."), **ERRORS}}}
    for path, schema, summary in SUB_COLLECTIONS:
        paths[path] = {"get": {
            "summary": summary, "parameters": [PATH_ID, *PAGING[1:]],
            "responses": {"200": _page_response({"$ref": f"#/components/schemas/{schema}"}), "400": BAD_ARGUMENT,
                          "404": _error("No such record."), **ERRORS}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Styrregister API", "version": "1",
                 "description": "Read-only access to the governance register, for reporting tools such as "
                                "Power BI and Qlik. Authenticate with the web session or with a personal token "
                                "(created under *Mitt konto*, or `flask users token USERNAME`) sent as "
                                "`Authorization: Bearer <token>`."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "paths": paths,
        "components": {
            "schemas": {**SCHEMAS, "Error": ERROR},
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME",
                                                                                             "session")},
            },
        },
    }
