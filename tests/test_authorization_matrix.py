"""Authorisation proof: every rule of the URL map has a row here, and every row says what each kind of
user gets from it – anonymous, reader, chair and secretary of group X, a person delegated to report on
an assignment, a plain member of a steering group, competence centre, secretariat, admin and an
account deactivated while signed in – including writes aimed at another group's (Y's) records by id
in the URL, in hidden fields and in select values. The same rows are asked of the API with each
role's bearer token.

Outcomes: "ok" (a page: 200; a write: 302, or the status a case names, and the database changed),
"403" (and nothing written), "login" (sent to the sign-in page, nothing written), "refused" (the form
or page comes back with an error message, nothing written), "401" (the API), or another status.
A route added without a row here fails `test_every_route_has_a_row`.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from app.assignments import operations as assignment_ops
from app.assignments.models import Assignment, AssignmentPhase
from app.auth import operations as auth_ops
from app.auth.models import Role, User, UserSession
from app.calendars import feeds as calendar_feeds
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.targets import TargetKind
from app.competence.plan.models import Activity, ActivityStatus, WorkPackage, WorkPackageOwner
from app.competence.usecases.models import UseCase
from app.competence.usecases.operations import adopt_priority_list
from app.core import operations as ops
from app.core import outbox
from app.decisions.models import Decision, LinkEffect
from app.documents import operations as document_ops
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, HostingStatus, Level, NpoHosting, RelationKind
from app.meetings import operations as meeting_ops
from app.meetings.invitations import operations as invitation_ops
from app.meetings.invitations.models import MeetingInvitation
from app.meetings.models import AgendaItem, ApproverRole, Meeting
from app.organisations.models import Organisation
from app.people.models import ConflictDeclaration, MemberRole, Membership, Person
from app.priorities import operations as priority_ops
from app.priorities.models import PriorityItem, PriorityList
from seed.pdf import text_pdf
from tests import factories as f
from tests import gov_factories as g
from tests.conftest import CSRF_RE, PASSWORD, Browser, make_user

TODAY = date.today()
LAST_MONTH = TODAY - timedelta(days=30)
NEXT_MONTH = TODAY + timedelta(days=30)
NEW_PASSWORD = "Ett-helt-nytt-losenord-42"
PDF = text_pdf("Underlag", ["Till mötet"])

# --- Who is asking ---------------------------------------------------------------------------------

ACTORS = ("anonymous", "reader", "chair", "secretary", "reporter", "member", "competence_centre", "secretariat",
          "admin", "deactivated")
SIGNED_OUT = ("anonymous", "deactivated")
SIGNED_IN = tuple(a for a in ACTORS if a not in SIGNED_OUT)
# "chair", "secretary", "reporter" and "member" are reader accounts whose rights (if any) come from the
# person they are: chair or secretary of X, named reporter on X's assignment to R, plain member of the
# steering group S (and of X). "deactivated" is an admin account deactivated after signing in.

KEEPERS = ("secretariat", "admin")
GOVERNORS = ("chair", "secretary", *KEEPERS)  # of group X
CENTRE = ("competence_centre", "admin")
ADMIN = ("admin",)
REPORTERS = ("reporter", *KEEPERS)  # on assignment a (X → R)

OK, FORBIDDEN, LOGIN, REFUSED, HOME = "ok", "403", "login", "refused", "home"


def who(*allowed, refused=(), signed_out=LOGIN, others=FORBIDDEN) -> dict[str, str]:
    """Each actor's outcome: `allowed` may, `refused` get the form back with a message, other signed-in
    users `others` (403), signed-out ones `signed_out` (the sign-in page)."""
    outcome = {}
    for actor in ACTORS:
        if actor in SIGNED_OUT:
            outcome[actor] = signed_out
        else:
            outcome[actor] = OK if actor in allowed else REFUSED if actor in refused else others
    return outcome


EVERYONE = who(*SIGNED_IN)
PUBLIC = who(*SIGNED_IN, signed_out=OK)
API_READ = who(*SIGNED_IN, signed_out="401")


@dataclass
class Case:
    url: str  # formatted with the world's ids
    expect: dict[str, str]
    data: Callable[[dict], dict] | dict | None = None
    ok_status: int | None = None  # default: 200 for GET, 302 for POST
    changes: bool = True  # an allowed POST writes something
    told: str | None = None  # an allowed POST that is turned away with this message (nothing written)
    message: str | tuple | None = None  # what a refused one is told (one of these)
    field: str | None = None  # the form field a refused one is told about
    check_db: bool = True
    late: int = 0  # run after the other rows, in this order (1: archive group X, 2: password change, 3: sign-out)
    ok_to_login: bool = False  # an allowed POST that lands on the sign-in page (sign-out, password link)
    note: str = ""


TABLE: dict[tuple[str, str], list[Case]] = {}


def row(rule: str, method: str, url: str, expect: dict, data=None, **kw) -> None:
    TABLE.setdefault((rule, method), []).append(Case(url, expect, data, **kw))


def version(model, key: str) -> Callable[[dict], str]:
    return lambda ids: str(db.session.get(model, ids[key]).version)


def fill(value, ids: dict):
    """`{key}` in a string (or in each string of a list) replaced by the world's id."""
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value.format(**ids) if isinstance(value, str) else value


def form(base: dict, **versions) -> Callable[[dict], dict]:
    """Form data with ids filled in (in names and values) and record versions read when the request is
    made."""
    def build(ids):
        data = {fill(k, ids): fill(v, ids) for k, v in base.items()}
        for name, (model, key) in versions.items():
            data[name] = version(model, key)(ids)
        return data
    return build


ARCHIVE = {"do": "archive"}

# --- The table: every rule of the URL map, GET and each write method -----------------------------------

# Core, sign-in and one's own account.
row("/health", "GET", "/health", PUBLIC)
row("/language/<code>", "POST", "/language/sv", PUBLIC, {"next": "/"}, changes=False)
row("/login", "GET", "/login", who(others=HOME, signed_out=OK))
row("/login", "POST", "/login", who(others=HOME, signed_out="200"), {"username": "eva", "password": "fel"},
    check_db=False, note="a wrong password: the form again; signed-in users are sent home")
