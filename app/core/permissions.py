"""The one permission check: `can(user, action, record)`, used by views and templates alike.

Actions: "view", "create", "edit", "archive" (archive and restore), "add_member",
"manage_users" (accounts, their sessions and tokens, the security log: admins only), "end" (a
sign-in session), "revoke" (an API token), and per area e.g. "transition", "report", "dispatch".
`record` is a model instance, or a model class for "create".

Rights come from three places:
- the user's role: admin may do everything; the secretariat maintains the register;
  the competence centre and readers read;
- ownership: a user ends their own sign-in sessions and revokes their own API tokens
  (a model's `__owner_attr__` and `__owner_actions__`);
- memberships: the chair or secretary of a group may edit that group's records. A model says
  which group governs a record (`governing_group_id`) and which actions that delegation covers
  (`__group_actions__`); a model whose actions belong to different groups (an assignment: the
  principal edits it, the recipient reports on it) says so in `groups_for_action(action)`,
  and may name people a chair delegated an action to in `delegated_person_ids(action)`;
- names: an action done in one's own name (an adjuster approving minutes, `__named_actions__`) is
  open only to the people the record names, whatever their role;
- locks: a record frozen by another (an agenda item in approved minutes) refuses its `locked_actions`.
"""

from datetime import date

from flask_babel import lazy_gettext as _l

from app.core.operations import BusinessRuleError
from app.core.roles import Role

READ_ACTIONS = {"view"}
# Areas (a model's `__permission_area__`) each role maintains, beyond reading.
ROLE_AREAS = {
    Role.SECRETARIAT: {"structure", "governance"},
    Role.COMPETENCE_CENTRE: {"competence_centre"},
    Role.READER: set(),
}
# Roles within a group that carry the group's editing rights.
GOVERNING_MEMBER_ROLES = {"chair", "secretary"}


def governed_group_ids(user, on: date | None = None) -> frozenset[int]:
    """Groups whose records the user may edit through a chair or secretary membership.

    Cached on the user object, which Flask-Login loads afresh for each request.
    """
    cached = getattr(user, "_governed_group_ids", None)
    if cached is not None and on is None:
        return cached
    lookup = getattr(user, "governed_group_ids", None)  # the account model answers (app.auth.models)
    ids = lookup(on or date.today()) if lookup is not None else frozenset()
    if on is None:
        user._governed_group_ids = ids
    return ids


def group_scope(user, model) -> frozenset[int] | None:
    """The groups `user` may register `model` records for: None means any group (by role, or the
    system itself – seed and CLI – when there is no user)."""
    if user is None or user.role == Role.ADMIN:
        return None
    if getattr(model, "__permission_area__", None) in ROLE_AREAS.get(user.role, set()):
        return None
    return governed_group_ids(user)


class NotAllowed(Exception):
    """An operation was asked to change a record the user may not change: answered with 403 and
    nothing saved (app.core.crud.save)."""

    def __init__(self, action: str, record):
        super().__init__(f"{action} on {record!r} not allowed")
        self.action, self.record = action, record


def authorize(user, action: str, record) -> None:
    """For operations: refuse unless `user` may do `action` on `record`. Views check the record they
    load; an operation that also changes another record (an assignment, when a decision's link to it
    goes) checks that one here, so no route can reach it around the check. `user` None is the system
    itself (seed, command line)."""
    if user is not None and not can(user, action, record):
        raise NotAllowed(action, record)


def check_group_choice(user, model, group_id: int | None, field: str) -> None:
    """Refuse a record placed in (or moved to) a group the user has no rights in; a chair may
    not hand a decision, meeting or assignment over to another group."""
    scope = group_scope(user, model)
    if scope is not None and group_id not in scope:
        raise BusinessRuleError(_l("Du kan bara välja grupper där du är ordförande eller sekreterare."), field)


def can(user, action: str, record=None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action in READ_ACTIONS:
        return True
    # An archived record is read and restored, not changed, nor given new children: restore it first.
    if getattr(record, "is_archived", False) is True and action != "archive":
        return False
    # A record frozen by another (an agenda item, a decision, in approved minutes) keeps only some actions.
    if not isinstance(record, type) and action in (getattr(record, "locked_actions", None) or ()):
        return False
    model = record if isinstance(record, type) else type(record)
    if action in getattr(model, "__named_actions__", ()):
        # Done in one's own name (an adjuster approving minutes): only by the people the record names.
        return not isinstance(record, type) and bool(user.person_id) and user.person_id in (
            record.delegated_person_ids(action))
    if user.role == Role.ADMIN:
        return True
    if action == "manage_users" or record is None:
        return False
    owner_attr = getattr(model, "__owner_attr__", None)
    if owner_attr is not None:
        # A user's own sign-in sessions and API tokens: theirs to end and revoke, nobody else's.
        return (not isinstance(record, type) and action in model.__owner_actions__
                and getattr(record, owner_attr) == user.id)
    area = getattr(model, "__permission_area__", None)
    if area in ROLE_AREAS.get(user.role, set()):
        return True
    group_actions = getattr(model, "__group_actions__", ())
    if isinstance(record, type):
        # A chair may create records of this kind for their own groups (checked again on save).
        return action == "create" and "create" in group_actions and bool(governed_group_ids(user))
    if action not in group_actions:
        return False
    if hasattr(record, "groups_for_action"):
        group_ids = record.groups_for_action(action)
    else:
        group_ids = {record.governing_group_id}
    if group_ids & governed_group_ids(user):
        return True
    # A chair may delegate a task (e.g. status reporting) to named people.
    delegated = getattr(record, "delegated_person_ids", None)
    return bool(delegated and user.person_id and user.person_id in delegated(action))
