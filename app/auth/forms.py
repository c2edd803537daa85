from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import EqualTo, ValidationError

from app.auth.passwords import password_problem
from app.core.forms import Form, SwedishDateField, max_length, optional, required


class LoginForm(Form):
    username = StringField(_l("Användarnamn"), validators=[required(), max_length(80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(_l("Lösenord"), validators=[required(), max_length(200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Kom ihåg mig på den här enheten"))


def _new_password_fields():
    new = PasswordField(_l("Nytt lösenord"), validators=[required(), max_length(200)],
                        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Upprepa det nya lösenordet"),
                           validators=[required(), EqualTo("new_password", _l("Lösenorden är inte lika."))],
                           render_kw={"autocomplete": "new-password"})
    return new, repeat


# Made before the new-password fields, so that forms list it first (WTForms keeps creation order).
_OLD_PASSWORD = PasswordField(_l("Nuvarande lösenord"), validators=[required(), max_length(200)],
                              render_kw={"autocomplete": "current-password"})


class _NewPasswordForm(Form):
    """A new password, checked against the password rule beside the field. `account` (set by the
    view) is the user name the password may not contain."""

    account = ""
    new_password, repeat_password = _new_password_fields()

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", self.account)
        if problem is not None:
            raise ValidationError(problem)


class PasswordChangeForm(_NewPasswordForm):
    old_password = _OLD_PASSWORD
    revoke_tokens = BooleanField(_l("Återkalla också mina API-nycklar"))


class PasswordLinkForm(_NewPasswordForm):
    pass


class TokenForm(Form):
    name = StringField(_l("Vad nyckeln används till"), validators=[required(), max_length(120)],
                       render_kw={"placeholder": _l("t.ex. Power BI, kvartalsrapport")})
    expires_on = SwedishDateField(_l("Gäller till och med"), validators=[optional()])
    # A key outlives sessions and password changes: whoever makes one proves who they are.
    password = PasswordField(_l("Ditt lösenord"), validators=[required(), max_length(200)],
                             render_kw={"autocomplete": "current-password"})
