"""Writes for the use cases and their versioned priority list."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.competence.usecases.models import ProblemArea, UseCase, UseCasePriorityEntry, UseCasePriorityVersion
from app.competence.usecases.queries import latest_priority_version
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db


def _check_use_case_code(values: dict, own_id: int | None = None) -> None:
    values["code"] = (values.get("code") or "").strip()
    if db.session.scalar(sa.select(UseCase.id).where(UseCase.code == values["code"], UseCase.id != (own_id or -1))):
        raise BusinessRuleError(_l("Det finns redan ett användningsfall med det id:t."), "code")


def create_use_case(values: dict, user) -> UseCase:
    values = dict(values)
    problem_area_ids = values.pop("problem_area_ids", None)
    _check_use_case_code(values)
    use_case = ops.create(UseCase(), user, **values)
    ops.set_links(use_case, user, {"problem_areas": (ProblemArea, problem_area_ids)})
    return use_case


def update_use_case(use_case: UseCase, values: dict, user, expected_version=None) -> dict:
    values = dict(values)
    problem_area_ids = values.pop("problem_area_ids", None)
    ops.check_version(use_case, expected_version)
    _check_use_case_code(values, use_case.id)
    changes = ops.update(use_case, user, values)
    changes |= ops.set_links(use_case, user, {"problem_areas": (ProblemArea, problem_area_ids)})
    return changes


def adopt_priority_list(ranking: list[int], values: dict, user) -> UseCasePriorityVersion:
    """A new version of the prioritised list: `ranking` holds use-case ids, first is most important."""
    if not ranking:
        raise BusinessRuleError(_l("Ge minst ett användningsfall en plats i listan."), "ranking")
    if len(set(ranking)) != len(ranking):
        raise BusinessRuleError(_l("Ett användningsfall kan bara stå på en plats."), "ranking")
    known = set(db.session.scalars(sa.select(UseCase.id).where(UseCase.id.in_(ranking), UseCase.active())))
    if known != set(ranking):
        raise BusinessRuleError(_l("Listan innehåller ett användningsfall som inte finns."), "ranking")
    if values.get("adopted_on") is None:
        raise BusinessRuleError(_l("Ange när listan fastställdes."), "adopted_on")
    if values["adopted_on"] > date.today():
        raise BusinessRuleError(_l("En version kan inte fastställas i framtiden."), "adopted_on")
    latest = latest_priority_version()
    if latest is not None and values["adopted_on"] < latest.adopted_on:
        raise BusinessRuleError(_l("En ny version kan inte fastställas före den förra (%(day)s).",
                                   day=latest.adopted_on.isoformat()), "adopted_on")
    # Numbers are never reused, not even after an archived version.
    number = (db.session.scalar(sa.select(sa.func.max(UseCasePriorityVersion.number))) or 0) + 1
    version = ops.create(UseCasePriorityVersion(), user, number=number, **values)
    # The ranking is what the version is about: its entries go into the version's history as one line.
    codes = dict(db.session.execute(sa.select(UseCase.id, UseCase.code).where(UseCase.id.in_(ranking))).all())
    ops.add_children(version, [UseCasePriorityEntry(version_id=version.id, position=position, use_case_id=use_case_id)
                               for position, use_case_id in enumerate(ranking, start=1)], user, "entries", ranking,
                     ", ".join(f"{n}. {codes[i]}" for n, i in enumerate(ranking, start=1)))
    return version
