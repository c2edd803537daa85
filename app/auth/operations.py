"""Writes for accounts: sign-in and sign-out, passwords, one-time links, API tokens, sessions, and the
administration of users. Account changes go to the change log like every other record; sign-ins,
failures and session ends go to the security log."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth import security_log, sessions
from app.auth.models import (
    NO_PASSWORD,
    ApiToken,
    PasswordLink,
    Role,
    SecurityEvent,
    SecurityEventKind,
    SessionEndReason,
    User,
    UserSession,
    new_secret,
    secret_hash,
)
from app.auth.passwords import password_problem
from app.core import operations as ops
from app.core.models import utcnow
from app.core.operations import BusinessRuleError
from app.extensions import db

USERNAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")
# Checked when the user name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password")


class CredentialsRefused(Exception):
    """A wrong password (or a stopped account). Not a BusinessRuleError, whose changes are rolled
    back: the attempt itself must be committed, as it is what the throttle counts."""

    def __init__(self, message, field: str):
        super().__init__(str(message))
        self.message = message
        self.field = field


class SignInThrottled(Exception):
    """Too many failed sign-ins for this account or from this address."""

    def __init__(self, until: datetime):
        super().__init__(f"locked until {until}")
        self.until = until


def _who(actor) -> str:
    return getattr(actor, "username", None) or "command line"


def _reason(user: User, actor) -> SessionEndReason:
    return SessionEndReason.ENDED_BY_USER if getattr(actor, "id", None) == user.id else SessionEndReason.ENDED_BY_ADMIN


# --- The security log and sign-in sessions: their writes -------------------------------------

def record_event(kind: SecurityEventKind, username: str = "", user=None, detail: str = "") -> SecurityEvent:
    """Write one event, in the caller's transaction, and the same line to the process log."""
    values = security_log.event_values(kind, username, user, detail)
    event = SecurityEvent(**values)
    db.session.add(event)
    security_log.log_line(values)
    return event


def _reserve_attempt(kind: SecurityEventKind, username: str, user=None) -> int:
    """Count an attempt as failed before its password is checked, in a transaction of its own that
    commits at once. Concurrent attempts (several workers, several servers) then all see each other,
    so no more than the limit are ever checked; `_settle` then says what the attempt really was."""
    values = security_log.event_values(kind, username, user, "")
    with db.engine.begin() as connection:
        return connection.execute(sa.insert(SecurityEvent).values(created_at=utcnow(), **values)
                                  ).inserted_primary_key[0]


def _settle(attempt_id: int, kind: SecurityEventKind, username: str, user=None, detail: str = "") -> None:
    """What a reserved attempt turned out to be, and its log line. Committed at once like the
    reservation, so that a rule broken later in the request (a new password too short) cannot
    leave a right password counted as a wrong one."""
    values = security_log.event_values(kind, username, user, detail)
    with db.engine.begin() as connection:
        connection.execute(sa.update(SecurityEvent).where(SecurityEvent.id == attempt_id).values(
            kind=kind, user_id=values["user_id"], detail=values["detail"]))
    security_log.log_line(values)


def _failed(attempt_id: int, kind: SecurityEventKind, username: str, user=None, detail: str = "") -> None:
    """A reserved attempt that failed; when it is the one that reaches a limit, the lockout is
    logged too."""
    _settle(attempt_id, kind, username, user, detail)
    until = security_log.locked_until(username)
    if until is not None:
        record_event(SecurityEventKind.LOCKED_OUT, username, user,
                     detail=f"until {until.isoformat(timespec='seconds')}Z")


def _start_session(user: User, remember: bool, address: str, user_agent: str) -> UserSession:
    """A new sign-in for `user` in this browser: the record in the request's transaction, the key in
    a fresh cookie (nothing of the anonymous session carries over, but the chosen language)."""
    key, key_hash = new_secret()
    now = utcnow()
    record = UserSession(user_id=user.id, key_hash=key_hash, created_at=now, last_seen_at=now,
                         expires_at=now + sessions.lifetime(remember), remember=remember, address=address[:45],
                         user_agent=user_agent[:300])
    db.session.add(record)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = remember
    user.session_key = key
    user.current_session = record
    login_user(user, remember=False, fresh=True)
    return record


