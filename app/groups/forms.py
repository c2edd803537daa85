from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField

from app.core.forms import (
    EnumSelectField,
    PickerField,
    RecordForm,
    ReferenceSelectField,
    SwedishDateField,
    end_not_before_start,
    max_length,
    optional,
    required,
)
from app.groups.models import GroupType, HostingStatus, Level, RelationKind


class GroupForm(RecordForm):
    name = StringField(_l("Namn"), validators=[required(), max_length(200)])
    short_name = StringField(_l("Kortnamn"), validators=[optional(), max_length(60)])
    type = EnumSelectField(_l("Typ"), GroupType, blank=_l("– välj –"),
                           required_message=_l("Välj typ av grupp."))
    level = EnumSelectField(_l("Nivå"), Level, blank=_l("– välj –"), required_message=_l("Välj nivå."))
    healthcare_region_id = ReferenceSelectField(_l("Sjukvårdsregion"), blank=_l("– ingen –"))
    region_id = PickerField(_l("Region"), "organisation", blank=_l("– ingen –"))
    focus_area_id = ReferenceSelectField(_l("Fokusområde"), blank=_l("– inget –"))
    mandate = TextAreaField(_l("Mandat"), validators=[optional(), max_length(20000)])
    formed_on = SwedishDateField(_l("Bildad"), validators=[optional()])
    wound_up_on = SwedishDateField(_l("Avvecklad"), validators=[optional(), end_not_before_start(
        "formed_on", _l("Avvecklingsdatum kan inte ligga före datumet då gruppen bildades."))])
    proposed = BooleanField(_l("Förslag – gruppen är ännu inte inrättad"))
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["name"] = values["name"].strip()
        values["short_name"] = (values["short_name"] or "").strip() or None
        return values


class RelationForm(RecordForm):
    kind = EnumSelectField(_l("Relation"), RelationKind, blank=_l("– välj –"),
                           required_message=_l("Välj typ av relation."))
    target_id = PickerField(_l("Till grupp"), "group", blank=_l("– välj –"), required=True)
    valid_from = SwedishDateField(_l("Från"), validators=[optional()])
    valid_to = SwedishDateField(_l("Till"), validators=[optional(), end_not_before_start(
        "valid_from", _l("Slutdatum kan inte ligga före startdatum."))])
    note = TextAreaField(_l("Anteckning"), validators=[optional(), max_length(5000)])


class HostingForm(RecordForm):
    npo_id = PickerField(_l("NPO"), "group", blank=_l("– välj –"), required=True)
    host_id = PickerField(_l("Värd"), "organisation", blank=_l("– välj –"), required=True)
    status = EnumSelectField(_l("Status"), HostingStatus)
    valid_from = SwedishDateField(_l("Från"), validators=[optional()])
    valid_to = SwedishDateField(_l("Till"), validators=[optional(), end_not_before_start(
        "valid_from", _l("Slutdatum kan inte ligga före startdatum."))])
    note = TextAreaField(_l("Anteckning"), validators=[optional(), max_length(5000)])
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])
