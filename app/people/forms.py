from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Email

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
from app.people.models import ConflictOutcome, MemberRole


class PersonForm(RecordForm):
    name = StringField(_l("Namn"), validators=[required(), max_length(200)])
    title = StringField(_l("Befattning"), validators=[optional(), max_length(200)])
    email = StringField(_l("E-post"), validators=[
        optional(), max_length(200), Email(message=_l("Ange en giltig e-postadress."))])
    organisation_id = PickerField(_l("Organisation"), "organisation", blank=_l("– ingen –"))
    note = TextAreaField(_l("Anteckning"), validators=[optional(), max_length(5000)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["name"] = values["name"].strip()
        values["email"] = (values["email"] or "").strip()
        return values


class MembershipForm(RecordForm):
    person_id = PickerField(_l("Person"), "person", blank=_l("– välj –"), required=True)
    role = EnumSelectField(_l("Roll"), MemberRole, blank=_l("– välj –"), required_message=_l("Välj roll."))
    representing_id = PickerField(_l("Representerar"), "organisation", blank=_l("– ingen –"))
    substitute_for_id = ReferenceSelectField(_l("Ersättare för (ledamot)"), blank=_l("– ingen –"))
    start_on = SwedishDateField(_l("Från"), validators=[optional()])
    end_on = SwedishDateField(_l("Till"), validators=[optional(), end_not_before_start(
        "start_on", _l("Uppdraget kan inte sluta innan det har börjat."))])
    note = TextAreaField(_l("Anteckning"), validators=[optional(), max_length(5000)])


class DeclarationForm(RecordForm):
    declared_on = SwedishDateField(_l("Deklarerad"), validators=[required()])
    interests = TextAreaField(_l("Redovisade intressen"), validators=[optional(), max_length(20000)])
    assessed_by = StringField(_l("Bedömd av"), validators=[optional(), max_length(200)])
    assessed_on = SwedishDateField(_l("Bedömningsdatum"), validators=[optional(), end_not_before_start(
        "declared_on", _l("Bedömningen kan inte göras före deklarationen."))])
    outcome = EnumSelectField(_l("Bedömning"), ConflictOutcome, blank=_l("– ej bedömd ännu –"))
    assessment_note = TextAreaField(_l("Motivering"), validators=[optional(), max_length(20000)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if "outcome" not in self:  # the form of one who may not assess has no assessment
            return ok
        # An assessment is who, when and what, or nothing yet.
        parts = {"assessed_by": self.assessed_by.data, "assessed_on": self.assessed_on.data,
                 "outcome": self.outcome.data}
        if any(parts.values()) and not all(parts.values()):
            for name, value in parts.items():
                if not value and not getattr(self, name).errors:
                    getattr(self, name).errors.append(
                        _l("Fyll i vem som bedömt, när och utfallet – eller lämna alla tre tomma."))
            ok = False
        return ok
