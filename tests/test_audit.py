"""Change log, archive instead of delete, and refusal of saves based on a stale form."""

import re

import sqlalchemy as sa

from app.auth.models import Role
from app.core import operations as ops
from app.core.audit import ChangeAction, ChangeLog, history_for
from app.extensions import db
from app.groups.models import Group, GroupType, Level
from tests import factories as f

VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')


def group_form_data(group: Group, **changes) -> dict:
    data = {
        "name": group.name, "short_name": group.short_name or "", "type": group.type.value,
        "level": group.level.value, "healthcare_region_id": group.healthcare_region_id or "",
        "region_id": group.region_id or "", "focus_area_id": "", "mandate": group.mandate,
        "formed_on": group.formed_on.isoformat() if group.formed_on else "", "wound_up_on": "",
        "source": group.source, "version": str(group.version),
    }
    data.update(changes)
    return data


def test_create_update_archive_restore_are_logged(app):
    user_ids = {}
    from tests.conftest import make_user

    user = make_user("kim", Role.SECRETARIAT)
    user_ids["kim"] = user.id
    group = ops.create(Group(), user, name="NSG Prov", type=GroupType.NSG, level=Level.NATIONAL)
    db.session.commit()
    assert group.version == 1 and group.created_by_id == user.id

    changes = ops.update(group, user, {"mandate": "Nytt mandat", "name": "NSG Prov"})
    db.session.commit()
    assert changes == {"mandate": {"old": "", "new": "Nytt mandat"}}
    assert group.version == 2

    ops.archive(group, user)
    db.session.commit()
    assert group.is_archived and group.archived_by_id == user.id
    ops.restore(group, user)
    db.session.commit()
    assert not group.is_archived

    entries = history_for(group)
    assert [e.action for e in entries] == [ChangeAction.RESTORE, ChangeAction.ARCHIVE, ChangeAction.UPDATE,
                                           ChangeAction.CREATE]
    assert all(e.user_id == user.id for e in entries)
    assert [e.version for e in entries] == [4, 3, 2, 1]


def test_saving_unchanged_form_writes_no_log_row(app):
    group = f.group()
    assert ops.update(group, None, {"name": group.name}) == {}
    db.session.commit()
    assert group.version == 1
    assert len(history_for(group)) == 1


def test_reference_changes_are_logged_with_names(app):
    hr1 = f.healthcare_region("Sjukvårdsregion Ett", "Ett")
    hr2 = f.healthcare_region("Sjukvårdsregion Två", "Två")
    group = f.group("RSG Flytt", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr1.id)
    ops.update(group, None, {"healthcare_region_id": hr2.id})
    db.session.commit()
    change = history_for(group)[0].changes["healthcare_region_id"]
    assert change == {"old": hr1.id, "new": hr2.id, "old_label": "Sjukvårdsregion Ett",
                      "new_label": "Sjukvårdsregion Två"}


def test_edit_through_the_web_shows_in_history(app, login_as):
    group = f.group("NSG Webb")
    b = login_as(Role.SECRETARIAT)
    response = b.post(f"/groups/{group.id}/edit", group_form_data(group, mandate="Ansvarar för webben."))
    assert response.status_code == 302
    page = b.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Historik" in page and "Ansvarar för webben." in page
    entry = history_for(group)[0]
    assert entry.user_id == b.user.id
    assert entry.changes["mandate"]["new"] == "Ansvarar för webben."


def test_archived_record_leaves_lists_but_stays_readable_and_restorable(app, login_as):
    group = f.group("NSG Arkiv")
    b = login_as(Role.SECRETARIAT)
    assert "NSG Arkiv" in b.get("/groups/").get_data(as_text=True)
    assert b.post(f"/groups/{group.id}/archive", {"do": "archive"}, form_url=f"/groups/{group.id}") \
        .status_code == 302
    assert "har arkiverats" in b.get(f"/groups/{group.id}").get_data(as_text=True)  # the flash
    assert "NSG Arkiv" not in b.get("/groups/").get_data(as_text=True)
    assert "NSG Arkiv" in b.get("/groups/?archived=1&status=all").get_data(as_text=True)
    page = b.get(f"/groups/{group.id}")
    assert page.status_code == 200 and "Arkiverad" in page.get_data(as_text=True)
    assert db.session.get(Group, group.id) is not None  # never deleted
    b.post(f"/groups/{group.id}/archive", {"do": "restore"}, form_url=f"/groups/{group.id}")
    assert "NSG Arkiv" in b.get("/groups/").get_data(as_text=True)


