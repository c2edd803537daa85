"""Forms of the regions' stance and data maturity."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from app.competence.regions.models import MATURITY_LEVELS, MaturityArea, Stance
from app.core.forms import (
    EnumSelectField,
    Form,
    PickerField,
    RecordForm,
    SwedishDateField,
    max_length,
    optional,
    required,
)


class StanceForm(RecordForm):
    organisation_id = PickerField(_l("Region"), "organisation", blank=_l("– välj –"), required=True)
    stance = EnumSelectField(_l("Inställning"), Stance, required_message=_l("Välj inställning."))
    recorded_on = SwedishDateField(_l("Datum"), validators=[required()], default=date.today)
    source = StringField(_l("Källa"), validators=[optional(), max_length(300)])
    note = TextAreaField(_l("Kommentar"), validators=[optional(), max_length(20000)])


class MaturityForm(Form):
    organisation_id = PickerField(_l("Region"), "organisation", blank=_l("– välj –"), required=True)
    area = EnumSelectField(_l("Område"), MaturityArea, required_message=_l("Välj område."))
    level = SelectField(_l("Nivå"), choices=[SelectChoice("", _l("– välj –"))] + [
        SelectChoice(str(n), str(n)) for n in MATURITY_LEVELS], validators=[required()])
    assessed_on = SwedishDateField(_l("Datum"), validators=[required()], default=date.today)
    source = StringField(_l("Källa"), validators=[optional(), max_length(300)])

    def record_values(self) -> dict:
        return {"organisation_id": self.organisation_id.data, "area": self.area.data,
                "level": int(self.level.data) if (self.level.data or "").isdigit() else None,
                "assessed_on": self.assessed_on.data, "source": self.source.data.strip()}
