"""Writes for the regions' stance to a common hub and their data maturity."""

from datetime import date

from flask_babel import lazy_gettext as _l

from app.competence.regions.models import MaturityAssessment, RegionStance
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind


def _check_region(values: dict) -> None:
    org = db.session.get(Organisation, values.get("organisation_id") or -1)
    if org is None or org.kind != OrganisationKind.REGION or org.is_archived:
        raise BusinessRuleError(_l("Välj en region."), "organisation_id")


def add_stance(values: dict, user) -> RegionStance:
    _check_region(values)
    if values.get("recorded_on") and values["recorded_on"] > date.today():
        raise BusinessRuleError(_l("Datumet kan inte ligga i framtiden."), "recorded_on")
    return ops.create(RegionStance(), user, **values)


def add_maturity(values: dict, user) -> MaturityAssessment:
    _check_region(values)
    if values.get("level") not in (1, 2, 3, 4):
        raise BusinessRuleError(_l("Nivån är 1, 2, 3 eller 4."), "level")
    if values.get("assessed_on") and values["assessed_on"] > date.today():
        raise BusinessRuleError(_l("Datumet kan inte ligga i framtiden."), "assessed_on")
    return ops.create(MaturityAssessment(), user, **values)
