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


def assignment(a) -> dict:
    return {
        "id": a.id, "title": a.title, "description": a.description, "status": a.status.value,
        "principal_group": ref(a.principal_group), "recipient_group": ref(a.recipient_group),
        "mandate": a.mandate, "questions": [q for q in a.questions.splitlines() if q.strip()],
        "deliverables": [d for d in a.deliverables.splitlines() if d.strip()],
        "start_on": _value(a.start_on), "due_on": _value(a.due_on), "parent_id": a.parent_id,
        "given_by_decision_id": a.given_by_decision_id, "closed_by_decision_id": a.closed_by_decision_id,
        "next_report_due_on": _value(a.next_report_due_on),
        "latest_traffic_light": _value(a.latest_light),
        "latest_report_on": _value(a.latest_reported_on),
        "archived": a.is_archived,
    }


def decision(d) -> dict:
    return {
        "id": d.id, "title": d.title, "text": d.text, "group": ref(d.group), "meeting_id": d.meeting_id,
        "decided_on": _value(d.decided_on), "registry_number": d.registry_number,
        "issuing_organisation": ref(d.issuing_organisation), "kind": d.kind.value, "state": d.state.value,
        "by_delegation": d.by_delegation, "executor": d.executor, "executor_group_id": d.executor_group_id,
        "executor_person_id": d.executor_person_id, "executor_organisation_id": d.executor_organisation_id,
        "execute_by": _value(d.execute_by),
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


# --- The competence centre's follow-up

def _number(v):
    """A stored decimal as a JSON number (an integer when it is whole)."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def labeled(v) -> dict | None:
    return {"value": v.value, "label": str(v.label)} if v is not None else None


def work_package_ref(wp) -> dict | None:
    return {"id": wp.id, "code": wp.code, "title": wp.title} if wp is not None else None


def work_package(wp, activity_counts: dict, late: int) -> dict:
    return {
        "id": wp.id, "code": wp.code, "title": wp.title, "owner": labeled(wp.owner), "purpose": wp.purpose,
        "source": wp.source,
        "recommendations": [{"id": r.id, "code": r.code, "text": r.text}
                            for r in wp.recommendations if not r.is_archived],
        "activity_counts": activity_counts, "late_activities": late, "archived": wp.is_archived,
    }


def activity_update(u) -> dict:
    return {"id": u.id, "reported_on": _value(u.reported_on), "traffic_light": u.traffic_light.value,
            "progress": u.progress, "filed_by": str(u.filed_by) if u.filed_by else None}


def activity(a, today: date, latest=None) -> dict:
    """An activity as listed; `latest` its latest active progress update."""
    start, end = a.start, a.end
    data = {
        "id": a.id, "code": a.code, "work_package": work_package_ref(a.work_package), "area": a.area,
        "text": a.text, "purpose": a.purpose,
        "responsible": {"group": ref(a.responsible_group), "person": ref(a.responsible_person),
                        "text": a.responsible, "display": a.responsible_display},
        "start_quarter": start.key if start else None, "end_quarter": end.key if end else None,
        "starts_on": _value(start.first_day) if start else None,
        "ends_on": _value(end.last_day) if end and not a.open_ended else None,
        "open_ended": a.open_ended, "status": a.status.value, "effective_status": a.effective_status.value,
        "assignment_id": a.assignment_id, "late": a.is_late(today), "plan_note": a.plan_note, "source": a.source,
        "latest_traffic_light": latest.traffic_light.value if latest else None,
        "latest_update_on": _value(latest.reported_on) if latest else None,
        "archived": a.is_archived,
    }
    return data


def activity_detail(a, today: date, updates: list, updates_next: str | None) -> dict:
    """An activity with its newest progress updates (newest first) and where the older ones continue."""
    return {**activity(a, today, updates[0] if updates else None),
            "updates": [activity_update(u) for u in updates], "updates_next": updates_next}


def kpi_target(t) -> dict | None:
    if t is None:
        return None
    return {"id": t.id, "months": t.months, "kind": t.kind.value, "comparison": t.comparison,
            "value": _number(t.value), "low": _number(t.low), "high": _number(t.high), "text": t.text}


def kpi_value(m) -> dict | None:
    """A follow-up value (targets.Measurement): measured or, for a derived KPI, counted."""
    if m is None:
        return None
    return {"measured_on": _value(m.measured_on), "value": _number(m.value), "milestone_reached": m.milestone_reached}


def kpi(result, rule: str | None) -> dict:
    """One KPI with its follow-up (status.KpiFollowUp)."""
    k = result.kpi
    data = {
        "id": k.id, "code": k.code, "work_package": work_package_ref(k.work_package), "indicator": k.indicator,
        "measure": k.measure.value, "baseline_date": _value(k.baseline_date), "derived": k.is_derived,
        "derivation": k.derivation.value if k.derivation else None, "derivation_rule": rule, "note": k.note,
        "source": k.source,
        "checkpoints": [{
            "months": c.months, "due_on": _value(c.due), "target": kpi_target(c.target),
            "status": c.status.value if c.status else None, "actual": kpi_value(c.actual), "met_today": c.met_today,
        } for c in result.checkpoints],
        "current": kpi_value(result.current),
        "archived": k.is_archived,
    }
    return data


def kpi_measurement(m) -> dict:
    return {"id": m.id, "measured_on": _value(m.measured_on), "value": _number(m.value),
            "target_months": m.target.months if m.target else None, "milestone_reached": m.milestone_reached,
            "comment": m.comment, "source": m.source, "entered_by": str(m.entered_by) if m.entered_by else None,
            "created_at": _value(m.created_at)}


def kpi_detail(result, rule: str | None, measurements: list, measurements_next: str | None) -> dict:
    """A KPI with its newest measurements (newest first), where the older ones continue, and its series."""
    return {**kpi(result, rule), "measurements": [kpi_measurement(m) for m in measurements],
            "measurements_next": measurements_next, "series": [kpi_value(m) for m in result.series]}