def _end_session(record: UserSession, reason: SessionEndReason, now: datetime | None = None) -> bool:
    """End one session (in the caller's transaction). False if it had ended already."""
    if record.ended_at is not None:
        return False
    record.ended_at = now or utcnow()
    record.end_reason = reason
    return True


def _end_all_sessions(user: User, reason: SessionEndReason, keep: UserSession | None = None) -> int:
    """End every live session of `user` (but `keep`); returns how many."""
    now = utcnow()
    stmt = sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    return db.session.execute(stmt.values(ended_at=now, end_reason=reason),
                              execution_options={"synchronize_session": "fetch"}).rowcount



# --- Sign-in, sign-out and sessions ----------------------------------------------------------

def _reserve(kind: SecurityEventKind, username: str, user=None, by_address: bool = True) -> int:
    """Refuse while locked; otherwise count this attempt as failed before its password is checked
    (see security_log.reserve_attempt) and refuse it too if that took the count past the limit."""
    def lock(beyond: int = 0):
        if by_address:
            return security_log.locked_until(username, beyond=beyond)
        return security_log.account_locked_until(username, beyond=beyond)

    until = lock()
    if until is not None:
        record_event(SecurityEventKind.SIGN_IN_BLOCKED, username, user)
        raise SignInThrottled(until)
    attempt = _reserve_attempt(kind, username, user)
    if lock(beyond=1) is not None:  # others got in first, at the same moment
        _settle(attempt, SecurityEventKind.SIGN_IN_BLOCKED, username, user)
        raise SignInThrottled(lock() or utcnow() + timedelta(minutes=1))
    return attempt


def sign_in(username: str, password: str, remember: bool, user_agent: str) -> User:
    """Check the throttle, then the password; start a session. Every outcome is logged."""
    attempt = _reserve(SecurityEventKind.SIGN_IN_FAILED, username)
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))
    if user is None or not user.has_password:
        # As long as checking a real password: the answer's time must not tell which accounts exist.
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not user.check_password(password):
        _failed(attempt, SecurityEventKind.SIGN_IN_FAILED, username, user)
        raise CredentialsRefused(_l("Fel användarnamn eller lösenord."), "password")
    if not user.is_active:
        _failed(attempt, SecurityEventKind.SIGN_IN_FAILED, username, user, detail="deactivated")
        raise CredentialsRefused(_l("Kontot är avstängt. Kontakta en administratör."), "username")
    _settle(attempt, SecurityEventKind.SIGNED_IN, user.username, user)
    _start_session(user, remember, security_log.client_address(), security_log.printable(user_agent, 300))
    return user


def confirm_password(user: User, password: str, field: str) -> None:
    """The signed-in user proves it is them before a sensitive change (a new password, a new API
    token): a stolen session alone is not enough. Wrong answers count like failed sign-ins."""
    attempt = _reserve(SecurityEventKind.PASSWORD_CONFIRM_FAILED, user.username, user, by_address=False)
    if not user.check_password(password):
        _failed(attempt, SecurityEventKind.PASSWORD_CONFIRM_FAILED, user.username, user)
        raise CredentialsRefused(_l("Lösenordet stämmer inte."), field)
    _settle(attempt, SecurityEventKind.PASSWORD_CONFIRMED, user.username, user)


def sign_out(user: User) -> None:
    record = getattr(user, "current_session", None)
    if record is not None:
        _end_session(record, SessionEndReason.SIGNED_OUT)
    record_event(SecurityEventKind.SIGNED_OUT, user.username, user)
    logout_user()


def end_session(record: UserSession, actor: User) -> None:
    """End one sign-in session: one's own, or (an admin) anyone's."""
    reason = _reason(record.user, actor)
    if _end_session(record, reason):
        record_event(SecurityEventKind.SESSION_ENDED, record.user.username, record.user,
                            detail=f"{reason.value} by {_who(actor)}")


def end_sessions(user: User, actor: User, keep: UserSession | None = None) -> int:
    return _end_all(user, _reason(user, actor), actor, keep)


def _end_all(user: User, reason: SessionEndReason, actor, keep: UserSession | None = None) -> int:
    ended = _end_all_sessions(user, reason, keep=keep)
    if ended:
        record_event(SecurityEventKind.SESSION_ENDED, user.username, user,
                            detail=f"{ended} ({reason.value}) by {_who(actor)}")
    return ended


