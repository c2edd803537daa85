from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField

from app.core.forms import Form, max_length, required


class LoginForm(Form):
    username = StringField(_l("Användarnamn"), validators=[required(), max_length(80)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Lösenord"), validators=[required()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Kom ihåg mig på den här datorn"))
