"""Forms of the plan: work packages, activities and their progress updates."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField

from app.assignments.models import TrafficLight
from app.competence.plan.models import ActivityStatus, WorkPackageOwner
from app.competence.quarters import FIRST_YEAR, LAST_YEAR, Quarter
from app.core.forms import (
    EnumSelectField,
    Form,
    PickerField,
    RecordForm,
    ReferenceMultiField,
    ReferenceSelectField,
    SwedishDateField,
    max_length,
    optional,
    required,
)


class QuarterField(StringField):
    """A quarter typed as "2025-Q3", "2025 K3" or "K3 2025"; what was typed is kept on error."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip()
        if text and Quarter.parse(text) is None:
            raise ValueError(_l("Ange kvartalet som till exempel 2025-Q3 eller K3 2025 (år %(first)s–%(last)s).",
                                first=FIRST_YEAR, last=LAST_YEAR))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        quarter = Quarter.parse(self.data)
        return quarter.key if quarter else (self.data or "")


class WorkPackageForm(RecordForm):
    title = StringField(_l("Rubrik"), validators=[required(), max_length(300)])
    owner = EnumSelectField(_l("Ägare"), WorkPackageOwner, required_message=_l("Välj ägare."))
    purpose = TextAreaField(_l("Syfte"), validators=[optional(), max_length(20000)])
    recommendation_ids = ReferenceMultiField(_l("Rekommendationer som arbetspaketet svarar mot"))


class ActivityForm(RecordForm):
    code = StringField(_l("Id"), validators=[required(), max_length(20)])
    work_package_id = ReferenceSelectField(_l("Arbetspaket"), blank=_l("– välj –"), required=True)
    area = StringField(_l("Område"), validators=[required(), max_length(300)])
    text = TextAreaField(_l("Aktivitet"), validators=[required(), max_length(20000)])
    purpose = TextAreaField(_l("Syfte"), validators=[optional(), max_length(20000)])
    responsible_group_id = PickerField(_l("Ansvarig grupp"), "group", blank=_l("– ingen –"))
    responsible_person_id = PickerField(_l("Ansvarig person"), "person", blank=_l("– ingen –"))
    responsible = StringField(_l("Ansvarig (fritext)"), validators=[optional(), max_length(300)])
    start_quarter = QuarterField(_l("Startkvartal"), validators=[optional(), max_length(20)])
    end_quarter = QuarterField(_l("Slutkvartal"), validators=[optional(), max_length(20)])
    open_ended = BooleanField(_l("Löpande (inget slut)"))
    status = EnumSelectField(_l("Status"), ActivityStatus, required_message=_l("Välj status."))
    assignment_id = PickerField(_l("Genomförs som uppdrag"), "assignment", blank=_l("– inget uppdrag –"))
    plan_note = TextAreaField(_l("Om planen"), validators=[optional(), max_length(20000)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["code"] = values["code"].strip()
        return values


class ActivityUpdateForm(Form):
    reported_on = SwedishDateField(_l("Datum"), validators=[required()], default=date.today)
    traffic_light = RadioField(_l("Bedömning"), choices=[SelectChoice(v, label) for v, label in TrafficLight.choices()],
                               validators=[required()])
    progress = TextAreaField(_l("Vad har hänt?"), validators=[required(), max_length(20000)])

    def record_values(self) -> dict:
        return {"reported_on": self.reported_on.data, "traffic_light": TrafficLight(self.traffic_light.data),
                "progress": self.progress.data.strip()}