def unlock(username: str, actor: User) -> None:
    """Lift a sign-in lock on an account before its time (the owner called the admin)."""
    record_event(SecurityEventKind.UNLOCKED, username, detail=f"by {_who(actor)}")


# --- Passwords -------------------------------------------------------------------------------

def _check_new_password(user: User, password: str, field: str = "new_password") -> None:
    problem = password_problem(password, user.username)
    if problem is not None:
        raise BusinessRuleError(problem, field)


def change_own_password(user: User, old_password: str, new_password: str, revoke_tokens_too: bool = False) -> None:
    """The signed-in user changes their password: the old one is required; every other session
    ends and this browser gets a fresh one; API tokens go too if asked."""
    _check_new_password(user, new_password)
    try:
        confirm_password(user, old_password, "old_password")
    except CredentialsRefused as err:
        raise CredentialsRefused(_l("Det nuvarande lösenordet stämmer inte."), err.field) from None
    if check_password_hash(user.password_hash, new_password):
        raise BusinessRuleError(_l("Välj ett annat lösenord än det nuvarande."), "new_password")
    _set_password(user, new_password, user)
    current = getattr(user, "current_session", None)
    _end_all(user, SessionEndReason.PASSWORD_CHANGED, user)
    if revoke_tokens_too:
        revoke_tokens(user, user)
    record_event(SecurityEventKind.PASSWORD_CHANGED, user.username, user)
    if current is not None:
        _start_session(user, current.remember, current.address, current.user_agent)


def _set_password(user: User, password: str | None, actor) -> None:
    """A new password (None: none until the owner chooses one); its date is what History shows."""
    ops.update(user, actor, {"password_hash": generate_password_hash(password) if password else NO_PASSWORD,
                             "password_changed_at": utcnow()})


def set_password(user: User, password: str, actor) -> None:
    """Set a password directly (the command line)."""
    _check_new_password(user, password, "password")
    _set_password(user, password, actor)
    _end_all(user, SessionEndReason.PASSWORD_CHANGED, actor)


def issue_password_link(user: User, actor, for_new_account: bool = False) -> str:
    """A one-time link to choose a password; returns its secret (shown once). A reset also makes the
    old password stop working, ends the account's sessions and revokes its API tokens at once: an
    account reset because it may be in the wrong hands keeps nothing that works without the password."""
    now = utcnow()
    # Only the newest link works: earlier ones are spent.
    db.session.execute(sa.update(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
                       .values(used_at=now))
    secret, token_hash = new_secret()
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    db.session.add(PasswordLink(user_id=user.id, token_hash=token_hash, for_new_account=for_new_account,
                                created_at=now, created_by_id=getattr(actor, "id", None),
                                expires_at=now + timedelta(hours=hours)))
    if not for_new_account:
        _set_password(user, None, actor)
        _end_all(user, SessionEndReason.PASSWORD_RESET, actor)
        revoke_tokens(user, actor)
    db.session.flush()
    return secret


def find_password_link(secret: str) -> PasswordLink | None:
    link = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.token_hash == secret_hash(secret)))
    if link is None or not link.is_usable(utcnow()) or not link.user.is_active:
        return None
    return link


def use_password_link(link: PasswordLink, new_password: str) -> None:
    user = link.user
    _check_new_password(user, new_password)
    link.used_at = utcnow()
    _set_password(user, new_password, user)
    _end_all(user, SessionEndReason.PASSWORD_CHANGED, user)
    record_event(SecurityEventKind.PASSWORD_LINK_USED, user.username, user)


# --- API tokens ------------------------------------------------------------------------------

def _expiry(expires_on: date | None) -> datetime:
    today = date.today()
    latest = today + timedelta(days=current_app.config["API_TOKEN_MAX_DAYS"])
    if expires_on is None:
        expires_on = today + timedelta(days=90)
    if expires_on <= today:
        raise BusinessRuleError(_l("Välj ett datum efter i dag."), "expires_on")
    if expires_on > latest:
        raise BusinessRuleError(_l("En nyckel gäller högst till %(day)s.", day=latest.isoformat()), "expires_on")
    return datetime.combine(expires_on + timedelta(days=1), time())  # valid through that day


