"""The use cases' priority list (app/competence/usecases/operations.py): each adopted list is a new
numbered version, and what cannot be a ranking is refused."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.competence.usecases import operations as use_case_ops
from app.competence.usecases.models import UseCase, UseCasePriorityEntry, UseCasePriorityVersion
from app.core import operations as ops
from app.core.audit import history_for
from app.extensions import db
from tests import gov_factories as g
from tests.competence.conftest import refused


@pytest.fixture
def cases(app) -> list[UseCase]:
    records = [ops.create(UseCase(), None, code=c, title=f"Användningsfall {c}") for c in "ABCD"]
    db.session.commit()
    return records


def adopt(ranking, day, user=None):
    version = use_case_ops.adopt_priority_list(ranking, {"adopted_on": day}, user)
    db.session.commit()
    return version


def versions() -> int:
    return db.session.scalar(sa.select(sa.func.count(UseCasePriorityVersion.id)))


def test_each_adopted_list_is_a_new_numbered_version_in_the_order_given(cases):
    a, b, c, d = cases
    first = adopt([c.id, a.id], date(2025, 10, 1))
    second = adopt([d.id, c.id, b.id, a.id], date(2026, 2, 1))
    third = adopt([b.id], date(2026, 2, 1))  # the same day as the previous one is fine
    assert [first.number, second.number, third.number] == [1, 2, 3]
    db.session.expire_all()
    second = db.session.get(UseCasePriorityVersion, second.id)
    assert [(e.position, e.use_case.code) for e in second.entries] == [(1, "D"), (2, "C"), (3, "B"), (4, "A")]
    assert [e.use_case.code for e in db.session.get(UseCasePriorityVersion, first.id).entries] == ["C", "A"]
    ranked, created = history_for(second)  # newest first: the ranking added right after the version
    assert created.changes["number"]["new"] == 2
    assert ranked.changes["entries"] == {"old": None, "new": [d.id, c.id, b.id, a.id],
                                         "new_label": "1. D, 2. C, 3. B, 4. A"}


@pytest.mark.parametrize("ranking", ["empty", "duplicate", "unknown", "archived"])
def test_a_list_that_cannot_be_a_ranking_is_refused(cases, ranking):
    a, b, *_ = cases
    g.archive(b)
    ids = {"empty": [], "duplicate": [a.id, a.id], "unknown": [a.id, 999999], "archived": [a.id, b.id]}[ranking]
    assert refused(use_case_ops.adopt_priority_list, ids, {"adopted_on": date(2025, 10, 1)}, None).field == "ranking"
    assert versions() == 0
    assert db.session.scalar(sa.select(sa.func.count(UseCasePriorityEntry.id))) == 0


def test_a_version_cannot_be_adopted_before_the_previous_one(cases):
    a, b, *_ = cases
    adopt([a.id], date(2026, 2, 1))
    error = refused(use_case_ops.adopt_priority_list, [b.id], {"adopted_on": date(2026, 1, 31)}, None)
    assert error.field == "adopted_on"
    assert versions() == 1


def test_a_version_after_an_archived_one_gets_the_next_free_number(cases):
    a, b, *_ = cases
    adopt([a.id], date(2025, 10, 1))
    g.archive(adopt([b.id], date(2026, 2, 1)))
    assert adopt([a.id, b.id], date(2026, 3, 1)).number == 3