row("/logout", "POST", "/logout", EVERYONE, {}, late=3, ok_to_login=True)
row("/password/<secret>", "GET", "/password/{link}", PUBLIC)
row("/password/<secret>", "GET", "/password/okand-lank", who(signed_out="404", others="404"))
row("/password/<secret>", "POST", "/password/{link}", PUBLIC,
    {"new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD}, ok_to_login=True)
row("/account/", "GET", "/account/", EVERYONE)
row("/account/password", "GET", "/account/password", EVERYONE)
row("/account/password", "POST", "/account/password", EVERYONE,
    {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD}, late=2)
row("/account/sessions/<int:record_id>/end", "POST", "/account/sessions/{eva_session}/end", who(*ADMIN), {},
    note="another user's session")
row("/account/sessions/<int:record_id>/end", "POST", "/account/sessions/{own_session}/end", EVERYONE, {},
    note="one's own other session")
row("/account/sessions/end-others", "POST", "/account/sessions/end-others", EVERYONE, {})
row("/account/tokens/new", "GET", "/account/tokens/new", EVERYONE)
row("/account/tokens/new", "GET", "/account/tokens/new?user={eva}", who(*ADMIN), note="for another account")
row("/account/tokens/new", "POST", "/account/tokens/new", EVERYONE,
    {"name": "Power BI", "expires_on": "", "password": PASSWORD}, ok_status=200)
row("/account/tokens/new", "POST", "/account/tokens/new?user={eva}", who(*ADMIN),
    {"name": "Power BI", "expires_on": "", "password": PASSWORD}, ok_status=200, note="for another account")
row("/account/tokens/<int:record_id>/revoke", "POST", "/account/tokens/{eva_token}/revoke", who(*ADMIN), {},
    note="another user's token")
row("/account/tokens/<int:record_id>/revoke", "POST", "/account/tokens/{own_token}/revoke", EVERYONE, {},
    note="one's own token")

# Accounts: admins only.
row("/users/", "GET", "/users/", who(*ADMIN))
row("/users/new", "GET", "/users/new", who(*ADMIN))
row("/users/new", "POST", "/users/new", who(*ADMIN),
    {"username": "ny-anvandare", "display_name": "Ny Användare", "role": "reader", "person_id": ""}, ok_status=200)
row("/users/<int:record_id>", "GET", "/users/{eva}", who(*ADMIN))
row("/users/<int:record_id>/edit", "GET", "/users/{eva}/edit", who(*ADMIN))
row("/users/<int:record_id>/edit", "POST", "/users/{eva}/edit", who(*ADMIN),
    form({"username": "eva", "display_name": "Eva Ändrad", "role": "reader", "person_id": ""},
         version=(User, "eva")))
row("/users/<int:record_id>/archive", "POST", "/users/{olle}/archive", who(*ADMIN), ARCHIVE)
row("/users/<int:record_id>/password-link", "POST", "/users/{nils}/password-link", who(*ADMIN), {}, ok_status=200)
row("/users/<int:record_id>/sessions/end", "POST", "/users/{per}/sessions/end", who(*ADMIN), {})
row("/users/<int:record_id>/unlock", "POST", "/users/{eva}/unlock", who(*ADMIN), {})
row("/users/security-log", "GET", "/users/security-log", who(*ADMIN))

# The outbox: names and addresses, the secretariat's to see and resend.
row("/outbox/", "GET", "/outbox/", who(*KEEPERS))
row("/outbox/<int:record_id>/resend", "POST", "/outbox/{mail}/resend", who(*KEEPERS), {})

# Documents: who may add one is who may change its record (an assignment's by principal and recipient,
# a report's appendix by whoever reports); everyone signed in reads and downloads.
def upload(name="underlag.pdf", content=None, **fields) -> Callable[[dict], dict]:
    return lambda ids: {"title": "Underlag", "kind": "underlag", **fields,
                        "file": (io.BytesIO(content if content is not None else PDF), name)}


NEW_DOCUMENT = "/documents/new/<key>/<int:owner_id>"
row(NEW_DOCUMENT, "GET", "/documents/new/meeting/{m}", who(*GOVERNORS))
row(NEW_DOCUMENT, "GET", "/documents/new/meeting/{m_y}", who(*KEEPERS), note="Y's meeting")
row(NEW_DOCUMENT, "GET", "/documents/new/assignment/{a}", who(*GOVERNORS, "reporter"))
row(NEW_DOCUMENT, "GET", "/documents/new/status_report/{report}", who(*REPORTERS))
row(NEW_DOCUMENT, "GET", "/documents/new/users/{eva}", who(others="404"), note="not a kind of record")
row(NEW_DOCUMENT, "POST", "/documents/new/meeting/{m}", who(*GOVERNORS), upload())
row(NEW_DOCUMENT, "POST", "/documents/new/agenda_item/{item}", who(*GOVERNORS), upload())
row(NEW_DOCUMENT, "POST", "/documents/new/meeting/{m_y}", who(*KEEPERS), upload(), note="Y's meeting")
row(NEW_DOCUMENT, "POST", "/documents/new/decision/{d_y}", who(*KEEPERS), upload(), note="Y's decision")
row(NEW_DOCUMENT, "POST", "/documents/new/assignment/{a}", who(*GOVERNORS, "reporter"), upload(kind="leverans"))
row(NEW_DOCUMENT, "POST", "/documents/new/status_report/{report}", who(*REPORTERS), upload())
row(NEW_DOCUMENT, "POST", "/documents/new/group/{Y}", who(*KEEPERS), upload(), note="Y's papers")
row(NEW_DOCUMENT, "POST", "/documents/new/meeting/{m_arch_doc}", who(), upload(), note="an archived meeting")
row(NEW_DOCUMENT, "POST", "/documents/new/meeting/{m}", who(refused=GOVERNORS),
    upload("protokoll.pdf", b"MZ" + bytes(300)), field="file", message="program", note="a program named .pdf")
row("/documents/<int:record_id>", "GET", "/documents/{doc}", EVERYONE)
row("/documents/<int:record_id>", "GET", "/documents/{doc_y}", EVERYONE, note="Y's document")
row("/documents/<int:record_id>/versions", "POST", "/documents/{doc}/versions", who(*GOVERNORS),
    upload("ny-version.pdf"))
row("/documents/<int:record_id>/versions", "POST", "/documents/{doc_y}/versions", who(*KEEPERS), upload(),
    note="Y's document")
row("/documents/<int:record_id>/versions", "POST", "/documents/{doc_arch}/versions", who(), upload(),
    note="an archived meeting's document")
row("/documents/versions/<int:record_id>/download", "GET", "/documents/versions/{doc_v}/download", EVERYONE)
row("/documents/versions/<int:record_id>/download", "GET", "/documents/versions/{doc_y_v}/download", EVERYONE,
    note="Y's document")
row("/documents/<int:record_id>/archive", "POST", "/documents/{doc_x2}/archive", who(*GOVERNORS), ARCHIVE)
row("/documents/<int:record_id>/archive", "POST", "/documents/{doc_y}/archive", who(*KEEPERS), ARCHIVE,
    note="Y's document")

# Reading pages: everyone signed in.
for _rule, _url, _status in [
    ("/", "/", None), ("/search/", "/search/?q=hj%C3%A4rta", None), ("/followup/", "/followup/", None),
    ("/followup/groups/<int:group_id>", "/followup/groups/{S}", None), ("/followup/mine", "/followup/mine", None),
    ("/organisations/", "/organisations/", None), ("/organisations/<int:record_id>", "/organisations/{hr}", None),
    ("/groups/", "/groups/", None), ("/groups/<int:record_id>", "/groups/{X}", None),
    ("/groups/chart", "/groups/chart", None), ("/groups/hosting", "/groups/hosting", None),
    ("/groups/hosting/<int:record_id>", "/groups/hosting/{hosting}", 302),
    ("/groups/relations/<int:record_id>", "/groups/relations/{rel}", 302),
    ("/people/", "/people/", None), ("/people/<int:record_id>", "/people/{p_edit}", None),
    ("/people/conflicts/missing", "/people/conflicts/missing", None),
    ("/people/memberships/<int:record_id>", "/people/memberships/{ms_x}", None),
    ("/people/declarations/<int:record_id>", "/people/declarations/{decl}", 302),
    ("/assignments/", "/assignments/", None), ("/assignments/<int:record_id>", "/assignments/{a}", None),
    ("/assignments/groups/<int:group_id>", "/assignments/groups/{X}", 302),
    ("/assignments/reports/<int:record_id>", "/assignments/reports/{report}", 302),
    ("/assignments/rounds/", "/assignments/rounds/", None),
    ("/assignments/rounds/<int:record_id>", "/assignments/rounds/{round}", None),
    ("/decisions/", "/decisions/", None), ("/decisions/<int:record_id>", "/decisions/{d}", None),
    ("/meetings/", "/meetings/", None), ("/meetings/<int:record_id>", "/meetings/{m}", None),
    ("/priorities/", "/priorities/", None), ("/priorities/<int:record_id>", "/priorities/{pl}", None),
    ("/competence/", "/competence/", None), ("/competence/work-packages", "/competence/work-packages", None),
    ("/competence/work-packages/<int:record_id>", "/competence/work-packages/{wp}", None),
    ("/competence/activities", "/competence/activities", None),
    ("/competence/activities/<int:record_id>", "/competence/activities/{act}", None),
    ("/competence/timeline", "/competence/timeline", None), ("/competence/kpis", "/competence/kpis", None),
    ("/competence/kpis/<int:record_id>", "/competence/kpis/{kpi}", None),
    ("/competence/kpis/<int:record_id>/records", "/competence/kpis/{kpi_derived}/records", None),
    ("/competence/use-cases", "/competence/use-cases", None),
    ("/competence/use-cases/<int:record_id>", "/competence/use-cases/{uc}", None),
    ("/competence/use-cases/priorities/<int:record_id>", "/competence/use-cases/priorities/{ucv}", None),
    ("/competence/report", "/competence/report", None),
    ("/competence/regions/stances", "/competence/regions/stances", None),
    ("/competence/regions/maturity", "/competence/regions/maturity", None),
    ("/competence/regions/maturity/<int:record_id>/meetings", "/competence/regions/maturity/{region}/meetings", None),
]:
    row(_rule, "GET", _url, EVERYONE, ok_status=_status)
# PDFs (inline, application/pdf): whoever may read the record – the invitation, the minutes and the meeting
# pack (the agenda and the PDF papers), the decision extract, the follow-up report.
for _rule, _key in (("/meetings/<int:record_id>/invitation.pdf", "m"), ("/meetings/<int:record_id>/minutes.pdf", "m"),
                    ("/meetings/<int:record_id>/pack.pdf", "m"), ("/decisions/<int:record_id>/extract.pdf", "d")):
    row(_rule, "GET", _rule.replace("<int:record_id>", f"{{{_key}}}"), EVERYONE)
    row(_rule, "GET", _rule.replace("<int:record_id>", f"{{{_key}_y}}"), EVERYONE, note="Y's record")
row("/meetings/<int:record_id>/pack.pdf", "GET", "/meetings/{m_arch_doc}/pack.pdf", EVERYONE,
    note="an archived meeting: still readable")
row("/meetings/<int:record_id>/minutes.pdf", "GET", "/meetings/{locked}/minutes.pdf", EVERYONE,
    note="approved minutes")
row("/competence/report", "GET", "/competence/report?months=6&format=pdf", EVERYONE, note="as a PDF")
# Another group's records read like one's own.
row("/groups/<int:record_id>", "GET", "/groups/{Y}", EVERYONE, note="group Y")
row("/assignments/<int:record_id>", "GET", "/assignments/{a_y}", EVERYONE, note="Y's assignment")
row("/assignments/<int:record_id>", "GET", "/assignments/{a}?reports=2000-01-01_1&history=2000-01-01T00:00:00_1",
    EVERYONE, note="older reports and history")
row("/decisions/<int:record_id>", "GET", "/decisions/{d_y}?history=2000-01-01T00:00:00_1", EVERYONE,
    note="older history")
row("/decisions/<int:record_id>", "GET", "/decisions/{d_y}", EVERYONE, note="Y's decision")
row("/meetings/<int:record_id>", "GET", "/meetings/{m_y}", EVERYONE, note="Y's meeting")

# Organisations: the secretariat.
ORG = {"name": "Region Gotland", "short_name": "", "kind": "region", "healthcare_region_id": "{hr}",
       "population_millions": "", "note": ""}
row("/organisations/new", "GET", "/organisations/new", who(*KEEPERS))
row("/organisations/new", "POST", "/organisations/new", who(*KEEPERS), form(ORG))
row("/organisations/<int:record_id>/edit", "GET", "/organisations/{region}/edit", who(*KEEPERS))
row("/organisations/<int:record_id>/edit", "POST", "/organisations/{region}/edit", who(*KEEPERS),
    form(dict(ORG, name="Region Uppsala län"), version=(Organisation, "region")))
row("/organisations/<int:record_id>/archive", "POST", "/organisations/{org_arch}/archive", who(*KEEPERS), ARCHIVE)
row("/organisations/<int:record_id>/edit", "POST", "/organisations/{region}/edit", who(*KEEPERS),
    form(dict(ORG, name="Region Uppsala län", registry_format="RS {{year}}-{{number:05d}}"),
         version=(Organisation, "region")), note="a registry-number series")

# The picker's search (app.picker): everyone signed in, as everyone reads the records it finds.
for _kind in ("group", "person", "organisation", "assignment", "decision", "meeting"):
    row("/picker/<kind>", "GET", f"/picker/{_kind}?q=a", EVERYONE, note=_kind)
row("/picker/<kind>", "GET", "/picker/assignment?q=a&group={Y}&exclude={a_y}", EVERYONE,
    note="narrowed as a field's choices are")
row("/picker/<kind>", "GET", "/picker/user?q=a", {a: "404" if a in SIGNED_IN else LOGIN for a in ACTORS},
    note="no such kind")

# Groups: the secretariat; a chair or secretary edits their own group.
GROUP_X = {"name": "RPO Hjärta Mellan", "short_name": "", "type": "RPO", "level": "healthcare_regional",
           "healthcare_region_id": "{hr}", "region_id": "", "focus_area_id": "", "mandate": "Nytt mandat",
           "formed_on": "", "wound_up_on": "", "source": ""}
row("/groups/new", "GET", "/groups/new", who(*KEEPERS))
row("/groups/new", "POST", "/groups/new", who(*KEEPERS), form(dict(GROUP_X, name="RAG Stroke")))
row("/groups/<int:record_id>/edit", "GET", "/groups/{X}/edit", who(*GOVERNORS))
row("/groups/<int:record_id>/edit", "GET", "/groups/{Y}/edit", who(*KEEPERS), note="group Y")
row("/groups/<int:record_id>/edit", "POST", "/groups/{X}/edit", who(*GOVERNORS), form(GROUP_X, version=(Group, "X")))
row("/groups/<int:record_id>/edit", "POST", "/groups/{Y}/edit", who(*KEEPERS), form(
    dict(GROUP_X, name="RAG Diabetes", type="RAG"), version=(Group, "Y")), note="group Y")
row("/groups/<int:record_id>/archive", "POST", "/groups/{g_arch}/archive", who(*KEEPERS), ARCHIVE)
row("/groups/<int:record_id>/archive", "POST", "/groups/{X}/archive", who(*KEEPERS), ARCHIVE,
    late=1, note="a chair may not archive their own group")
RELATION = {"kind": "gives_input_to", "target_id": "{S}", "valid_from": "", "valid_to": "", "note": ""}
row("/groups/<int:record_id>/relations/new", "GET", "/groups/{X}/relations/new", who(*KEEPERS))
row("/groups/<int:record_id>/relations/new", "POST", "/groups/{X}/relations/new", who(*KEEPERS), form(RELATION))
row("/groups/relations/<int:record_id>/edit", "GET", "/groups/relations/{rel}/edit", who(*KEEPERS))
row("/groups/relations/<int:record_id>/edit", "POST", "/groups/relations/{rel}/edit", who(*KEEPERS),
    form({"kind": "gives_input_to", "target_id": "{R}", "valid_from": "2024-01-01", "valid_to": "", "note": ""},
         version=(GroupRelation, "rel")))
row("/groups/relations/<int:record_id>/archive", "POST", "/groups/relations/{rel_arch}/archive", who(*KEEPERS),
    ARCHIVE)
HOSTING = {"npo_id": "{npo}", "host_id": "{hr}", "status": "dormant", "valid_from": "", "valid_to": "", "note": "",
           "source": ""}
row("/groups/hosting/new", "GET", "/groups/hosting/new", who(*KEEPERS))
row("/groups/hosting/new", "POST", "/groups/hosting/new", who(*KEEPERS), form(HOSTING))
row("/groups/hosting/<int:record_id>/edit", "GET", "/groups/hosting/{hosting}/edit", who(*KEEPERS))
row("/groups/hosting/<int:record_id>/edit", "POST", "/groups/hosting/{hosting}/edit", who(*KEEPERS), form(
    dict(HOSTING, status="active", note="Ändrad"),
    version=(NpoHosting, "hosting")))
row("/groups/hosting/<int:record_id>/archive", "POST", "/groups/hosting/{hosting_arch}/archive", who(*KEEPERS),
    ARCHIVE)

# People, memberships and declarations: the secretariat; a chair or secretary for their own group's
# memberships and declarations (the assessment stays with the secretariat).
PERSON = {"name": "Nils Nilsson", "title": "", "email": "", "organisation_id": "", "note": ""}
MEMBERSHIP = {"person_id": "{p_edit}", "role": "member", "representing_id": "", "start_on": "", "end_on": "",
              "note": ""}
DECLARATION = {"declared_on": "2024-03-01", "interests": "Inga", "assessed_by": "", "assessed_on": "",
               "outcome": "", "assessment_note": ""}
ASSESSED = dict(DECLARATION, assessed_by="Kansliet", assessed_on="2024-03-02", outcome="no_conflict")
GROUP_CHOICE = ("Välj ett av alternativen.", "Du kan bara välja grupper där du är ordförande eller sekreterare.")
row("/people/new", "GET", "/people/new", who(*KEEPERS))
row("/people/new", "POST", "/people/new", who(*KEEPERS), form(PERSON))
row("/people/<int:record_id>/edit", "GET", "/people/{p_edit}/edit", who(*KEEPERS))
row("/people/<int:record_id>/edit", "POST", "/people/{p_edit}/edit", who(*KEEPERS),
    form(dict(PERSON, name="Pia Persson"), version=(Person, "p_edit")))
row("/people/<int:record_id>/archive", "POST", "/people/{p_arch}/archive", who(*KEEPERS), ARCHIVE)
row("/people/memberships/new/<int:group_id>", "GET", "/people/memberships/new/{X}", who(*GOVERNORS))
row("/people/memberships/new/<int:group_id>", "GET", "/people/memberships/new/{Y}", who(*KEEPERS), note="group Y")
row("/people/memberships/new/<int:group_id>", "POST", "/people/memberships/new/{X}", who(*GOVERNORS),
    form(MEMBERSHIP))
row("/people/memberships/new/<int:group_id>", "POST", "/people/memberships/new/{Y}", who(*KEEPERS),
    form(MEMBERSHIP), note="group Y in the URL")
row("/people/memberships/<int:record_id>/edit", "GET", "/people/memberships/{ms_x}/edit", who(*GOVERNORS))
row("/people/memberships/<int:record_id>/edit", "GET", "/people/memberships/{ms_y}/edit", who(*KEEPERS),
    note="a membership of Y")
row("/people/memberships/<int:record_id>/edit", "POST", "/people/memberships/{ms_x}/edit", who(*GOVERNORS),
    form(dict(MEMBERSHIP, person_id="{member_p}", note="Ändrad"), version=(Membership, "ms_x")))
row("/people/memberships/<int:record_id>/edit", "POST", "/people/memberships/{ms_y}/edit", who(*KEEPERS),
    form(dict(MEMBERSHIP, person_id="{extra}", note="Ändrad"), version=(Membership, "ms_y")),
    note="a membership of Y")
row("/people/memberships/<int:record_id>/declarations/new", "GET", "/people/memberships/{ms_x}/declarations/new",
    who(*GOVERNORS))
row("/people/memberships/<int:record_id>/declarations/new", "GET", "/people/memberships/{ms_y}/declarations/new",
    who(*KEEPERS), note="a membership of Y")
row("/people/memberships/<int:record_id>/declarations/new", "POST", "/people/memberships/{ms_x}/declarations/new",
    who(*GOVERNORS), form(DECLARATION))
row("/people/memberships/<int:record_id>/declarations/new", "POST", "/people/memberships/{ms_x}/declarations/new",
    who(*KEEPERS, refused=("chair", "secretary")), form(ASSESSED),
    message="görs av värdorganisationen",
    note="with an assessment, which is the secretariat's")
row("/people/memberships/<int:record_id>/declarations/new", "POST", "/people/memberships/{ms_y}/declarations/new",
    who(*KEEPERS), form(DECLARATION), note="a membership of Y")
row("/people/declarations/<int:record_id>/edit", "GET", "/people/declarations/{decl}/edit", who(*GOVERNORS))
row("/people/declarations/<int:record_id>/edit", "GET", "/people/declarations/{decl_y}/edit", who(*KEEPERS),
    note="a declaration in Y")
row("/people/declarations/<int:record_id>/edit", "POST", "/people/declarations/{decl}/edit", who(*GOVERNORS),
    form(dict(DECLARATION, interests="Styrelseuppdrag"), version=(ConflictDeclaration, "decl")))
row("/people/declarations/<int:record_id>/edit", "POST", "/people/declarations/{decl}/edit",
    who(*KEEPERS, refused=("chair", "secretary")), form(ASSESSED, version=(ConflictDeclaration, "decl")),
    message="görs av värdorganisationen", note="assessing it")
row("/people/declarations/<int:record_id>/edit", "POST", "/people/declarations/{decl_y}/edit", who(*KEEPERS),
    form(dict(DECLARATION, interests="Styrelseuppdrag"), version=(ConflictDeclaration, "decl_y")),
    note="a declaration in Y")
row("/people/declarations/<int:record_id>/archive", "POST", "/people/declarations/{decl_arch}/archive",
    who(*GOVERNORS), ARCHIVE)
row("/people/declarations/<int:record_id>/archive", "POST", "/people/declarations/{decl_y}/archive", who(*KEEPERS),
    ARCHIVE, note="a declaration in Y")
row("/people/memberships/<int:record_id>/archive", "POST", "/people/memberships/{ms_arch}/archive",
    who(*GOVERNORS), ARCHIVE)
row("/people/memberships/<int:record_id>/archive", "POST", "/people/memberships/{ms_y}/archive", who(*KEEPERS),
    ARCHIVE, note="a membership of Y")

# Assignments: the principal's chair or secretary edits, moves and asks for reports; the recipient's
# (or a person they named) reports; the secretariat everything.
ASSIGNMENT = {"title": "Uppdrag om rehabilitering", "principal_group_id": "{X}", "recipient_group_id": "{R}",
              "description": "", "mandate": "", "questions": "", "deliverables": "", "start_on": "", "due_on": "",
              "parent_id": "", "given_by_decision_id": "", "closed_by_decision_id": "", "source": ""}
ONLY_OWN_DECISIONS = "Välj ett beslut som din grupp har fattat."
KEEPERS_NOT_CHAIRS = who(*KEEPERS, refused=("chair", "secretary"))
row("/assignments/new", "GET", "/assignments/new", who(*GOVERNORS))
row("/assignments/new", "POST", "/assignments/new", who(*GOVERNORS), form(ASSIGNMENT))
row("/assignments/new", "POST", "/assignments/new", KEEPERS_NOT_CHAIRS,
    form(dict(ASSIGNMENT, principal_group_id="{Y}")),
    field="principal_group_id", message=GROUP_CHOICE, note="principal Y (select)")
row("/assignments/new", "POST", "/assignments/new", KEEPERS_NOT_CHAIRS,
    form(dict(ASSIGNMENT, given_by_decision_id="{d_y}")),
    field="given_by_decision_id", message=ONLY_OWN_DECISIONS, note="given by Y's decision")
row("/assignments/new", "POST", "/assignments/new", KEEPERS_NOT_CHAIRS,
    form(dict(ASSIGNMENT, closed_by_decision_id="{d_y}")),
    field="closed_by_decision_id", message=ONLY_OWN_DECISIONS, note="closed by Y's decision")
row("/assignments/new", "POST", "/assignments/new", KEEPERS_NOT_CHAIRS,
    form(dict(ASSIGNMENT, parent_id="{a_y}")),
    field="parent_id", message="Välj ett uppdrag som din grupp har gett eller fått.",
    note="part of Y's assignment")
row("/assignments/<int:record_id>/edit", "GET", "/assignments/{a}/edit", who(*GOVERNORS))
row("/assignments/<int:record_id>/edit", "GET", "/assignments/{a_y}/edit", who(*KEEPERS), note="Y's assignment")
row("/assignments/<int:record_id>/edit", "POST", "/assignments/{a}/edit", who(*GOVERNORS),
    form(dict(ASSIGNMENT, given_by_decision_id="{d}"), version=(Assignment, "a")))
# The principal decides whom to give an assignment to: any group may be the recipient.
row("/assignments/<int:record_id>/edit", "POST", "/assignments/{a_move}/edit", who(*GOVERNORS),
    form(dict(ASSIGNMENT, recipient_group_id="{Y}"), version=(Assignment, "a_move")), note="recipient Y")
row("/assignments/<int:record_id>/edit", "POST", "/assignments/{a_move}/edit", KEEPERS_NOT_CHAIRS,
    form(dict(ASSIGNMENT, principal_group_id="{Y}"), version=(Assignment, "a_move")),
    field="principal_group_id", message=GROUP_CHOICE,
    note="principal moved to Y")
row("/assignments/<int:record_id>/edit", "POST", "/assignments/{a}/edit", KEEPERS_NOT_CHAIRS,
    form(dict(ASSIGNMENT, given_by_decision_id="{d_y}"), version=(Assignment, "a")),
    field="given_by_decision_id", message=ONLY_OWN_DECISIONS,
    note="given by Y's decision")
row("/assignments/<int:record_id>/edit", "POST", "/assignments/{a}/edit", KEEPERS_NOT_CHAIRS,
    form(dict(ASSIGNMENT, parent_id="{a_y}", given_by_decision_id="{d}"), version=(Assignment, "a")),
    field="parent_id", message="Välj ett uppdrag som din grupp har gett eller fått.",
    note="made part of Y's assignment")
row("/assignments/<int:record_id>/edit", "POST", "/assignments/{a_y}/edit", who(*KEEPERS),
    form(dict(ASSIGNMENT, principal_group_id="{Y}", title="Diabetesuppdrag, ändrat"), version=(Assignment, "a_y")),
    note="Y's assignment")
row("/assignments/<int:record_id>/phases/new", "GET", "/assignments/{a}/phases/new", who(*GOVERNORS))
row("/assignments/<int:record_id>/phases/new", "POST", "/assignments/{a}/phases/new", who(*GOVERNORS),
    {"position": "", "title": "Fas 2", "description": "", "due_on": "", "done_on": ""})
row("/assignments/<int:record_id>/phases/new", "POST", "/assignments/{a_y}/phases/new", who(*KEEPERS),
    {"position": "", "title": "Fas 2", "description": "", "due_on": "", "done_on": ""}, note="Y's assignment")
row("/assignments/phases/<int:record_id>/edit", "GET", "/assignments/phases/{phase}/edit", who(*GOVERNORS))
row("/assignments/phases/<int:record_id>/edit", "POST", "/assignments/phases/{phase}/edit", who(*GOVERNORS),
    form({"position": "1", "title": "Fas 1, ändrad", "description": "", "due_on": "", "done_on": ""},
         version=(AssignmentPhase, "phase")))
row("/assignments/phases/<int:record_id>/edit", "POST", "/assignments/phases/{phase_y}/edit", who(*KEEPERS),
    form({"position": "1", "title": "Fas 1, ändrad", "description": "", "due_on": "", "done_on": ""},
         version=(AssignmentPhase, "phase_y")), note="a phase of Y's assignment")
REPORT = {"reported_on": TODAY.isoformat(), "traffic_light": "on_track", "progress": "Arbetet går enligt plan.",
          "needs_from_principal": "", "corrects_id": ""}
row("/assignments/<int:record_id>/reports/new", "GET", "/assignments/{a}/reports/new", who(*REPORTERS))
row("/assignments/<int:record_id>/reports/new", "POST", "/assignments/{a}/reports/new", who(*REPORTERS), REPORT)
row("/assignments/<int:record_id>/reports/new", "POST", "/assignments/{a}/reports/new", who(refused=REPORTERS),
    form(dict(REPORT, corrects_id="{report_y}")), field="corrects_id", message="Välj ett av alternativen.",
    note="correcting a report on Y's assignment")
row("/assignments/<int:record_id>/reports/new", "POST", "/assignments/{a_y}/reports/new", who(*KEEPERS), REPORT,
    note="an assignment the reporter was not named on")
row("/assignments/<int:record_id>/request-report", "POST", "/assignments/{a}/request-report", who(*GOVERNORS),
    {"due_on": NEXT_MONTH.isoformat()})
row("/assignments/<int:record_id>/request-report", "POST", "/assignments/{a_y}/request-report", who(*KEEPERS),
    {"due_on": NEXT_MONTH.isoformat()}, note="Y's assignment")
# Naming reporters is the recipient's (R's) chair's: the principal's chair and the reporter may not.
row("/assignments/<int:record_id>/reporters", "POST", "/assignments/{a}/reporters", who(*KEEPERS),
    form({"person_ids": ["{reporter_p}", "{member_p}"]}))
row("/assignments/rounds/new", "GET", "/assignments/rounds/new", who(*KEEPERS))
row("/assignments/rounds/new", "POST", "/assignments/rounds/new", who(*KEEPERS),
    {"title": "Höstens rapportering", "due_on": NEXT_MONTH.isoformat(), "note": "", "principal_group_id": ""})
row("/assignments/<int:record_id>/transition", "POST", "/assignments/{a_trans}/transition", who(*GOVERNORS),
    form({"to_status": "delivered", "note": ""}, version=(Assignment, "a_trans")))
row("/assignments/<int:record_id>/transition", "POST", "/assignments/{a_y}/transition", who(*KEEPERS),
    form({"to_status": "delivered", "note": ""}, version=(Assignment, "a_y")), note="Y's assignment")
row("/assignments/<int:record_id>/archive", "POST", "/assignments/{a_arch}/archive", who(*KEEPERS), ARCHIVE)
row("/assignments/<int:record_id>/archive", "POST", "/assignments/{a}/archive", who(*KEEPERS), ARCHIVE, late=1,
    note="not even the principal's chair archives")

# Decisions.
DECISION = {"title": "Beslut om vårdrutin", "group_id": "{X}", "meeting_id": "", "state": "taken", "kind": "decision",
            "decided_on": LAST_MONTH.isoformat(), "registry_number": "", "issuing_organisation_id": "",
            "text": "Gruppen beslutar att anta rutinen.", "executor": "", "execute_by": "",
            "execution_status": "not_started", "execution_note": "", "source": ""}
row("/decisions/new", "GET", "/decisions/new", who(*GOVERNORS))
row("/decisions/new", "POST", "/decisions/new", who(*GOVERNORS), form(DECISION))
row("/decisions/new", "POST", "/decisions/new", KEEPERS_NOT_CHAIRS, form(dict(DECISION, group_id="{Y}")),
    field="group_id", message=GROUP_CHOICE, note="group Y (select)")
row("/decisions/new", "POST", "/decisions/new", who(refused=GOVERNORS), form(dict(DECISION, meeting_id="{m_y}")),
    field="meeting_id", message="Mötet hör till en annan grupp.", note="at Y's meeting")
# A picker's search without JavaScript is a GET of the form's own page: that page's rights.
row("/decisions/new", "GET", "/decisions/new?picker=executor_group_id&executor_group_id-q=rag", who(*GOVERNORS),
    note="picker search")
row("/decisions/new", "POST", "/decisions/new", who(*GOVERNORS),
    form(dict(DECISION, executor_group_id="{Y}", number_mode="none")), note="Y's group carries it out")
row("/decisions/<int:record_id>/edit", "GET", "/decisions/{d}/edit", who(*GOVERNORS))
row("/decisions/<int:record_id>/edit", "GET", "/decisions/{d_y}/edit?picker=executor_person_id&executor_person_id-q=a",
    who(*KEEPERS), note="picker search, Y's decision")
row("/decisions/<int:record_id>/edit", "GET", "/decisions/{d_y}/edit", who(*KEEPERS), note="Y's decision")
row("/decisions/<int:record_id>/edit", "POST", "/decisions/{d}/edit", who(*GOVERNORS),
    form(dict(DECISION, meeting_id="{m}", execution_status="done"), version=(Decision, "d")))
row("/decisions/<int:record_id>/edit", "POST", "/decisions/{d_move}/edit", KEEPERS_NOT_CHAIRS,
    form(dict(DECISION, group_id="{Y}"), version=(Decision, "d_move")),
    field="group_id", message=GROUP_CHOICE, note="moved to Y")
row("/decisions/<int:record_id>/edit", "POST", "/decisions/{d}/edit", who(refused=GOVERNORS),
    form(dict(DECISION, meeting_id="{m_y}"), version=(Decision, "d")),
    field="meeting_id", message="Mötet hör till en annan grupp.",
    note="moved to Y's meeting")
row("/decisions/<int:record_id>/edit", "POST", "/decisions/{d_y}/edit", who(*KEEPERS),
    form(dict(DECISION, group_id="{Y}", title="Diabetesbeslut, ändrat"), version=(Decision, "d_y")),
    note="Y's decision")
row("/decisions/<int:record_id>/links", "POST", "/decisions/{d}/links", who(*GOVERNORS),
    form({"assignment_id": "{a}", "effect": "changes"}))
row("/decisions/<int:record_id>/links", "POST", "/decisions/{d}/links", KEEPERS_NOT_CHAIRS,
    form({"assignment_id": "{a_y}", "effect": "accepts"}), message="uppdrag som du får ändra",
    note="X's decision to Y's assignment")
row("/decisions/<int:record_id>/links", "POST", "/decisions/{d_y}/links", who(*KEEPERS),
    form({"assignment_id": "{a}", "effect": "accepts"}), note="Y's decision to X's assignment")
row("/decisions/links/<int:record_id>/archive", "POST", "/decisions/links/{lk}/archive", who(*GOVERNORS), ARCHIVE)
row("/decisions/links/<int:record_id>/archive", "POST", "/decisions/links/{lk_y}/archive", who(*KEEPERS), ARCHIVE,
    note="X's decision, Y's assignment")
row("/decisions/links/<int:record_id>/archive", "POST", "/decisions/links/{lk_yx}/archive", who(*KEEPERS), ARCHIVE,
    note="Y's decision, X's assignment")
DISPATCH = {"recipient": "Region Västmanland", "email": "diarium@rvn.se"}
row("/decisions/<int:record_id>/dispatch", "POST", "/decisions/{d}/dispatch", who(*GOVERNORS),
    form({"recipient_person_id": "{extra}", "email": ""}), note="a person of the register")
row("/decisions/<int:record_id>/dispatch", "POST", "/decisions/{d_y}/dispatch", who(*KEEPERS),
    form({"recipient_group_id": "{X}", "email": ""}), note="Y's decision to group X")
row("/decisions/<int:record_id>/dispatch", "POST", "/decisions/{d}/dispatch", who(*GOVERNORS), DISPATCH)
row("/decisions/<int:record_id>/dispatch", "POST", "/decisions/{d_y}/dispatch", who(*KEEPERS), DISPATCH,
    note="Y's decision")
row("/decisions/<int:record_id>/dispatch/send", "POST", "/decisions/{d}/dispatch/send", who(*GOVERNORS), {},
    changes=False, told="E-post är inte konfigurerad")
row("/decisions/<int:record_id>/dispatch/send", "POST", "/decisions/{d_y}/dispatch/send", who(*KEEPERS), {},
    changes=False, told="E-post är inte konfigurerad", note="Y's decision")
row("/decisions/dispatch/<int:record_id>/sent", "POST", "/decisions/dispatch/{x}/sent", who(*GOVERNORS), {})
row("/decisions/dispatch/<int:record_id>/sent", "POST", "/decisions/dispatch/{x_y}/sent", who(*KEEPERS), {},
    note="a dispatch of Y's decision")
row("/decisions/<int:record_id>/archive", "POST", "/decisions/{d_arch}/archive", who(*KEEPERS), ARCHIVE)
row("/decisions/<int:record_id>/archive", "POST", "/decisions/{d}/archive", who(*KEEPERS), ARCHIVE, late=1,
    note="not even the group's chair archives")

# Meetings.
MEETING = {"group_id": "{X}", "title": "", "starts_on": NEXT_MONTH.isoformat(), "start_time": "", "ends_on": "",
           "place": "", "source": ""}
ITEM = {"title": "Övriga frågor", "position": "", "description": "", "assignment_id": "", "status_report_id": "",
        "decision_id": ""}
row("/meetings/new", "GET", "/meetings/new", who(*GOVERNORS))
row("/meetings/new", "POST", "/meetings/new", who(*GOVERNORS), form(MEETING))
row("/meetings/new", "POST", "/meetings/new", KEEPERS_NOT_CHAIRS, form(dict(MEETING, group_id="{Y}")),
    field="group_id", message=GROUP_CHOICE, note="group Y (select)")
row("/meetings/<int:record_id>/edit", "GET", "/meetings/{m}/edit", who(*GOVERNORS))
row("/meetings/<int:record_id>/edit", "GET", "/meetings/{m_y}/edit", who(*KEEPERS), note="Y's meeting")
row("/meetings/<int:record_id>/edit", "POST", "/meetings/{m}/edit", who(*GOVERNORS),
    form(dict(MEETING, starts_on=LAST_MONTH.isoformat(), title="RPO Hjärta, möte 3", place="Västerås"),
         version=(Meeting, "m")))
row("/meetings/<int:record_id>/edit", "POST", "/meetings/{m_move}/edit", KEEPERS_NOT_CHAIRS,
    form(dict(MEETING, group_id="{Y}"), version=(Meeting, "m_move")),
    field="group_id", message=GROUP_CHOICE, note="moved to Y")
row("/meetings/<int:record_id>/edit", "POST", "/meetings/{m_y}/edit", who(*KEEPERS),
    form(dict(MEETING, group_id="{Y}", starts_on=LAST_MONTH.isoformat(), place="Falun"), version=(Meeting, "m_y")),
    note="Y's meeting")
row("/meetings/<int:record_id>/agenda/new", "GET", "/meetings/{m}/agenda/new", who(*GOVERNORS))
row("/meetings/<int:record_id>/agenda/new", "GET", "/meetings/{m_y}/agenda/new", who(*KEEPERS), note="Y's meeting")
row("/meetings/<int:record_id>/agenda/new", "POST", "/meetings/{m}/agenda/new", who(*GOVERNORS),
    form(dict(ITEM, assignment_id="{a}", decision_id="{d}")))
row("/meetings/<int:record_id>/agenda/new", "POST", "/meetings/{m}/agenda/new", who(refused=GOVERNORS),
    form(dict(ITEM, decision_id="{d_y}")),
    field="decision_id", message="Välj ett av alternativen.", note="refers to Y's decision")
row("/meetings/<int:record_id>/agenda/new", "POST", "/meetings/{m}/agenda/new", who(refused=GOVERNORS),
    form(dict(ITEM, assignment_id="{a_y}")),
    field="assignment_id", message="Välj ett av alternativen.", note="refers to Y's assignment")
row("/meetings/<int:record_id>/agenda/new", "POST", "/meetings/{m_y}/agenda/new", who(*KEEPERS), form(ITEM),
    note="Y's meeting")
row("/meetings/agenda/<int:record_id>/edit", "GET", "/meetings/agenda/{item}/edit", who(*GOVERNORS))
row("/meetings/agenda/<int:record_id>/edit", "GET", "/meetings/agenda/{item_y}/edit", who(*KEEPERS),
    note="an item of Y's meeting")
row("/meetings/agenda/<int:record_id>/edit", "POST", "/meetings/agenda/{item}/edit", who(*GOVERNORS),
    form(dict(ITEM, title="Uppdraget, lägesrapport", position="1", assignment_id="{a}"),
         version=(AgendaItem, "item")))
row("/meetings/agenda/<int:record_id>/edit", "POST", "/meetings/agenda/{item}/edit", who(refused=GOVERNORS),
    form(dict(ITEM, title="Diabetes", position="1", decision_id="{d_y}"), version=(AgendaItem, "item")),
    field="decision_id", message="Välj ett av alternativen.", note="refers to Y's decision")
row("/meetings/agenda/<int:record_id>/edit", "POST", "/meetings/agenda/{item}/edit", who(refused=GOVERNORS),
    form(dict(ITEM, title="Diabetes", position="1", status_report_id="{report_y}"), version=(AgendaItem, "item")),
    field="status_report_id", message="Välj ett av alternativen.", note="refers to a report on Y's assignment")
row("/meetings/agenda/<int:record_id>/edit", "POST", "/meetings/agenda/{item_y}/edit", who(*KEEPERS),
    form(dict(ITEM, title="Diabetes, ändrat", position="1"), version=(AgendaItem, "item_y")),
    note="an item of Y's meeting")
ATTENDANCE = {"person_id": "{member_p}", "representing_id": "{region}", "status": "present",
              "substitute_for_id": ""}
row("/meetings/<int:record_id>/attendance", "POST", "/meetings/{m}/attendance", who(*GOVERNORS), form(ATTENDANCE))
row("/meetings/<int:record_id>/attendance", "POST", "/meetings/{m_y}/attendance", who(*KEEPERS), form(ATTENDANCE),
    note="Y's meeting")
row("/meetings/<int:record_id>/conflicts", "POST", "/meetings/{m}/conflicts", who(*GOVERNORS),
    form({"agenda_item_id": "{item}", "person_id": "{member_p}", "note": ""}))
row("/meetings/<int:record_id>/conflicts", "POST", "/meetings/{m}/conflicts", who(refused=GOVERNORS),
    form({"agenda_item_id": "{item_y}", "person_id": "{extra}", "note": ""}),
    message="Ärende: Välj ett av alternativen.", note="an agenda item of Y's meeting")
row("/meetings/<int:record_id>/conflicts", "POST", "/meetings/{m_y}/conflicts", who(*KEEPERS),
    form({"agenda_item_id": "{item_y}", "person_id": "{extra}", "note": ""}), note="Y's meeting")
row("/meetings/<int:record_id>/minutes", "GET", "/meetings/{m}/minutes", who(*GOVERNORS))
row("/meetings/<int:record_id>/minutes", "GET", "/meetings/{m_y}/minutes", who(*KEEPERS), note="Y's meeting")
row("/meetings/<int:record_id>/minutes", "POST", "/meetings/{m}/minutes", who(*GOVERNORS),
    form({"minutes": "§1 Mötet öppnas. §2 Uppdraget."}, version=(Meeting, "m")))
row("/meetings/<int:record_id>/minutes", "POST", "/meetings/{m_y}/minutes", who(*KEEPERS),
    form({"minutes": "§1 Mötet öppnas. §2 Diabetes."}, version=(Meeting, "m_y")), note="Y's meeting")
ITEM_MINUTES = {"minutes": "Föredragande redogjorde för uppdraget.", "decision_kind": "decision",
                "decision_title": "", "decision_text": "Gruppen beslutar att godkänna rapporten.",
                "registry_number": "", "issuing_organisation_id": "", "executor": "", "execute_by": ""}
row("/meetings/agenda/<int:record_id>/minutes", "GET", "/meetings/agenda/{item}/minutes", who(*GOVERNORS))
row("/meetings/agenda/<int:record_id>/minutes", "GET", "/meetings/agenda/{item_y}/minutes", who(*KEEPERS),
    note="an item of Y's meeting")
row("/meetings/agenda/<int:record_id>/minutes", "POST", "/meetings/agenda/{item}/minutes", who(*GOVERNORS),
    form(ITEM_MINUTES, version=(AgendaItem, "item")))
row("/meetings/agenda/<int:record_id>/minutes", "POST", "/meetings/agenda/{item_y}/minutes", who(*KEEPERS),
    form(ITEM_MINUTES, version=(AgendaItem, "item_y")), note="an item of Y's meeting")
row("/meetings/<int:record_id>/approvers", "POST", "/meetings/{m}/approvers", who(*GOVERNORS),
    form({"person_id": "{member_p}", "role": "adjuster"}))
row("/meetings/<int:record_id>/approvers", "POST", "/meetings/{m_y2}/approvers", who(*KEEPERS),
    form({"person_id": "{member_p}", "role": "adjuster"}), note="Y's meeting")
row("/meetings/approvers/<int:record_id>/remove", "POST", "/meetings/approvers/{ap_rm}/remove", who(*GOVERNORS),
    form({}))
row("/meetings/approvers/<int:record_id>/remove", "POST", "/meetings/approvers/{ap_y_rm}/remove", who(*KEEPERS),
    form({}), note="an adjuster of Y's meeting")
# Approving is done in one's own name, by the people named: not by role, not even the admin.
row("/meetings/<int:record_id>/minutes/approve", "POST", "/meetings/{m2}/minutes/approve", who("chair"),
    form({}, version=(Meeting, "m2")), note="the chair of X, named as the meeting's chair")
row("/meetings/<int:record_id>/minutes/approve", "POST", "/meetings/{m_y2}/minutes/approve", who("chair"),
    form({}, version=(Meeting, "m_y2")), note="a named adjuster of Y's meeting")
row("/meetings/<int:record_id>/minutes/approve", "POST", "/meetings/{m}/minutes/approve", who(),
    form({}, version=(Meeting, "m")), note="nobody named")
row("/meetings/approvers/<int:record_id>/record", "POST", "/meetings/approvers/{ap2}/record", who(*KEEPERS),
    form({"approved_on": TODAY.isoformat()}), note="the secretariat records an approval on an adjuster's behalf")
row("/meetings/approvers/<int:record_id>/record", "POST", "/meetings/approvers/{ap_y}/record", who(*KEEPERS),
    form({"approved_on": TODAY.isoformat()}), note="Y's meeting: its last approval, which locks the minutes")
APPROVAL = {"approved_by": "Petra Beställare", "approved_on": TODAY.isoformat()}
CORRECTION = dict(APPROVAL, minutes="§1 Mötet öppnas (rättat).", reason="Fel datum")
row("/meetings/<int:record_id>/minutes/correct", "GET", "/meetings/{locked}/minutes/correct", who(*GOVERNORS))
row("/meetings/<int:record_id>/minutes/correct", "GET", "/meetings/{m_y}/minutes/correct", who(*KEEPERS),
    note="Y's meeting")
row("/meetings/<int:record_id>/minutes/correct", "POST", "/meetings/{locked}/minutes/correct", who(*GOVERNORS),
    form(CORRECTION, version=(Meeting, "locked")))
row("/meetings/<int:record_id>/minutes/correct", "POST", "/meetings/{m_y}/minutes/correct", who(*KEEPERS),
    form(CORRECTION, version=(Meeting, "m_y")), note="Y's meeting")
row("/meetings/<int:record_id>/archive", "POST", "/meetings/{m_arch}/archive", who(*KEEPERS), ARCHIVE)
row("/meetings/<int:record_id>/archive", "POST", "/meetings/{m}/archive", who(*KEEPERS), ARCHIVE, late=1,
    note="not even the group's chair archives")

# Invitations: those who may edit the meeting send and cancel it and record answers for others; an invited
# person answers for themselves in the app, and anyone holding the personal link answers without an account.
ANSWERERS = ("chair", "secretary", "member")  # X's members, invited to m_inv
row("/meetings/<int:record_id>/invitation/send", "POST", "/meetings/{m_send}/invitation/send", who(*GOVERNORS), {})
row("/meetings/<int:record_id>/invitation/send", "POST", "/meetings/{m_send_y}/invitation/send", who(*KEEPERS), {},
    note="Y's meeting")
row("/meetings/<int:record_id>/invitation/cancel", "POST", "/meetings/{m_cancel}/invitation/cancel", who(*GOVERNORS),
    {})
row("/meetings/<int:record_id>/invitation/cancel", "POST", "/meetings/{m_inv_y}/invitation/cancel", who(*KEEPERS),
    {}, late=1, note="Y's meeting")
row("/meetings/<int:record_id>/invitation/answer", "POST", "/meetings/{m_inv}/invitation/answer",
    who(*ANSWERERS, refused=tuple(a for a in SIGNED_IN if a not in ANSWERERS)), {"answer": "absent"},
    message="inte kallad", note="one's own answer")
row("/meetings/invitations/<int:record_id>/answer", "POST", "/meetings/invitations/{inv_x}/answer", who(*GOVERNORS),
    {"answer": "attending"})
row("/meetings/invitations/<int:record_id>/answer", "POST", "/meetings/invitations/{inv_y}/answer", who(*KEEPERS),
    {"answer": "attending"}, note="an invitation to Y's meeting")
row("/meetings/answer/<token>", "GET", "/meetings/answer/{inv_link}", PUBLIC)
row("/meetings/answer/<token>", "GET", "/meetings/answer/inte-en-lank", who(signed_out="404", others="404"))
row("/meetings/answer/<token>", "POST", "/meetings/answer/{inv_link}", PUBLIC, {"answer": "attending"}, ok_status=200)
row("/meetings/answer/<token>", "POST", "/meetings/answer/inte-en-lank", who(signed_out="404", others="404"),
    {"answer": "attending"})

# Calendars: "add to calendar" for everyone signed in; one's own feeds page and reset; the feeds at secret URLs
# answer calendar programs without a session, and an unknown token is not found.
row("/calendar/meetings/<int:record_id>.ics", "GET", "/calendar/meetings/{m}.ics", EVERYONE)
row("/calendar/meetings/<int:record_id>.ics", "GET", "/calendar/meetings/{m_y}.ics", EVERYONE, note="Y's meeting")
row("/calendar/", "GET", "/calendar/", EVERYONE)
row("/calendar/reset", "POST", "/calendar/reset", EVERYONE, {})
row("/calendar/feed/<token>.ics", "GET", "/calendar/feed/{feed}.ics", PUBLIC)
row("/calendar/feed/<token>.ics", "GET", "/calendar/feed/inte-en-nyckel.ics", who(signed_out="404", others="404"))
row("/calendar/groups/<int:group_id>/<token>.ics", "GET", "/calendar/groups/{X}/{group_feed}.ics", PUBLIC)
row("/calendar/groups/<int:group_id>/<token>.ics", "GET", "/calendar/groups/{Y}/{group_feed}.ics",
    who(signed_out="404", others="404"), note="X's token on Y's feed")

# Priority lists.
PLIST = {"group_id": "{X}", "title": "Prioriteringar 2027", "valid_from": "", "valid_to": "", "decision_id": ""}
PITEM = {"title": "Hjärtsvikt i primärvården", "rationale": "", "input_from_group_id": "", "input_from": ""}
row("/priorities/new", "GET", "/priorities/new", who(*GOVERNORS))
row("/priorities/new", "POST", "/priorities/new", who(*GOVERNORS), form(dict(PLIST, decision_id="{d}")))
row("/priorities/new", "POST", "/priorities/new", KEEPERS_NOT_CHAIRS, form(dict(PLIST, group_id="{Y}")),
    field="group_id", message=GROUP_CHOICE, note="group Y (select)")
# A chair may not name another group's decision as adopting their list (it would show on Y's decision page),
# as for assignments (ONLY_OWN_DECISIONS).
row("/priorities/new", "POST", "/priorities/new", KEEPERS_NOT_CHAIRS, form(dict(PLIST, decision_id="{d_y}")),
    field="decision_id", note="adopted by Y's decision")
row("/priorities/<int:record_id>/edit", "GET", "/priorities/{pl}/edit", who(*GOVERNORS))
row("/priorities/<int:record_id>/edit", "GET", "/priorities/{pl_y}/edit", who(*KEEPERS), note="Y's list")
row("/priorities/<int:record_id>/edit", "POST", "/priorities/{pl}/edit", who(*GOVERNORS),
    form(dict(PLIST, title="Prioriteringar 2026–2027"), version=(PriorityList, "pl")))
row("/priorities/<int:record_id>/edit", "POST", "/priorities/{pl_move}/edit", KEEPERS_NOT_CHAIRS,
    form(dict(PLIST, group_id="{Y}"), version=(PriorityList, "pl_move")),
    field="group_id", message=GROUP_CHOICE, note="moved to Y")
# As above, for an existing list.
row("/priorities/<int:record_id>/edit", "POST", "/priorities/{pl}/edit", KEEPERS_NOT_CHAIRS,
    form(dict(PLIST, decision_id="{d_y}"), version=(PriorityList, "pl")), field="decision_id",
    note="adopted by Y's decision")
row("/priorities/<int:record_id>/edit", "POST", "/priorities/{pl_y}/edit", who(*KEEPERS),
    form(dict(PLIST, group_id="{Y}", title="Diabetesprioriteringar 2027"), version=(PriorityList, "pl_y")),
    note="Y's list")
row("/priorities/<int:record_id>/items", "POST", "/priorities/{pl}/items", who(*GOVERNORS),
    form(dict(PITEM, input_from_group_id="{R}")))
row("/priorities/<int:record_id>/items", "POST", "/priorities/{pl_y}/items", who(*KEEPERS), form(PITEM),
    note="Y's list")
row("/priorities/items/<int:record_id>/edit", "GET", "/priorities/items/{it1}/edit", who(*GOVERNORS))
row("/priorities/items/<int:record_id>/edit", "GET", "/priorities/items/{ity}/edit", who(*KEEPERS),
    note="an item of Y's list")
row("/priorities/items/<int:record_id>/edit", "POST", "/priorities/items/{it1}/edit", who(*GOVERNORS),
    form(dict(PITEM, rationale="Stor variation i landet."), version=(PriorityItem, "it1")))
row("/priorities/items/<int:record_id>/edit", "POST", "/priorities/items/{ity}/edit", who(*KEEPERS),
    form(dict(PITEM, rationale="Stor variation i landet."), version=(PriorityItem, "ity")),
    note="an item of Y's list")
row("/priorities/items/<int:record_id>/move", "POST", "/priorities/items/{it2}/move", who(*GOVERNORS),
    {"direction": "up"})
row("/priorities/items/<int:record_id>/move", "POST", "/priorities/items/{ity2}/move", who(*KEEPERS),
    {"direction": "up"}, note="an item of Y's list")
row("/priorities/items/<int:record_id>/archive", "POST", "/priorities/items/{it3}/archive", who(*GOVERNORS), {})
row("/priorities/items/<int:record_id>/archive", "POST", "/priorities/items/{ity}/archive", who(*KEEPERS), {},
    note="an item of Y's list")

# The competence centre's follow-up: the competence centre (and admins); everyone reads.
ACTIVITY = {"code": "A.9", "work_package_id": "{wp}", "area": "Datakvalitet", "text": "Ta fram en modell.",
            "purpose": "", "responsible_group_id": "", "responsible_person_id": "", "responsible": "",
            "start_quarter": "", "end_quarter": "", "status": "not_started", "assignment_id": "", "plan_note": ""}
KPI = {"indicator": "Antal piloter", "baseline_date": "2025-06-30", "note": "", "source": ""}
USE_CASE = {"code": "UC9", "title": "Uppföljning av hjärtsvikt", "description": "", "steps_text": "",
            "legal_status": "not_started", "legal_note": ""}
row("/competence/work-packages/<int:record_id>/edit", "GET", "/competence/work-packages/{wp}/edit", who(*CENTRE))
row("/competence/work-packages/<int:record_id>/edit", "POST", "/competence/work-packages/{wp}/edit", who(*CENTRE),
    form({"title": "Datastyrning", "owner": "competence_centre", "purpose": "Nytt syfte"},
         version=(WorkPackage, "wp")))
row("/competence/activities/new", "GET", "/competence/activities/new", who(*CENTRE))
row("/competence/activities/new", "POST", "/competence/activities/new", who(*CENTRE), form(ACTIVITY))
row("/competence/activities/<int:record_id>/edit", "GET", "/competence/activities/{act}/edit", who(*CENTRE))
row("/competence/activities/<int:record_id>/edit", "POST", "/competence/activities/{act}/edit", who(*CENTRE),
    form(dict(ACTIVITY, code="A.1", status="ongoing"), version=(Activity, "act")))
row("/competence/activities/<int:record_id>/updates", "POST", "/competence/activities/{act}/updates", who(*CENTRE),
    {"reported_on": TODAY.isoformat(), "traffic_light": "at_risk", "progress": "Väntar på pilotregionen."})
row("/competence/activities/<int:record_id>/archive", "POST", "/competence/activities/{act_arch}/archive",
    who(*CENTRE), ARCHIVE)
row("/competence/kpis/new", "GET", "/competence/kpis/new", who(*CENTRE))
row("/competence/kpis/new", "POST", "/competence/kpis/new", who(*CENTRE),
    form(dict(KPI, code="KPI-9", work_package_id="{wp}", measure="number", derivation="")))
row("/competence/kpis/<int:record_id>/edit", "GET", "/competence/kpis/{kpi}/edit", who(*CENTRE))
row("/competence/kpis/<int:record_id>/edit", "POST", "/competence/kpis/{kpi}/edit", who(*CENTRE),
    form(dict(KPI, note="Räknas per kvartal."), version=(Kpi, "kpi")))
row("/competence/kpis/<int:record_id>/measurements", "POST", "/competence/kpis/{kpi}/measurements", who(*CENTRE),
    {"measured_on": TODAY.isoformat(), "value": "30", "target_id": "", "milestone_reached": "", "comment": "",
     "source": ""})
row("/competence/kpis/<int:record_id>/targets/<int:months>", "GET", "/competence/kpis/{kpi}/targets/12",
    who(*CENTRE))
row("/competence/kpis/<int:record_id>/targets/<int:months>", "POST", "/competence/kpis/{kpi}/targets/12",
    who(*CENTRE), {"kind": "number", "comparison": ">", "value": "50", "low": "", "high": "", "text": "> 50",
                   "version": ""})
row("/competence/measurements/<int:record_id>/archive", "POST", "/competence/measurements/{meas}/archive",
    who(*CENTRE), ARCHIVE)
row("/competence/kpis/<int:record_id>/archive", "POST", "/competence/kpis/{kpi_arch}/archive", who(*CENTRE), ARCHIVE)
row("/competence/use-cases/new", "GET", "/competence/use-cases/new", who(*CENTRE))
row("/competence/use-cases/new", "POST", "/competence/use-cases/new", who(*CENTRE), USE_CASE)
row("/competence/use-cases/<int:record_id>/edit", "GET", "/competence/use-cases/{uc}/edit", who(*CENTRE))
row("/competence/use-cases/<int:record_id>/edit", "POST", "/competence/use-cases/{uc}/edit", who(*CENTRE),
    form(dict(USE_CASE, code="UC1", legal_status="ongoing"), version=(UseCase, "uc")))
row("/competence/use-cases/<int:record_id>/archive", "POST", "/competence/use-cases/{uc_arch}/archive",
    who(*CENTRE), ARCHIVE)
row("/competence/use-cases/priorities/new", "GET", "/competence/use-cases/priorities/new", who(*CENTRE))
row("/competence/use-cases/priorities/new", "POST", "/competence/use-cases/priorities/new", who(*CENTRE),
    form({"adopted_on": TODAY.isoformat(), "note": "", "decision_id": "", "place-{uc}": "1"}))
row("/competence/use-cases/priorities/<int:record_id>/archive", "POST",
    "/competence/use-cases/priorities/{ucv}/archive", who(*CENTRE), ARCHIVE)
row("/competence/regions/stances", "POST", "/competence/regions/stances", who(*CENTRE),
    form({"organisation_id": "{region}", "stance": "positive", "recorded_on": TODAY.isoformat(), "source": "",
          "note": ""}))
row("/competence/regions/maturity", "POST", "/competence/regions/maturity", who(*CENTRE),
    form({"organisation_id": "{region}", "area": "data_quality", "level": "2", "assessed_on": TODAY.isoformat(),
          "source": ""}))

# The read-only API: every signed-in user reads (session here; bearer tokens in test_api_*_with_tokens);
# without a sign-in 401. Its description is public (README, "JSON API").
API_ROUTES = [
    ("/api/v1/openapi.json", "/api/v1/openapi.json"),
    ("/api/v1/groups", "/api/v1/groups"), ("/api/v1/groups/<int:record_id>", "/api/v1/groups/{Y}"),
    ("/api/v1/assignments", "/api/v1/assignments"), ("/api/v1/assignments/<int:record_id>", "/api/v1/assignments/{a}"),
    ("/api/v1/decisions", "/api/v1/decisions"), ("/api/v1/decisions/<int:record_id>", "/api/v1/decisions/{d}"),
    ("/api/v1/meetings", "/api/v1/meetings"), ("/api/v1/meetings/<int:record_id>", "/api/v1/meetings/{m}"),
    ("/api/v1/status-reports", "/api/v1/status-reports"),
    ("/api/v1/status-reports/<int:record_id>", "/api/v1/status-reports/{report}"),
    ("/api/v1/work-packages", "/api/v1/work-packages"),
    ("/api/v1/work-packages/<int:record_id>", "/api/v1/work-packages/{wp}"),
    ("/api/v1/activities", "/api/v1/activities"), ("/api/v1/activities/<int:record_id>", "/api/v1/activities/{act}"),
    ("/api/v1/kpis", "/api/v1/kpis"), ("/api/v1/kpis/<int:record_id>", "/api/v1/kpis/{kpi}"),
    ("/api/v1/activities/<int:record_id>/updates", "/api/v1/activities/{act}/updates"),
    ("/api/v1/kpis/<int:record_id>/measurements", "/api/v1/kpis/{kpi}/measurements"),
]
for _rule, _url in API_ROUTES:
    row(_rule, "GET", _url, PUBLIC if _rule.endswith("openapi.json") else API_READ)


# --- The world the rows are asked about ------------------------------------------------------------

def _priority_list(group, title, *items) -> tuple[PriorityList, list[PriorityItem]]:
    plist = ops.create(PriorityList(), None, group_id=group.id, title=title)
    db.session.commit()
    made = []
    for item in items:
        made.append(priority_ops.add_item(plist, {"title": item}, None))
        db.session.commit()
    return plist, made


def build_world() -> dict[str, int]:
    """The world below, written in one transaction (the factories' commits become flushes) to keep
    the file fast; then the sign-ins that need it committed."""
    session = db.session
    session.commit = session.flush
    try:
        ids = _world()
    finally:
        del session.commit
    db.session.commit()
    ids["eva_session"] = _session_of("eva")
    _session_of("per")
    return ids


def _world() -> dict[str, int]:
    """Groups X (the principal, whose chair and secretary are actors), Y (unrelated: a group they do not
    govern), R (X's assignments go to R) and S (steers X); records of each kind in X and in Y; the
    competence centre's records; accounts to administer. Returns the ids the URLs are made of."""
    w = g.world()
    x_group, y_group = w.principal, w.unrelated
    region = w.region.id
    secretary = f.person("Sara Sekreterare", organisation_id=region)
    f.membership(x_group, secretary, MemberRole.SECRETARY)
    reporter = f.person("Rut Rapportör", organisation_id=region)
    member = f.person("Mats Medlem", organisation_id=region)
    f.membership(w.steering, member, MemberRole.MEMBER)
    ms_x = f.membership(x_group, member, MemberRole.MEMBER)
    extra = f.person("Erik Extra", organisation_id=region)
    ms_arch = f.membership(x_group, extra, MemberRole.MEMBER)
    ms_y = f.membership(y_group, extra, MemberRole.MEMBER)
    declarations = [ops.create(ConflictDeclaration(), None, membership_id=m.id, declared_on=date(2024, 1, 1))
                    for m in (ms_x, ms_x, ms_y)]
    db.session.commit()
    npo = f.group("NPO Hjärta och kärl", GroupType.NPO, Level.NATIONAL)
    npo_other = f.group("NPO Endokrina sjukdomar", GroupType.NPO, Level.NATIONAL)

    a = g.assignment(x_group, w.recipient)
    assignment_ops.set_reporters(a, [reporter.id], None)
    db.session.commit()
    a_y = g.assignment(y_group, w.recipient, title="Diabetesuppdrag")
    report = g.report(a)
    report_y = g.report(a_y)
    round_ = assignment_ops.create_round({"title": "Vårens rapportering", "due_on": NEXT_MONTH, "note": ""}, [a], None)
    db.session.commit()
    m = g.meeting(x_group, LAST_MONTH, "RPO Hjärta, möte 3", minutes="§1 Mötet öppnas.")
    locked = g.meeting(x_group, LAST_MONTH - timedelta(days=60), "RPO Hjärta, möte 1", minutes="§1 Öppnas.")
    g.approved_minutes(locked, w.principal_chair, on=LAST_MONTH)
    db.session.commit()
    m_y = g.meeting(y_group, LAST_MONTH, "RAG Diabetes, möte 2", minutes="§1 Mötet öppnas.")
    d = g.decision(x_group, meeting_id=m.id)
    d_y = g.decision(y_group, title="Diabetesbeslut")
    x_pl, (it1, it2, it3) = _priority_list(x_group, "Prioriteringar 2026", "Hjärtsvikt", "Förmaksflimmer", "Stroke")
    y_pl, (ity, ity2) = _priority_list(y_group, "Diabetesprioriteringar", "Typ 1", "Typ 2")

    package = ops.create(WorkPackage(), None, code="A", title="Data governance",
                         owner=WorkPackageOwner.COMPETENCE_CENTRE)
    f.group("Kompetenscentrum", GroupType.COMPETENCE_CENTRE, seed_key="group:kompetenscentrum")
    activities = [ops.create(Activity(), None, code=code, work_package_id=package.id, area="Område", text="Text",
                             status=ActivityStatus.NOT_STARTED) for code in ("A.1", "A.2")]
    kpis = [ops.create(Kpi(), None, code=code, work_package_id=package.id, indicator=f"Indikator {code}",
                       measure=KpiMeasure.NUMBER, baseline_date=date(2025, 6, 30), derivation=derivation)
            for code, derivation in (("KPI-1", None), ("KPI-2", KpiDerivation.MEETINGS_REGIONS), ("KPI-3", None))]
    ops.create(KpiTarget(), None, kpi_id=kpis[0].id, months=6, kind=TargetKind.NUMBER, comparison=">",
               value=Decimal(25), text="> 25")
    measurement = ops.create(KpiMeasurement(), None, kpi_id=kpis[0].id, measured_on=date(2025, 12, 1),
                             value=Decimal(20))
    use_cases = [ops.create(UseCase(), None, code=code, title=f"Fall {code}") for code in ("UC1", "UC2")]
    db.session.commit()
    version = adopt_priority_list([use_cases[0].id], {"adopted_on": date(2025, 9, 1), "note": "",
                                                      "decision_id": None}, None)
    db.session.commit()

    m_arch_doc = g.meeting(x_group, LAST_MONTH, "Arkiverat möte med dokument")
    docs = {key: document_ops.add_document(kind, owner, {"title": f"Dokument {key}", "kind": "underlag"},
                                           FileStorage(io.BytesIO(PDF), f"{key}.pdf"), None)
            for key, kind, owner in (("doc", "meeting", m), ("doc_x2", "group", x_group), ("doc_y", "meeting", m_y),
                                     ("doc_arch", "meeting", m_arch_doc))}
    ops.archive(m_arch_doc, None)
    db.session.commit()

    accounts = {name: make_user(name, Role.READER) for name in ("eva", "olle", "per", "nils")}
    eva_token, _secret = auth_ops.issue_token(accounts["eva"], None, "Power BI")
    link = auth_ops.issue_password_link(accounts["nils"], None)
    for person in (w.principal_chair, secretary, member, w.unrelated_chair):
        person.email = f"person{person.id}@example.se"
    m_inv = g.meeting(x_group, NEXT_MONTH, "RPO Hjärta, möte 4")
    m_inv_y = g.meeting(y_group, NEXT_MONTH, "RAG Diabetes, möte 3")
    invitation_ops.send_invitation(m_inv, None)
    invitation_ops.send_invitation(m_inv_y, None)
    invitations = {i.person_id: i for i in db.session.scalars(sa.select(MeetingInvitation))}
    failed_mail = outbox.queue("registrator@example.se", "Beslut", "Text", purpose="test")
    failed_mail.status = outbox.OutboxStatus.FAILED
    db.session.commit()
    ids = dict(
        X=x_group.id, Y=y_group.id, R=w.recipient.id, S=w.steering.id, hr=w.hr.id, region=region,
        org_arch=f.region(w.hr, "Region Arkivlän").id, g_arch=f.group("NSG Arkiverad").id,
        rel=f.relation(x_group, w.recipient, RelationKind.GIVES_INPUT_TO).id,
        rel_arch=f.relation(y_group, w.recipient, RelationKind.GIVES_INPUT_TO).id,
        hosting=f.hosting(npo, w.hr, status=HostingStatus.ACTIVE).id,
        hosting_arch=f.hosting(npo_other, w.hr, status=HostingStatus.ACTIVE).id, npo=npo.id,
        p_edit=f.person("Pia Person").id, p_arch=f.person("Arne Arkiv").id, extra=extra.id, member_p=member.id,
        reporter_p=reporter.id, chair_p=w.principal_chair.id, secretary_p=secretary.id,
        ms_x=ms_x.id, ms_arch=ms_arch.id, ms_y=ms_y.id,
        decl=declarations[0].id, decl_arch=declarations[1].id, decl_y=declarations[2].id,
        a=a.id, a_y=a_y.id, a_move=g.assignment(x_group, w.recipient, title="Uppdrag att flytta").id,
        a_trans=g.assignment(x_group, w.recipient, title="Uppdrag att leverera").id,
        a_arch=g.assignment(x_group, w.recipient, title="Uppdrag att arkivera").id,
        phase=g.phase(a).id, phase_y=g.phase(a_y).id, report=report.id, report_y=report_y.id, round=round_.id,
        m=m.id, m_y=m_y.id, locked=locked.id, m_move=g.meeting(x_group, NEXT_MONTH, "Möte att flytta").id,
        m2=g.meeting(x_group, LAST_MONTH - timedelta(days=10), "RPO Hjärta, möte 2", minutes="§1 Öppnas.").id,
        m_arch=g.meeting(x_group, NEXT_MONTH, "Möte att arkivera").id,
        item=g.agenda_item(m, assignment_id=a.id).id, item_y=g.agenda_item(m_y, title="Diabetes").id,
        d=d.id, d_y=d_y.id, d_move=g.decision(x_group, title="Beslut att flytta").id,
        d_arch=g.decision(x_group, title="Beslut att arkivera").id,
        lk=g.link(d, a, LinkEffect.GIVES).id, lk_y=g.link(d, a_y, LinkEffect.CHANGES).id,
        lk_yx=g.link(d_y, a, LinkEffect.CHANGES).id, x=g.dispatch(d).id, x_y=g.dispatch(d_y).id,
        pl=x_pl.id, pl_y=y_pl.id, pl_move=_priority_list(x_group, "Lista att flytta")[0].id,
        it1=it1.id, it2=it2.id, it3=it3.id, ity=ity.id, ity2=ity2.id,
        wp=package.id, act=activities[0].id, act_arch=activities[1].id, kpi=kpis[0].id, kpi_derived=kpis[1].id,
        kpi_arch=kpis[2].id, meas=measurement.id, uc=use_cases[0].id, uc_arch=use_cases[1].id, ucv=version.id,
        eva=accounts["eva"].id, olle=accounts["olle"].id, per=accounts["per"].id, nils=accounts["nils"].id,
        eva_token=eva_token.id, link=link, mail=failed_mail.id, m_arch_doc=m_arch_doc.id,
        m_inv=m_inv.id, m_inv_y=m_inv_y.id, m_send=g.meeting(x_group, NEXT_MONTH, "Möte att kalla").id,
        m_send_y=g.meeting(y_group, NEXT_MONTH, "Diabetesmöte att kalla").id,
        m_cancel=g.meeting(x_group, NEXT_MONTH, "Möte att ställa in").id,
        inv_x=invitations[member.id].id, inv_y=invitations[w.unrelated_chair.id].id,
        inv_link=invitation_ops.answer_token(invitations[secretary.id]),
        feed=calendar_feeds.token_for(accounts["eva"]),
        group_feed=calendar_feeds.token_for(accounts["eva"], x_group.id),
        **{key: d.id for key, d in docs.items()}, doc_v=docs["doc"].latest.id, doc_y_v=docs["doc_y"].latest.id,
    )
    # Who approves which minutes: the chair of X chairs m2 and is a named adjuster of a meeting of Y.
    m2, m_y = db.session.get(Meeting, ids["m2"]), db.session.get(Meeting, ids["m_y"])
    m_y2 = g.meeting(y_group, LAST_MONTH - timedelta(days=5), "RAG Diabetes, möte 1", minutes="§1 Öppnas.")
    meeting_ops.add_approver(m2, ids["chair_p"], ApproverRole.CHAIR, None)
    ids["ap2"] = meeting_ops.add_approver(m2, ids["extra"], ApproverRole.ADJUSTER, None).id
    ids["ap_rm"] = meeting_ops.add_approver(m2, f.person("Rut Justerare").id, ApproverRole.ADJUSTER, None).id
    ids["ap_y"] = meeting_ops.add_approver(m_y, ids["extra"], ApproverRole.CHAIR, None).id
    meeting_ops.add_approver(m_y2, ids["chair_p"], ApproverRole.ADJUSTER, None)
    ids["ap_y_rm"] = meeting_ops.add_approver(m_y2, f.person("Rune Justerare").id, ApproverRole.ADJUSTER, None).id
    ids["m_y2"] = m_y2.id
    db.session.commit()
    return ids


def _session_of(username: str) -> int:
    """Sign `username` in from another browser; the new session's id."""
    assert Browser(current_app.test_client()).login(username).status_code == 302
    return db.session.scalar(sa.select(sa.func.max(UserSession.id)).join(UserSession.user)
                             .where(User.username == username))


def actor_user(actor: str, ids: dict) -> User:
    """The account an actor signs in with: a role, or a reader who is one of the world's people."""
    roles = {role.value: role for role in Role} | {"deactivated": Role.ADMIN}
    role = roles.get(actor, Role.READER)
    person = db.session.get(Person, ids[f"{actor}_p"]) if f"{actor}_p" in ids else None
    return make_user(f"aktor-{actor}", role, person)


def deactivate(user_id: int) -> None:
    """Deactivated while signed in (or holding a token): the archive flag alone, sessions left as they were."""
    ops.archive(db.session.get(User, user_id), None)
    db.session.commit()


def sign_in(actor: str, ids: dict) -> Browser:
    """A browser for `actor`, with a CSRF token at hand; for signed-in actors also their own API token
    and another session of theirs in `ids` (own_token, own_session; a second one for end-others)."""
    client = current_app.test_client()
    browser = Browser(client)
    if actor == "anonymous":
        browser.token = browser.csrf("/login")
        ids.update(own_token=ids["eva_token"], own_session=ids["eva_session"])
        return browser
    user = actor_user(actor, ids)
    token, _secret = auth_ops.issue_token(user, None, "Egen nyckel")
    db.session.commit()
    assert browser.login(user.username).status_code == 302
    ids.update(own_token=token.id, own_session=_session_of(user.username))
    _session_of(user.username)  # for "end my other sessions"
    browser.token = CSRF_RE.search(client.get("/").get_data(as_text=True)).group(1)
    if actor == "deactivated":
        deactivate(user.id)
    return browser


# --- Asking ------------------------------------------------------------------------------------------

# Bookkeeping that reading a page may touch (at most once a minute) is no write of the user's.
VOLATILE = {"user_sessions": {"last_seen_at"}, "api_tokens": {"last_used_at"}}


def database_state() -> dict[str, list[str]]:
    """Every row of every table, accounts, sessions and tokens included: one query (each row as a JSON
    array), fast enough to take after every write on SQLite and on PostgreSQL."""
    state = {table.name: [] for table in db.metadata.sorted_tables}
    for name, row_json in db.session.connection().execute(_state_query()):
        state[name].append(row_json)
    return {name: sorted(rows) for name, rows in state.items()}


def _state_query(cache={}):  # noqa: B006 - built once per database kind: the metadata does not change
    dialect = db.engine.dialect.name
    if dialect not in cache:
        as_json = sa.func.json_build_array if dialect == "postgresql" else sa.func.json_array
        # JSON holds no bytes (an outbox attachment): a digest of them stands in.
        as_text = sa.func.md5 if dialect == "postgresql" else sa.func.hex

        def column(c):
            return as_text(c) if isinstance(c.type, sa.LargeBinary) else c

        cache[dialect] = sa.union_all(*(
            sa.select(sa.literal(table.name).label("name"), sa.cast(as_json(*(
                column(c) for c in table.columns if c.name not in VOLATILE.get(table.name, ()))), sa.Text).label("row"))
            for table in db.metadata.sorted_tables))
    return cache[dialect]


def _changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]


ERROR_MARKERS = ('class="error-summary"', 'class="error"', "flash flash-error")


def ask(browser: Browser, method: str, case: Case, ids: dict) -> str | None:
    """Make one request and compare its answer with what `case` expects of `browser.actor`: None when
    they agree, else what differs."""
    actor = browser.actor
    expected = case.expect[actor]
    url = case.url.format(**ids)
    data = None
    if method == "POST":
        data = case.data(ids) if callable(case.data) else dict(case.data or {})
        data["csrf_token"] = browser.token
    # The state after the previous write: reading pages in between must not have written either.
    before = browser.state if method == "POST" and case.check_db else None
    response = browser.client.open(url, method=method, data=data)
    status, location = response.status_code, response.headers.get("Location", "")
    page = response.get_data().decode(errors="replace")  # a download is not text
    response.close()
    to_login = urlsplit(location).path == "/login"
    landing = ""
    if method == "POST" and status == 302 and not to_login:
        # What a small form was told shows on the next page (a light one; each message shows once).
        landing = browser.client.get("/account/").get_data(as_text=True)
    changed = []
    if method == "POST":
        after = database_state()
        changed = _changed_tables(before, after) if before is not None else []
        browser.state = after
    got = f"{status}{' → ' + location if location else ''}"
    if changed:
        got += f", wrote {', '.join(changed)} (since the previous write)"
    shown = " | ".join(g.flashes(landing)) or g.form_errors(page).strip()
    if shown:
        got += f", said: {' '.join(shown.split())[:160]}"
    problem = _judge(method, case, expected, status, to_login, location, page, landing, changed, before is not None)
    if problem is None:
        return None
    label = f" [{case.note}]" if case.note else ""
    return f"{actor:>17}: {method} {url}{label}: expected {expected}, got {got} ({problem})"


def _judge(method, case, expected, status, to_login, location, page, landing, changed, db_checked) -> str | None:
    wrote = bool(changed)
    if expected == LOGIN:
        if status != 302 or not to_login:
            return "not sent to sign in"
        return "wrote" if wrote else None
    if expected == HOME:
        return None if status == 302 and urlsplit(location).path == "/" else "not sent to the start page"
    if expected == REFUSED:
        if wrote:
            return "a refused write was saved"
        if status in (200, 422):
            text = page
        elif status == 302 and not to_login:
            text = landing
        else:
            return "not the form back with a message"
        if not any(marker in text for marker in ERROR_MARKERS):
            return "no error message"
        told = g.text(text)
        if case.field and status != 302:
            told = g.field_error(text, case.field)
            if told is None:
                return f"nothing said beside {case.field}"
        messages = case.message if isinstance(case.message, tuple) else (case.message,) if case.message else ()
        if messages and not any(m in told for m in messages):
            return f"not told {case.message!r}"
        return None
    if expected != OK:  # a status: 403, 401, 404, 200
        if status != int(expected):
            return "wrong status"
        return "wrote" if wrote and expected != "200" else None
    # Allowed.
    want = case.ok_status or (200 if method == "GET" else 302)
    if status != want:
        return "wrong status"
    if status == 302 and to_login != case.ok_to_login:
        return "sent to sign in" if to_login else "not sent to sign in"
    if method == "GET" or not db_checked:
        return None
    if case.told:
        if case.told not in g.text(landing):
            return f"not told {case.told!r}"
        return "wrote" if wrote else None
    if case.changes and not wrote:
        return "nothing was saved"
    if landing and g.flashes(landing, "error"):
        return "told of an error"
    return None


def refresh_token(browser: Browser) -> None:
    response = browser.client.get("/account/")
    page = browser.client.get("/login") if response.status_code == 302 else response
    browser.token = CSRF_RE.search(page.get_data(as_text=True)).group(1)


def _ordered_cases():
    cases = [(rule, method, case) for (rule, method), row_cases in TABLE.items() for case in row_cases]
    return sorted(cases, key=lambda c: c[2].late)  # stable: table order within each stage


@pytest.fixture
def quiet_app(app, monkeypatch):
    """No mail server (dispatch is by hand) and no API rate limit to trip over."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    monkeypatch.setitem(app.config, "API_REFUSED_RATE_LIMIT", "100000 per minute")
    return app


# --- The tests ---------------------------------------------------------------------------------------

def test_every_route_has_a_row(app):
    """A route added to the app must get its row here; a row must name a route that exists."""
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing = sorted(routes - TABLE.keys())
    unknown = sorted(TABLE.keys() - routes)
    assert not missing, "routes without a row in the permission table:\n" + "\n".join(map(str, missing))
    assert not unknown, "rows for routes the app does not have:\n" + "\n".join(map(str, unknown))
    for (rule, method), cases in TABLE.items():
        for case in cases:
            assert set(case.expect) == set(ACTORS), (rule, method)
            assert (case.data is not None) == (method == "POST"), (rule, method, case.url)


@pytest.mark.parametrize("actor", ACTORS)
def test_every_route_answers_each_actor_as_the_table_says(quiet_app, actor):
    ids = build_world()
    browser = sign_in(actor, ids)
    browser.actor = actor
    browser.state = database_state()
    mismatches = []
    for _rule, method, case in _ordered_cases():
        if case.late >= 2:
            # Changing one's password starts a new session, with a new CSRF token.
            refresh_token(browser)
        if (problem := ask(browser, method, case, ids)) is not None:
            mismatches.append(problem)
    assert not mismatches, f"{len(mismatches)} answers differ from the table:\n" + "\n".join(mismatches)


def test_the_api_answers_each_roles_token_as_the_table_says(quiet_app):
    """The API rows again, with bearer tokens: each signed-in kind of user's token reads every route
    (200), a request without a token, with a made-up one or with a deactivated account's is refused
    (401) – only the API's description is public – and nothing is written through the API (405)."""
    ids = build_world()
    tokens = {}
    for actor in (*SIGNED_IN, "deactivated"):
        user = actor_user(actor, ids)
        tokens[actor] = auth_ops.issue_token(user, None, "Integration")[1]
        db.session.commit()
        if actor == "deactivated":
            deactivate(user.id)
    tokens["anonymous"] = None
    client = current_app.test_client()
    before = database_state()
    mismatches = []
    for (rule, method), cases in TABLE.items():
        if not rule.startswith("/api/"):
            continue
        for case in cases:
            url = case.url.format(**ids)
            for actor, secret in [*tokens.items(), ("made-up token", "x" * 43)]:
                expected = case.expect["anonymous" if actor == "made-up token" else actor]
                headers = {"Authorization": f"Bearer {secret}"} if secret else {}
                response = client.open(url, method=method, headers=headers)
                want = 200 if expected == OK else int(expected)
                if response.status_code != want or not response.is_json:
                    mismatches.append(f"{actor:>17}: {method} {url}: expected {want}, got {response.status_code}")
                written = client.post(url, headers=headers).status_code
                if written != 405:
                    mismatches.append(f"{actor:>17}: POST {url}: expected 405, got {written}")
    assert database_state() == before, "the API wrote something"
    assert not mismatches, f"{len(mismatches)} answers differ from the table:\n" + "\n".join(mismatches)


def test_a_method_a_route_does_not_take_is_not_allowed(app):
    """GET on a route that only takes a write, and a write on a page: 405 for everyone, signed in or not,
    and nothing written."""
    make_user("lasare")
    reader = Browser(current_app.test_client())
    assert reader.login("lasare").status_code == 302
    anonymous = current_app.test_client()
    before = database_state()
    mismatches = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        # Any value of the right kind: the method is refused before the record is looked for.
        url = re.sub(r"<(?:int:)?(\w+)>", lambda m: "sv" if m.group(1) == "code" else "1", rule.rule)
        for method in sorted({"GET", "POST"} - rule.methods):
            for name, client in (("reader", reader.client), ("anonymous", anonymous)):
                status = client.open(url, method=method).status_code
                if status != 405:
                    mismatches.append(f"{name}: {method} {url}: expected 405, got {status}")
    assert database_state() == before
    assert not mismatches, "\n".join(mismatches)