def test_stale_save_is_refused_and_shows_what_changed(app, login_as):
    group = f.group("NSG Samtidig", mandate="Ursprungligt mandat")
    alice = login_as(Role.SECRETARIAT, username="alice")
    bob = login_as(Role.SECRETARIAT, username="bob")

    # Both open the edit form on version 1.
    alice_form = alice.get(f"/groups/{group.id}/edit").get_data(as_text=True)
    assert VERSION_RE.search(alice_form).group(1) == "1"
    bob.get(f"/groups/{group.id}/edit")

    # Bob saves first.
    assert bob.post(f"/groups/{group.id}/edit",
                    group_form_data(group, mandate="Bobs mandat", version="1")).status_code == 302

    # Alice's save, based on version 1, is refused; her input is kept; Bob's change is shown.
    response = alice.post(f"/groups/{group.id}/edit",
                          group_form_data(group, mandate="Alices mandat", name="NSG Samtidig", version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Någon annan har ändrat posten" in page
    assert "Alices mandat" in page  # what she typed
    assert "Bobs mandat" in page and "bob" in page.lower()  # what changed, and who
    db.session.expire_all()
    assert db.session.get(Group, group.id).mandate == "Bobs mandat"
    log_rows = db.session.scalar(sa.select(sa.func.count()).select_from(ChangeLog).where(
        ChangeLog.entity_id == group.id, ChangeLog.entity_type == "groups"))
    assert log_rows == 2

    # The form now carries the current version: saving again is a deliberate overwrite.
    assert VERSION_RE.search(page).group(1) == "2"
    assert alice.post(f"/groups/{group.id}/edit",
                      group_form_data(group, mandate="Alices mandat", version="2")).status_code == 302
    assert db.session.get(Group, group.id).mandate == "Alices mandat"


def test_database_refuses_a_write_that_raced_past_the_form_check(app):
    """Even without the form's version, two sessions writing the same row cannot both win."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    group = f.group("NSG Kapplöpning")
    with Session(db.engine) as other:
        theirs = other.get(Group, group.id)
        ops_group = db.session.get(Group, group.id)
        ops_group.mandate = "Först"
        db.session.commit()
        theirs.mandate = "Sist"
        try:
            other.commit()
            raised = False
        except StaleDataError:
            raised = True
    assert raised
    assert db.session.get(Group, group.id).mandate == "Först"


def test_every_audited_model_says_where_it_is_shown(app):
    """The start page's latest changes link each change to the page showing its record: every model with a
    change log declares that page (None only for accounts), and the page's endpoint takes the id it gets."""
    from app.auth.models import User
    from app.core.audit import audited_models
    from app.core.models import RecordPage
    from app.meetings.models import AgendaItem

    models = audited_models()
    assert {User, AgendaItem, Group} <= set(models)  # all areas' models are mapped, not just core's
    assert [m.__name__ for m in models if not hasattr(m, "__record_page__")] == []
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for model in models:
        page = model.__record_page__
        if page is None:
            assert model is User, f"{model.__name__} is left off the start page"
            continue
        assert isinstance(page, RecordPage), model.__name__
        rule = rules.get(page.endpoint)
        assert rule is not None, f"{model.__name__}: no endpoint {page.endpoint}"
        assert "GET" in rule.methods, f"{model.__name__}: {page.endpoint} is not a page"
        assert rule.arguments == ({"record_id"} if page.id_attr else set()), f"{model.__name__}: {page.endpoint}"
        if page.id_attr:
            assert page.id_attr in sa.inspect(model).columns, f"{model.__name__}.{page.id_attr}"
