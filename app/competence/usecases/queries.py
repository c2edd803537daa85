"""Reading the use cases: use cases and problem areas as the pages list them, and the versions of the
priority list (the latest, one with its entries, the one before it)."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.competence.usecases.models import ProblemArea, UseCase, UseCasePriorityEntry, UseCasePriorityVersion
from app.extensions import db


def use_cases(with_problem_areas: bool = False) -> list[UseCase]:
    """Active use cases by code; with their problem areas where a list shows them."""
    options = (selectinload(UseCase.problem_areas),) if with_problem_areas else ()
    return db.session.scalars(sa.select(UseCase).where(UseCase.active()).order_by(UseCase.code)
                              .options(*options)).all()


def problem_areas() -> list[ProblemArea]:
    return db.session.scalars(sa.select(ProblemArea).where(ProblemArea.active()).order_by(ProblemArea.code)).all()


def priority_versions() -> list[UseCasePriorityVersion]:
    """Active versions of the priority list, newest first, each with its entries' use cases."""
    return db.session.scalars(sa.select(UseCasePriorityVersion).where(UseCasePriorityVersion.active())
                              .order_by(UseCasePriorityVersion.number.desc())
                              .options(selectinload(UseCasePriorityVersion.entries)
                                       .selectinload(UseCasePriorityEntry.use_case))).all()


def latest_priority_version() -> UseCasePriorityVersion | None:
    return db.session.scalar(sa.select(UseCasePriorityVersion).where(UseCasePriorityVersion.active())
                             .order_by(UseCasePriorityVersion.number.desc()).limit(1))


def priority_version(record_id: int) -> UseCasePriorityVersion | None:
    """A version with each entry's use case (one query for the list, not one per entry)."""
    return db.session.get(UseCasePriorityVersion, record_id, options=[
        selectinload(UseCasePriorityVersion.entries).selectinload(UseCasePriorityEntry.use_case)])


def previous_version(version: UseCasePriorityVersion) -> UseCasePriorityVersion | None:
    """The active version adopted before `version`, which its page compares with."""
    return db.session.scalar(sa.select(UseCasePriorityVersion).where(
        UseCasePriorityVersion.number < version.number, UseCasePriorityVersion.active())
        .order_by(UseCasePriorityVersion.number.desc()).limit(1))
