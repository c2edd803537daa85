from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from app.core.forms import Form


class AnswerForm(Form):
    """Kommer du? Two buttons named `answer` (attending / absent); a radio list without JavaScript works too."""

    answer = RadioField(_l("Svar"), choices=[SelectChoice("attending", _l("Jag kommer")),
                                                 SelectChoice("absent", _l("Jag har förhinder"))],
                        validators=[InputRequired(message=_l("Svara att du kommer eller att du har förhinder."))])
