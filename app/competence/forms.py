from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField

from app.assignments.models import TrafficLight
from app.competence.models import (
    MATURITY_LEVELS,
    VALUE_MAX,
    ActivityStatus,
    KpiDerivation,
    KpiMeasure,
    LegalStatus,
    MaturityArea,
    Stance,
    WorkPackageOwner,
)
from app.competence.quarters import FIRST_YEAR, LAST_YEAR, Quarter
from app.competence.targets import COMPARISONS, TargetKind
from app.core.forms import (
    EnumSelectField,
    Form,
    PickerField,
    RecordForm,
    ReferenceMultiField,
    ReferenceSelectField,
    SwedishDateField,
    SwedishDecimalField,
    max_length,
    optional,
    required,
)

VALUE_MIN = Decimal(0)


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


class MeasurementForm(Form):
    """Numeric KPIs use `value`; milestone KPIs `target_id` and `milestone_reached`. The view shows the
    fields the KPI needs; the rules in operations refuse the wrong kind whatever is posted."""

    measured_on = SwedishDateField(_l("Mätdatum"), validators=[required()], default=date.today)
    value = SwedishDecimalField(_l("Värde"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    target_id = ReferenceSelectField(_l("Milstolpe"), blank=_l("– välj milstolpe –"))
    milestone_reached = SelectField(_l("Milstolpen nådd"), choices=[
        SelectChoice("", _l("– välj –")), SelectChoice("yes", _l("Ja")), SelectChoice("no", _l("Nej, inte än"))],
        validate_choice=False)  # only "yes"/"no" count; the rules in operations ask for one when needed
    comment = TextAreaField(_l("Kommentar"), validators=[optional(), max_length(20000)])
    source = StringField(_l("Källa"), validators=[optional(), max_length(300)])

    def record_values(self) -> dict:
        reached = {"yes": True, "no": False}.get(self.milestone_reached.data)
        return {"measured_on": self.measured_on.data, "value": self.value.data, "target_id": self.target_id.data,
                "milestone_reached": reached, "comment": self.comment.data.strip(),
                "source": self.source.data.strip()}


class UseCaseForm(RecordForm):
    code = StringField(_l("Id"), validators=[required(), max_length(20)])
    title = TextAreaField(_l("Användningsfall"), validators=[required(), max_length(2000)])
    description = TextAreaField(_l("Beskrivning"), validators=[optional(), max_length(20000)])
    steps_text = TextAreaField(_l("Steg, ett per rad"), validators=[optional(), max_length(20000)])
    problem_area_ids = ReferenceMultiField(_l("Problemområden"))
    legal_status = EnumSelectField(_l("Juridisk utredning"), LegalStatus, required_message=_l("Välj status."))
    legal_note = TextAreaField(_l("Om den juridiska utredningen"), validators=[optional(), max_length(20000)])


class PriorityVersionForm(RecordForm):
    """A new version of the prioritised use-case list; each use case gets a place or none."""

    adopted_on = SwedishDateField(_l("Fastställd"), validators=[required()], default=date.today)
    note = TextAreaField(_l("Kommentar"), validators=[optional(), max_length(20000)])
    decision_id = PickerField(_l("Beslut"), "decision", blank=_l("– inget beslut –"))


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


class KpiForm(RecordForm):
    indicator = StringField(_l("Indikator"), validators=[required(), max_length(300)])
    baseline_date = SwedishDateField(_l("Baslinje"), validators=[required()])
    note = TextAreaField(_l("Anmärkning"), validators=[optional(), max_length(20000)])
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])


class NewKpiForm(KpiForm):
    code = StringField(_l("Id"), validators=[required(), max_length(20)])
    work_package_id = ReferenceSelectField(_l("Arbetspaket"), blank=_l("– välj –"), required=True)
    measure = EnumSelectField(_l("Mäts som"), KpiMeasure, required_message=_l("Välj hur indikatorn mäts."))
    derivation = EnumSelectField(_l("Räknas fram ur registret"), KpiDerivation,
                                 blank=_l("– nej, mätningar matas in –"))

    def record_values(self) -> dict:
        values = super().record_values()
        values["code"] = values["code"].strip()
        return values


class KpiTargetForm(RecordForm):
    kind = EnumSelectField(_l("Typ av mål"), TargetKind, required_message=_l("Välj typ av mål."))
    comparison = SelectField(_l("Jämförelse"), choices=[SelectChoice("", _l("– ingen –"))] + [
        SelectChoice(c, c) for c in COMPARISONS], validate_choice=True)
    value = SwedishDecimalField(_l("Värde"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    low = SwedishDecimalField(_l("Från"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    high = SwedishDecimalField(_l("Till"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    text = StringField(_l("Målet i ord"), validators=[required(), max_length(300)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["comparison"] = values["comparison"] or None
        values["text"] = values["text"].strip()
        return values
