"""The OpenAPI 3.1 description of /api/v1/, built from one table of endpoints and filters."""

from app.assignments.models import AssignmentStatus, TrafficLight
from app.decisions.models import DecisionKind, DecisionState, ExecutionStatus
from app.groups.models import GroupType, Level


def _enum(cls) -> dict:
    return {"type": "string", "enum": [m.value for m in cls]}


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


INT = {"type": "integer", "minimum": 1}
DATE = {"type": "string", "format": "date"}
PAGING = [_param("archived", {"type": "string", "enum": ["1"]}, "Include archived records."),
          _param("page", INT, "Page number, from 1."),
          _param("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Items per page (default 50).")]
REF = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}

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
}

GROUP_ATTRIBUTE_FILTERS = [
    _param("healthcare_region", INT, "The group's healthcare region (organisation id)."),
    _param("level", _enum(Level), "The group's level."),
    _param("group_type", _enum(GroupType), "The group's type."),
]

ASSIGNMENT_FILTERS = [
    _param("q", {"type": "string"}, "Text in title, description or mandate."),
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

# path, schema name, summary, filters
COLLECTIONS = [
    ("/groups", "Group", "Groups of every type", [
        _param("q", {"type": "string"}, "Text in the name."), _param("type", _enum(GroupType), "Group type."),
        _param("level", _enum(Level), "Level."), _param("healthcare_region", INT, "Healthcare region id.")]),
    ("/assignments", "Assignment", "Assignments (uppdrag) with their latest traffic light", ASSIGNMENT_FILTERS),
    ("/decisions", "Decision", "Decisions (beslut)", [
        _param("q", {"type": "string"}, "Text in title, text or registry number."), _param("group", INT, "Group id."),
        _param("kind", _enum(DecisionKind), "Kind."), _param("state", _enum(DecisionState), "State."),
        _param("execution_status", _enum(ExecutionStatus), "Execution status."),
        _param("decided_from", DATE, "Decided on or after."), _param("decided_to", DATE, "Decided on or before."),
        *GROUP_ATTRIBUTE_FILTERS]),
    ("/meetings", "Meeting", "Meetings (möten)", [
        _param("group", INT, "Group id."), _param("from", DATE, "Starting on or after."),
        _param("to", DATE, "Starting on or before."), *GROUP_ATTRIBUTE_FILTERS]),
    ("/status-reports", "StatusReport", "Status reports on assignments", [
        _param("assignment", INT, "Assignment id."), _param("traffic_light", _enum(TrafficLight), "Traffic light."),
        _param("from", DATE, "Reported on or after."), _param("to", DATE, "Reported on or before."),
        *GROUP_ATTRIBUTE_FILTERS]),
]

ERRORS = {
    "401": {"description": "Not signed in and no valid bearer token."},
    "403": {"description": "The account may not read this (e.g. deactivated)."},
}


def build_openapi(app) -> dict:
    paths = {}
    for path, schema, summary, filters in COLLECTIONS:
        ref = {"$ref": f"#/components/schemas/{schema}"}
        paths[path] = {"get": {
            "summary": summary, "parameters": filters + PAGING,
            "responses": {"200": {"description": "One page of items.", "content": {"application/json": {
                "schema": {"type": "object", "required": ["items", "page", "per_page", "total", "pages"],
                           "properties": {"items": {"type": "array", "items": ref}, "page": {"type": "integer"},
                                          "per_page": {"type": "integer"}, "total": {"type": "integer"},
                                          "pages": {"type": "integer"}}}}}}, **ERRORS}}}
        paths[path + "/{id}"] = {"get": {
            "summary": f"One {schema}", "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": INT}],
            "responses": {"200": {"description": schema, "content": {"application/json": {"schema": ref}}},
                          "404": {"description": "No such record."}, **ERRORS}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Styrregister API", "version": "1",
                 "description": "Read-only access to the governance register, for reporting tools such as "
                                "Power BI and Qlik. Authenticate with the web session or with a personal token "
                                "(`flask users token USERNAME`) sent as `Authorization: Bearer <token>`."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME",
                                                                                             "session")},
            },
        },
    }
