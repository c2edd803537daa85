from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from app.core.forms import (
    EnumSelectField,
    RecordForm,
    ReferenceSelectField,
    SwedishDecimalField,
    max_length,
    optional,
    required,
)
from app.organisations.models import OrganisationKind


class OrganisationForm(RecordForm):
    name = StringField(_l("Namn"), validators=[required(), max_length(200)])
    short_name = StringField(_l("Kortnamn"), validators=[optional(), max_length(60)])
    kind = EnumSelectField(_l("Typ"), OrganisationKind)
    healthcare_region_id = ReferenceSelectField(_l("Sjukvårdsregion"), blank=_l("– ingen –"))
    population_millions = SwedishDecimalField(_l("Invånare (miljoner)"), minimum=0, maximum=20)
    note = TextAreaField(_l("Anteckning"), validators=[optional(), max_length(5000)])
    registry_format = StringField(_l("Format för diarienummer"), validators=[optional(), max_length(60)],
                                  render_kw={"placeholder": "RS {year}-{number:05d}"})

    def record_values(self) -> dict:
        values = super().record_values()
        if values["population_millions"] is not None:
            values["population_millions"] = float(values["population_millions"])
        values["short_name"] = values["short_name"] or None
        values["registry_format"] = values["registry_format"].strip()
        return values
