"""Writes for organisations, with their business rules."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.registry import format_error


def _check(values: dict, record_id: int | None = None) -> None:
    name = (values.get("name") or "").strip().casefold()
    # Compared in Python: SQLite's lower() leaves Å, Ä and Ö as they are.
    others = db.session.scalars(sa.select(Organisation.name).where(Organisation.id != (record_id or -1)))
    if any(other.casefold() == name for other in others):
        raise BusinessRuleError(_l("Det finns redan en organisation med det namnet."), "name")
    kind = values.get("kind")
    if kind == OrganisationKind.REGION and not values.get("healthcare_region_id"):
        raise BusinessRuleError(_l("En region måste höra till en sjukvårdsregion."), "healthcare_region_id")
    if kind != OrganisationKind.REGION and values.get("healthcare_region_id"):
        raise BusinessRuleError(_l("Bara regioner hör till en sjukvårdsregion."), "healthcare_region_id")
    if values.get("registry_format"):
        error = format_error(values["registry_format"])
        if error:
            raise BusinessRuleError(error, "registry_format")
    hr_id = values.get("healthcare_region_id")
    if hr_id:
        parent = db.session.get(Organisation, hr_id)
        if parent is None or parent.kind != OrganisationKind.HEALTHCARE_REGION:
            raise BusinessRuleError(_l("Välj en sjukvårdsregion."), "healthcare_region_id")


def create_organisation(values: dict, user) -> Organisation:
    values = dict(values, name=values["name"].strip())
    _check(values)
    return ops.create(Organisation(), user, **values)


def update_organisation(org: Organisation, values: dict, user, expected_version=None) -> dict:
    values = dict(values, name=values["name"].strip())
    ops.check_version(org, expected_version)
    _check(values, org.id)
    return ops.update(org, user, values)
