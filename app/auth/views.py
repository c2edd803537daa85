"""Sign-in and sign-out, the one-time password link, and each user's own account: password,
sign-in sessions and API tokens."""

from datetime import date, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import operations, sessions
from app.auth.forms import LoginForm, PasswordChangeForm, PasswordLinkForm, TokenForm
from app.auth.models import ApiToken, User, UserSession
from app.auth.operations import CredentialsRefused, SignInThrottled
from app.auth.queries import tokens_of
from app.core import operations as ops
from app.core.crud import load, post_from_page, require, save
from app.core.forms import ConfirmForm
from app.core.models import utcnow
from app.core.routing import int_arg, safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


def throttled(until, template: str, **context):
    """429 with when to try again, the same for an existing and an unknown account."""
    minutes = max(1, -(-int((until - utcnow()).total_seconds()) // 60))
    message = _("För många misslyckade inloggningsförsök. Av säkerhetsskäl är inloggningen spärrad i "
                "%(minutes)s minuter, till kl. %(time)s. Försök igen då, eller kontakta en administratör.",
                minutes=minutes, time=format_datetime(until, "HH:mm"))
    headers = {"Retry-After": str(max(1, int((until - utcnow()).total_seconds())))}
    return render_template(template, throttle_message=message, **context), 429, headers


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("overview.index"))
    form = LoginForm()
    if form.validate_on_submit():
        # Every outcome is committed: refused attempts are what the throttle counts.
        try:
            operations.sign_in(form.username.data, form.password.data, form.remember.data,
                               request.headers.get("User-Agent", ""))
        except SignInThrottled as err:
            ops.commit()
            return throttled(err.until, "auth/login.html", form=form)
        except CredentialsRefused as err:
            ops.commit()
            getattr(form, err.field).errors.append(err.message)
        else:
            ops.commit()
            return redirect(safe_next(request.args.get("next"), url_for("overview.index")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit() and current_user.is_authenticated:
        operations.sign_out(current_user._get_current_object())
        ops.commit()
        flash(_("Du är utloggad."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password/<secret>", methods=["GET", "POST"])
def password_link(secret: str):
    """Choose a password through a one-time link (a new account, or after a reset)."""
    link = operations.find_password_link(secret) if len(secret) < 100 else None
    if link is None:
        from app.auth.models import SecurityEventKind

        operations.record_event(SecurityEventKind.PASSWORD_LINK_REFUSED)
        ops.commit()
        return render_template("auth/password_link.html", link=None), 404
    form = PasswordLinkForm()
    form.account = link.user.username
    if form.validate_on_submit():
        if save(form, lambda: operations.use_password_link(link, form.new_password.data), None)[0]:
            flash(_("Ditt lösenord är sparat. Logga in med det."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password_link.html", link=link, form=form)


# --- My account ------------------------------------------------------------------------------

@bp.route("/account/")
def account():
    user = current_user._get_current_object()
    return render_template("auth/account.html", user=user, sessions=sessions.live_sessions(user.id),
                           tokens=tokens_of(user.id), current_session=getattr(user, "current_session", None))


def save_confirmed(form, write, message, template: str, **context):
    """`save` for a form that carries the user's password. A wrong one is committed as a failed
    attempt (the throttle counts it) and shown beside its field; a locked account gets 429.
    Returns (saved, the answer to give when not saved)."""
    try:
        if save(form, write, message)[0]:
            return True, None
    except SignInThrottled as err:
        ops.commit()
        return False, throttled(err.until, template, form=form, **context)
    except CredentialsRefused as err:
        ops.commit()
        getattr(form, err.field).errors.append(err.message)
    return False, render_template(template, form=form, **context)


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    form.account = user.username
    if form.validate_on_submit():
        saved, answer = save_confirmed(form, lambda: operations.change_own_password(
            user, form.old_password.data, form.new_password.data, form.revoke_tokens.data),
            _("Lösenordet är bytt. Dina andra inloggningar har avslutats."), "auth/password.html")
        return redirect(url_for(".account")) if saved else answer
    return render_template("auth/password.html", form=form)


def _button(model, record_id: int, action: str, write, message):
    """A button on a user's session or token (one's own, or an admin's on anyone's): load → check →
    act, then back to the page it was pressed on (`next`, same site only)."""
    record = load(model, record_id)
    require(action, record)
    back = safe_next(request.form.get("next"), url_for(".account"))
    return post_from_page(ConfirmForm(), lambda: write(record, current_user), message(record), back)


@bp.route("/account/sessions/<int:record_id>/end", methods=["POST"])
def end_session(record_id: int):
    return _button(UserSession, record_id, "end", operations.end_session, lambda _r: _("Inloggningen är avslutad."))


@bp.route("/account/sessions/end-others", methods=["POST"])
def end_other_sessions():
    user = current_user._get_current_object()
    return post_from_page(ConfirmForm(), lambda: operations.end_sessions(
        user, user, keep=getattr(user, "current_session", None)), _("Dina andra inloggningar är avslutade."),
        url_for(".account"))


@bp.route("/account/tokens/new", methods=["GET", "POST"])
def new_token():
    """Issue an API token for oneself or (an admin, `?user=`) for another account, e.g. a reader
    account that Power BI uses; the secret is shown on this one answer and never again."""
    user, back = current_user._get_current_object(), url_for(".account")
    other_id = int_arg("user")
    if other_id is not None and other_id != user.id:
        require("manage_users")
        user, back = load(User, other_id), url_for("users.show", record_id=other_id)
    form = TokenForm()
    if request.method == "GET":
        form.expires_on.data = date.today() + timedelta(days=90)
    context = dict(user=user, back=back, max_days=current_app.config["API_TOKEN_MAX_DAYS"])
    if form.validate_on_submit():
        made = {}

        def write():
            operations.confirm_password(current_user, form.password.data, "password")
            made["token"], made["secret"] = operations.issue_token(user, current_user, form.name.data,
                                                                   form.expires_on.data)

        saved, answer = save_confirmed(form, write, _("API-nyckeln är skapad."), "auth/token_new.html", **context)
        if not saved:
            return answer
        return render_template("auth/token_created.html", token=made["token"], secret=made["secret"],
                               user=user, back=back)
    return render_template("auth/token_new.html", form=form, **context)


@bp.route("/account/tokens/<int:record_id>/revoke", methods=["POST"])
def revoke_token(record_id: int):
    return _button(ApiToken, record_id, "revoke", operations.revoke_token,
                   lambda token: _("API-nyckeln %(name)s är återkallad.", name=str(token)))

