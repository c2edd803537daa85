from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from app.auth.models import Role
from app.auth.operations import username_problem
from app.core.forms import EnumSelectField, PickerField, RecordForm, max_length, required


class UserForm(RecordForm):
    """An account's name, role and person. `record_id` (set by the view) is the account being edited,
    so that its own name is not "taken"."""

    record_id: int | None = None
    username = StringField(_l("Användarnamn"), validators=[required(), max_length(80)],
                           render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
    display_name = StringField(_l("Namn"), validators=[required(), max_length(200)])
    # No role is preselected: the first would be "Administratör".
    role = EnumSelectField(_l("Roll"), Role, blank=_l("– välj –"), required_message=_l("Välj en roll."))
    person_id = PickerField(_l("Person i registret"), "person", blank=_l("– ingen –"))

    def validate_username(self, field):
        problem = username_problem(field.data, self.record_id)
        if problem is not None:
            raise ValidationError(problem)

    def record_values(self) -> dict:
        values = super().record_values()
        values["display_name"] = values["display_name"].strip()
        return values

