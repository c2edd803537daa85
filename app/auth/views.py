"""Sign-in and sign-out."""

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.models import User
from app.core.forms import ConfirmForm
from app.core.models import utcnow
from app.core.views import safe_next
from app.extensions import db

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("overview.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.username == form.username.data.strip()))
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append(_("Fel användarnamn eller lösenord."))
        elif not user.is_active:
            form.username.errors.append(_("Kontot är avstängt. Kontakta en administratör."))
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("overview.index")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        logout_user()
    return redirect(url_for("auth.login"))
