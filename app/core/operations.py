"""Generic writes for audited records: each one flushes the change and its log row together.

Area operations (app/<area>/operations.py) add their business rules and call these.
"""

from flask_babel import lazy_gettext as _l

from app.core.audit import ChangeAction, creation_changes, diff, history_for, log_change, serialize, snapshot
from app.core.models import utcnow
from app.extensions import db


class BusinessRuleError(ValueError):
    """A rule broken by otherwise well-formed input; `field` names the form field to flag."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class StaleRecordError(Exception):
    """The form was based on an older version: someone else saved in between."""

    message = _l("Någon annan har ändrat posten sedan du öppnade formuläret. "
                 "Dina uppgifter är kvar nedan; se vad som ändrats innan du sparar igen.")

    def __init__(self, record, since_version: int):
        super().__init__(f"{record!r} changed since version {since_version}")
        self.record = record
        self.since_version = since_version

    @property
    def changes(self):
        return history_for(self.record, since_version=self.since_version)


def _user_id(user) -> int | None:
    # Read before touching the record: loading an expired user would autoflush a half-made change
    # and bump the version twice.
    return getattr(user, "id", None)


def _log_on_parents(record, user, old, new) -> None:
    """A record that belongs to others (an agenda item to its meeting, a decision link to its
    decision and assignment) is also an added, changed or removed line in their history:
    `__log_parents__` maps the relationship to each parent to the field it reads as there."""
    for relation, field in getattr(record, "__log_parents__", {}).items():
        parent = getattr(record, relation)
        if parent is not None:
            log_change(parent, ChangeAction.UPDATE, user, {field: {"old": serialize(old), "new": serialize(new)}})


def create(record, user, **values):
    user_id = _user_id(user)
    for key, value in values.items():
        setattr(record, key, value)
    record.created_by_id = record.updated_by_id = user_id
    db.session.add(record)
    db.session.flush()
    log_change(record, ChangeAction.CREATE, user, creation_changes(record))
    _log_on_parents(record, user, None, str(record))
    return record


def check_version(record, expected_version: int | None) -> None:
    """Refuse a save based on a form rendered from an older version of the record."""
    if expected_version is not None and expected_version != record.version:
        raise StaleRecordError(record, expected_version)


def update(record, user, values: dict, expected_version: int | None = None) -> dict:
    """Apply `values`; refuse if the record moved past `expected_version`. Returns the diff."""
    check_version(record, expected_version)
    user_id = _user_id(user)
    label_before = str(record) if getattr(record, "__log_parents__", None) else None
    # One UPDATE per save, so the version moves by one: no flush until the diff is known.
    with db.session.no_autoflush:
        before = snapshot(record)
        for key, value in values.items():
            setattr(record, key, value)
        changes = diff(before, snapshot(record))
        if not changes:
            return {}
        record.updated_by_id = user_id
    db.session.flush()
    log_change(record, ChangeAction.UPDATE, user, changes)
    if label_before is not None and str(record) != label_before:
        _log_on_parents(record, user, label_before, str(record))
    return changes


def set_links(record, user, choices: dict) -> dict:
    """Many-to-many choices, `{attr: (model, ids or None)}`; a change is logged and bumps the version
    like any field (None leaves that choice as it is). Returns the changes."""
    import sqlalchemy as sa

    changes = {}
    for attr, (model, ids) in choices.items():
        if ids is None:
            continue
        before = getattr(record, attr)
        after = list(db.session.scalars(sa.select(model).where(model.id.in_(ids))))
        if sorted(r.id for r in before) != sorted(r.id for r in after):
            changes[attr] = {"old": sorted(r.id for r in before), "new": sorted(r.id for r in after),
                             "old_label": ", ".join(map(str, before)) or None,
                             "new_label": ", ".join(map(str, after)) or None}
            setattr(record, attr, after)
    if changes:
        record.updated_at = utcnow()  # an UPDATE, so the version moves and stale forms are caught
        db.session.flush()
        log_change(record, ChangeAction.UPDATE, user, changes)
    return changes


def commit() -> None:
    """The one place changes are committed: once per request (app.core.crud.save and the views that
    keep a refused attempt), once per command-line action, once per seed run."""
    db.session.commit()


def add_child(parent, child, user, field: str, label=None):
    """A child row (an attendance, a dispatch, a user's API token …) added: flushed together with an
    "added" entry in its parent's history, `field` naming the collection and `label` what was added
    (a function of the flushed child, or a value; the child's str by default)."""
    db.session.add(child)
    db.session.flush()
    if callable(label):
        label = label(child)
    add_children(parent, [], user, field, label if label is not None else str(child))
    return child


def change_child(parent, child, user, field: str, values: dict, describe) -> bool:
    """A child row changed (an attendance's status, a dispatch sent): the new values, and an entry in
    its parent's history reading `describe(child)` before and after. False when nothing changed."""
    before = describe(child)
    changed = False
    for key, value in values.items():
        if getattr(child, key) != value:
            setattr(child, key, value)
            changed = True
    if not changed:
        return False
    db.session.flush()
    log_change(parent, ChangeAction.UPDATE, user,
               {field: {"old": serialize(before), "new": serialize(describe(child))}})
    return True


def add_children(parent, children: list, user, field: str, new, label=None) -> list:
    """Child rows added together (a version's ranking): one "added" entry in the parent's history,
    its value `new` (JSON) read as `label`."""
    if children:
        db.session.add_all(children)
        db.session.flush()
    entry = {"old": None, "new": serialize(new)}
    if label is not None:
        entry["new_label"] = serialize(label)
    log_change(parent, ChangeAction.UPDATE, user, {field: entry})
    return children


def child_removed(parent, user, field: str, label) -> None:
    """A child row taken away (revoked, ended): a "removed" entry in its parent's history. The row
    itself stays, marked by the caller, as nothing is deleted."""
    db.session.flush()
    log_change(parent, ChangeAction.UPDATE, user, {field: {"old": serialize(label), "new": None}})


def archive(record, user) -> None:
    if record.archived_at is not None:
        return
    user_id = _user_id(user)
    record.archived_at = utcnow()
    record.archived_by_id = record.updated_by_id = user_id
    db.session.flush()
    log_change(record, ChangeAction.ARCHIVE, user, {})
    _log_on_parents(record, user, str(record), None)


def restore(record, user) -> None:
    if record.archived_at is None:
        return
    user_id = _user_id(user)
    record.archived_at = None
    record.archived_by_id = None
    record.updated_by_id = user_id
    db.session.flush()
    log_change(record, ChangeAction.RESTORE, user, {})
    _log_on_parents(record, user, None, str(record))
