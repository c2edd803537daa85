"""Seed the competence centre's follow-up from seed/data/competence.yaml (report 002, chapter 3).

Records are matched on their code ("A.3", "KPI-D2"), so a re-seed adds only what is missing and
never overwrites what the competence centre has edited in the app. Records are written through
the competence sub-packages' operations.py as the system (user None); recommendations, work packages and problem
areas, which only the seed creates, have no create operation there and go through core's.
"""

from datetime import date

import sqlalchemy as sa

from app.competence.kpis import operations as kpi_ops
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure
from app.competence.kpis.targets import TargetKind, target_from_seed
from app.competence.plan import operations as plan_ops
from app.competence.plan.models import Activity, Recommendation, WorkPackage, WorkPackageOwner
from app.competence.quarters import Quarter
from app.competence.usecases import operations as use_case_ops
from app.competence.usecases.models import ProblemArea, UseCase
from app.core import operations as ops
from app.extensions import db

RESPONSIBLE_GROUPS = {"Kompetenscentrum": "kompetenscentrum"}


def _by_code(model, code: str):
    return db.session.scalar(sa.select(model).where(model.code == code))


def _measure(targets: list[dict]) -> KpiMeasure:
    kinds = {TargetKind(t["kind"]) for t in targets}
    if kinds == {TargetKind.MILESTONE}:
        return KpiMeasure.MILESTONE
    return KpiMeasure.PERCENTAGE if TargetKind.PERCENTAGE in kinds else KpiMeasure.NUMBER


def _quarter(value) -> str | None:
    quarter = Quarter.parse(str(value)) if value else None
    return quarter.key if quarter else None


def load_competence(seeder, data: dict) -> None:
    recommendations = {}
    for item in data.get("recommendations", []):
        record = _by_code(Recommendation, item["code"])
        if record is None:
            record = ops.create(Recommendation(), None, code=item["code"], text=item["text"],
                                area=item.get("area") or "", source=item.get("source") or "")
            seeder._count("recommendations")
        recommendations[item["code"]] = record

    packages = {}
    for item in data.get("work_packages", []):
        record = _by_code(WorkPackage, item["code"])
        if record is None:
            record = ops.create(WorkPackage(), None, code=item["code"], title=item["title"],
                                owner=WorkPackageOwner(item["owner"]), purpose=(item.get("purpose") or "").strip(),
                                source=item.get("source") or "")
            plan_ops.update_work_package(record, {"recommendation_ids": [
                recommendations[c].id for c in item.get("recommendations", [])]}, None)
            seeder._count("work packages")
        packages[item["code"]] = record

    for item in data.get("activities", []):
        if _by_code(Activity, item["code"]) is not None:
            continue
        responsible = item.get("responsible") or ""
        group_key = RESPONSIBLE_GROUPS.get(responsible)
        group = seeder.groups.get(group_key) if group_key else None
        plan_ops.create_activity(dict(
            code=item["code"], work_package_id=packages[item["work_package"]].id, area=item.get("area") or "",
            text=(item.get("text") or "").strip(), purpose=(item.get("purpose") or "").strip(),
            responsible_group_id=group.id if group else None, responsible="" if group else responsible,
            start_quarter=_quarter(item.get("start_quarter")), end_quarter=_quarter(item.get("end_quarter")),
            open_ended=bool(item.get("open_ended")), source=item.get("source") or ""), None)
        seeder._count("activities")

    for item in data.get("kpis", []):
        kpi = _by_code(Kpi, item["code"])
        if kpi is None:
            baseline = item["baseline_date"]
            kpi = kpi_ops.create_kpi(dict(
                code=item["code"], work_package_id=packages[item["work_package"]].id, indicator=item["indicator"],
                measure=_measure(item["targets"]),
                baseline_date=baseline if isinstance(baseline, date) else date.fromisoformat(baseline),
                derivation=KpiDerivation(item["derivable"]) if item.get("derivable") else None,
                note=(item.get("note") or "").strip(), source=item.get("source") or ""), None)
            seeder._count("KPIs")
        existing = {t.months for t in kpi.targets}  # archived ones too: an archived target stays archived
        for target in item["targets"]:
            if int(target["months"]) in existing:
                continue
            rule = target_from_seed(target)  # refuses a target that cannot be evaluated
            kpi_ops.save_target(kpi, rule.months, dict(
                kind=rule.kind, text=rule.text, comparison=rule.comparison, value=rule.value, low=rule.low,
                high=rule.high), None)
            seeder._count("KPI targets")
        db.session.expire(kpi, ["targets"])

    problem_areas = {}
    for item in data.get("problem_areas", []):
        record = _by_code(ProblemArea, item["code"])
        if record is None:
            record = ops.create(ProblemArea(), None, code=item["code"], title=item["title"],
                                description=(item.get("description") or "").strip(), source=item.get("source") or "")
            seeder._count("problem areas")
        problem_areas[item["code"]] = record

    for item in data.get("use_cases", []):
        if _by_code(UseCase, item["code"]) is not None:
            continue
        use_case_ops.create_use_case(dict(
            code=item["code"], title=item["title"], description=(item.get("description") or "").strip(),
            steps_text="\n".join(s.strip() for s in item.get("steps", [])), source=item.get("source") or "",
            problem_area_ids=[problem_areas[c].id for c in item.get("problem_areas", [])]), None)
        seeder._count("use cases")
    db.session.flush()