def issue_token(user: User, actor, name: str, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """A personal API token for `user`; returns it and its secret (shown once, stored hashed)."""
    if not user.is_active:
        raise BusinessRuleError(_l("Kontot är avstängt."))
    secret, token_hash = new_secret()
    token = ApiToken(user_id=user.id, token_hash=token_hash, name=name.strip(), created_at=utcnow(),
                     expires_at=_expiry(expires_on))
    ops.add_child(user, token, actor, "api_tokens", _token_label(token))
    return token, secret


def _token_label(token: ApiToken) -> str:
    # Stored in the history as plain text: the name and the last day, no words to translate.
    return f"{token} (–{token.last_day.isoformat()})"


def revoke_token(token: ApiToken, actor) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    ops.child_removed(token.user, actor, "api_tokens", _token_label(token))


def revoke_tokens(user: User, actor) -> int:
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                          ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        revoke_token(token, actor)
    return len(tokens)


# --- Administration of users -----------------------------------------------------------------

def username_problem(username: str, user_id: int | None = None):
    """Why `username` cannot name an account (other than `user_id`'s), or None. Case does not count:
    "Eva" and "eva" are one name."""
    username = (username or "").strip().lower()
    if not username or not set(username) <= USERNAME_CHARACTERS:
        return _l("Använd små bokstäver a–z, siffror och . _ - @.")
    clash = db.session.scalar(sa.select(User.id).where(
        sa.func.lower(User.username) == username, User.id != (user_id or -1)))
    return _l("Användarnamnet är upptaget.") if clash is not None else None


def _check_user(values: dict, user: User | None = None) -> None:
    username = values.get("username")
    if username is not None:
        problem = username_problem(username, user.id if user else None)
        if problem is not None:
            raise BusinessRuleError(problem, "username")
    person_id = values.get("person_id")
    if person_id is not None:
        from app.people.models import Person

        person = db.session.get(Person, person_id)
        if person is None or person.is_archived:
            raise BusinessRuleError(_l("Välj en person."), "person_id")
        taken = db.session.scalar(sa.select(User.username).where(
            User.person_id == person_id, User.id != (user.id if user else -1)))
        if taken is not None:
            raise BusinessRuleError(_l("Personen har redan kontot %(name)s.", name=taken), "person_id")


def _other_active_admins(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.archived_at.is_(None), User.id != user.id))


def create_user(values: dict, actor, password: str | None = None) -> tuple[User, str | None]:
    """Create an account. With `password` (the command line) it is set at once; otherwise a one-time
    link is made for the new user to choose one, and its secret is returned (shown once)."""
    values = dict(values, username=values["username"].strip().lower())
    _check_user(values)
    if password is not None:
        problem = password_problem(password, values["username"])
        if problem is not None:
            raise BusinessRuleError(problem, "password")
        values.update(password_hash=generate_password_hash(password), password_changed_at=utcnow())
    user = ops.create(User(), actor, **values)
    secret = None if password is not None else issue_password_link(user, actor, for_new_account=True)
    return user, secret


def update_user(user: User, values: dict, actor, expected_version: int | None = None) -> dict:
    """Change name, role or linked person. A change of role or person changes rights, so the user's
    sessions end at once and they sign in again with the new rights."""
    ops.check_version(user, expected_version)
    values = dict(values)
    if "username" in values:
        values["username"] = values["username"].strip().lower()
    _check_user(values, user)
    if values.get("role", user.role) != Role.ADMIN and user.role == Role.ADMIN and not _other_active_admins(user):
        raise BusinessRuleError(_l("Det måste finnas minst en aktiv administratör."), "role")
    changes = ops.update(user, actor, values)
    if {"role", "person_id"} & changes.keys():
        _end_all(user, SessionEndReason.RIGHTS_CHANGED, actor)
    return changes


def deactivate_user(user: User, actor) -> None:
    """Stop the account: its sessions end and its API tokens stop working (they work again if the
    account is activated, unless revoked)."""
    if user.role == Role.ADMIN and not _other_active_admins(user):
        raise BusinessRuleError(_l("Det måste finnas minst en aktiv administratör."))
    ops.archive(user, actor)
    _end_all(user, SessionEndReason.DEACTIVATED, actor)


def activate_user(user: User, actor) -> None:
    ops.restore(user, actor)
