"""Records as JSON: plain fields, enums as their values, references as {id, name}."""

from datetime import date, datetime


def _value(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    if hasattr(v, "value") and hasattr(v, "label"):
        return v.value
    return v


def ref(record, label_attr: str = "name"):
    if record is None:
        return None
    return {"id": record.id, "name": getattr(record, label_attr, None) or str(record)}


def group(g) -> dict:
    return {
        "id": g.id, "name": g.name, "short_name": g.short_name, "type": g.type.value, "level": g.level.value,
        "healthcare_region": ref(g.healthcare_region), "region": ref(g.region), "mandate": g.mandate,
        "formed_on": _value(g.formed_on), "wound_up_on": _value(g.wound_up_on), "proposed": g.proposed,
        "archived": g.is_archived,
    }


def status_report(r) -> dict:
    return {
        "id": r.id, "assignment_id": r.assignment_id, "reported_on": _value(r.reported_on),
        "traffic_light": r.traffic_light.value, "progress": r.progress,
        "needs_from_principal": r.needs_from_principal, "corrects_id": r.corrects_id,
        "created_at": _value(r.created_at),
    }


def assignment(a, latest=None) -> dict:
    return {
        "id": a.id, "title": a.title, "description": a.description, "status": a.status.value,
        "principal_group": ref(a.principal_group), "recipient_group": ref(a.recipient_group),
        "mandate": a.mandate, "questions": [q for q in a.questions.splitlines() if q.strip()],
        "deliverables": [d for d in a.deliverables.splitlines() if d.strip()],
        "start_on": _value(a.start_on), "due_on": _value(a.due_on), "parent_id": a.parent_id,
        "given_by_decision_id": a.given_by_decision_id, "closed_by_decision_id": a.closed_by_decision_id,
        "next_report_due_on": _value(a.next_report_due_on),
        "latest_traffic_light": latest.traffic_light.value if latest else None,
        "latest_report_on": _value(latest.reported_on) if latest else None,
        "archived": a.is_archived,
    }


def decision(d) -> dict:
    return {
        "id": d.id, "title": d.title, "text": d.text, "group": ref(d.group), "meeting_id": d.meeting_id,
        "decided_on": _value(d.decided_on), "registry_number": d.registry_number,
        "issuing_organisation": ref(d.issuing_organisation), "kind": d.kind.value, "state": d.state.value,
        "by_delegation": d.by_delegation, "executor": d.executor, "execute_by": _value(d.execute_by),
        "execution_status": d.execution_status.value,
        "assignments": [{"assignment_id": lk.assignment_id, "effect": lk.effect.value}
                        for lk in d.links if not lk.is_archived],
        "archived": d.is_archived,
    }


def meeting(m) -> dict:
    return {
        "id": m.id, "title": m.display_title, "group": ref(m.group), "starts_on": _value(m.starts_on),
        "ends_on": _value(m.ends_on), "start_time": m.start_time or None, "place": m.place,
        "is_digital": m.is_digital, "minutes_approved_on": _value(m.minutes_approved_on),
        "archived": m.is_archived,
    }
