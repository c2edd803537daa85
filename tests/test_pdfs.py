"""The PDFs: the invitation with the agenda, the minutes, the decision extract, the meeting pack and the
competence centre's follow-up report – each opened with pypdf and its text read: § numbers, registry
numbers, Swedish dates, page numbers, A4 pages; the pack's papers after the agenda with a bookmark each;
the dispatch e-mail carrying the extract, received by a real SMTP server."""

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from app.auth.models import Role
from app.core import outbox
from app.core import pdf as pdf_module
from app.core.pdf import safe_filename
from app.decisions.models import DecisionKind
from app.documents import operations as document_ops
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.models import ApproverRole, AttendanceStatus
from app.people.models import MemberRole
from seed.pdf import text_pdf
from tests import factories as f
from tests import gov_factories as g
from tests.conftest import RunningSMTPServer, free_port

MEETING_DAY = date(2023, 12, 12)
A4 = (595.28, 841.89)  # points


def two_page_pdf(title: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{title}</h1><p>Sida ett</p><p style='page-break-before: always'>Sida två</p>").write_pdf()


def add_paper(owner_key: str, owner, title: str, content: bytes, filename: str):
    document = document_ops.add_document(owner_key, owner, {"title": title, "kind": "underlag"},
                                         FileStorage(io.BytesIO(content), filename), None)
    db.session.commit()
    return document


@pytest.fixture
def world(app):
    """A meeting of RPO Hjärta Mellan on 12 December 2023 with three §§: the second takes a decision with a
    registry number, and one member takes no part in it (jäv); attendance with a substitute; papers."""
    w = g.world()
    m = g.meeting(w.principal, MEETING_DAY, "RPO Hjärta Mellan, möte 4", start_time="09:30", place="Västerås",
                  minutes="Mötet avslutades 15.00.")
    substitute = f.person("Sam Ersättare", organisation_id=w.region.id)
    f.membership(w.principal, w.member, MemberRole.MEMBER)
    for person, status, instead_of in ((w.principal_chair, AttendanceStatus.PRESENT, None),
                                       (w.member, AttendanceStatus.ABSENT, None),
                                       (substitute, AttendanceStatus.SUBSTITUTE, w.member.id)):
        meeting_ops.set_attendance(m, {"person_id": person.id, "representing_id": None, "status": status,
                                       "substitute_for_id": instead_of}, None)
    opening = g.agenda_item(m, "Mötet öppnas", position=1)
    routine = g.agenda_item(m, "Rutin för hjärtsvikt", position=2)
    closing = g.agenda_item(m, "Mötet avslutas", position=3)
    meeting_ops.declare_conflict(m, routine.id, substitute.id, "", None)
    # The § written in the minutes, with the decision taken at it.
    d = meeting_ops.write_item_minutes(routine, {
        "minutes": "Kansliet föredrog förslaget.", "decision_kind": DecisionKind.DECISION,
        "decision_title": "Rutin för hjärtsvikt", "decision_text": "Gruppen fastställer rutinen för uppföljning av "
        "hjärtsvikt.", "registry_number": "RS 2023-00042", "issuing_organisation_id": w.region.id, "executor": "",
        "execute_by": None}, None)
    db.session.commit()
    return {"w": w, "m": m, "d": d, "opening": opening, "routine": routine, "closing": closing,
            "substitute": substitute}


def name_approvers(m, chair, *adjusters) -> None:
    meeting_ops.add_approver(m, chair.id, ApproverRole.CHAIR, None)
    for person in adjusters:
        meeting_ops.add_approver(m, person.id, ApproverRole.ADJUSTER, None)
    db.session.commit()


def approve_all(m, on: date) -> None:
    """Approvals made outside the app, recorded by the secretariat (the last one locks the minutes)."""
    for approval in m.approvals:
        meeting_ops.record_approval(approval, on, None)
    db.session.commit()


def open_pdf(response) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    content = response.get_data()
    response.close()  # a streamed pack is a temporary file, closed with the response as a server would
    return PdfReader(io.BytesIO(content))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def assert_a4_with_page_numbers(reader: PdfReader) -> None:
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
        assert f"Sida {number} av {total}" in " ".join(page.extract_text().split())


def test_the_minutes_show_each_paragraph_with_its_decision_and_conflicts(world, login_as):
    reader_browser = login_as(Role.READER)
    response = reader_browser.get(f"/meetings/{world['m'].id}/minutes.pdf")
    pdf = open_pdf(response)
    assert response.headers["Content-Disposition"] == \
        'inline; filename=protokoll-rpo-hjarta-mellan-2023-12-12.pdf'
    assert_a4_with_page_numbers(pdf)
    text = text_of(pdf)
    assert "Protokoll" in text and "RPO Hjärta Mellan, möte 4" in text
    assert "12 december 2023" in text and "09:30" in text and "Västerås" in text
    assert "§ 1 Mötet öppnas" in text and "§ 2 Rutin för hjärtsvikt" in text and "§ 3 Mötet avslutas" in text
    assert text.index("§ 1 Mötet öppnas") < text.index("§ 2 Rutin") < text.index("§ 3 Mötet avslutas")
    assert "Gruppen fastställer rutinen för uppföljning av hjärtsvikt." in text
    assert "RS 2023-00042" in text
    assert "Sam Ersättare deltog inte i handläggningen på grund av jäv." in text
    assert text.index("§ 2 Rutin") < text.index("Kansliet föredrog förslaget.") < text.index("§ 3 Mötet avslutas")
    assert "Petra Beställare" in text and "Sam Ersättare (för Mona Medlem)" in text
    assert "Frånvarande Mona Medlem" in text
    assert "Mötet avslutades 15.00." in text
    assert "Ej justerat" in text


def test_approved_minutes_say_who_approved_them_and_when(world, login_as):
    m, w = world["m"], world["w"]
    name_approvers(m, w.principal_chair, world["substitute"])
    reader = login_as(Role.READER)
    text = text_of(open_pdf(reader.get(f"/meetings/{m.id}/minutes.pdf")))
    assert "Justerare Petra Beställare (ordförande), Sam Ersättare (justerare)" in text
    assert "Ej justerat" in text and "Sam Ersättare, justerare: har inte justerat" in text
    meeting_ops.record_approval(m.approvals[0], date(2023, 12, 13), None)
    db.session.commit()
    text = text_of(open_pdf(reader.get(f"/meetings/{m.id}/minutes.pdf")))
    assert "Ej justerat" in text, "one adjuster has still to approve"
    assert "Petra Beställare, ordförande: justerat 13 december 2023 (registrerat av sekretariatet)" in text
    meeting_ops.record_approval(m.approvals[1], date(2023, 12, 14), None)
    db.session.commit()
    text = text_of(open_pdf(reader.get(f"/meetings/{m.id}/minutes.pdf")))
    assert "Protokollet justerades 14 december 2023 av Petra Beställare, Sam Ersättare." in text
    assert "Sam Ersättare, justerare: justerat 14 december 2023" in text
    assert "Ej justerat" not in text


def test_the_invitation_lists_the_agenda_and_each_items_papers(world, login_as):
    add_paper("agenda_item", world["routine"], "Förslag till rutin", text_pdf("Rutin", ["Förslaget"]), "rutin.pdf")
    add_paper("meeting", world["m"], "Föregående protokoll", text_pdf("Protokoll", ["Möte 3"]), "prot.pdf")
    response = login_as(Role.READER).get(f"/meetings/{world['m'].id}/invitation.pdf")
    pdf = open_pdf(response)
    assert "kallelse-rpo-hjarta-mellan-2023-12-12.pdf" in response.headers["Content-Disposition"]
    assert_a4_with_page_numbers(pdf)
    text = text_of(pdf)
    assert "Kallelse" in text and "12 december 2023" in text and "09:30" in text and "Västerås" in text
    assert text.index("§ 1 Mötet öppnas") < text.index("§ 2 Rutin för hjärtsvikt") < text.index("§ 3 Mötet")
    assert text.index("§ 2 Rutin för hjärtsvikt") < text.index("Förslag till rutin") < text.index("§ 3 Mötet")
    assert "Föregående protokoll" in text
    # The invitation goes out before the meeting: no decisions or conflicts in it.
    assert "RS 2023-00042" not in text and "jäv" not in text


def test_the_decision_extract_is_its_paragraph_with_the_meetings_header_and_approval(world, login_as):
    name_approvers(world["m"], world["w"].principal_chair)
    approve_all(world["m"], date(2023, 12, 14))
    response = login_as(Role.READER).get(f"/decisions/{world['d'].id}/extract.pdf")
    pdf = open_pdf(response)
    assert "protokollsutdrag-rs-2023-00042-2023-12-12.pdf" in response.headers["Content-Disposition"]
    assert_a4_with_page_numbers(pdf)
    text = text_of(pdf)
    assert "Protokollsutdrag" in text and "RPO Hjärta Mellan, möte 4" in text and "12 december 2023" in text
    assert "Dnr RS 2023-00042" in pdf.pages[0].extract_text()  # the running header
    assert "§ 2 Rutin för hjärtsvikt" in text and "Gruppen fastställer rutinen" in text
    assert "Sam Ersättare deltog inte i handläggningen på grund av jäv." in text
    assert "Protokollet justerades 14 december 2023 av Petra Beställare." in text
    assert "Utdraget stämmer med protokollet." in text
    assert "§ 1" not in text and "§ 3" not in text


def test_a_decision_taken_outside_a_meeting_has_an_extract_of_its_own(world, login_as):
    w = world["w"]
    d = g.decision(w.principal, "Delegationsbeslut om remissvar", decided_on=date(2024, 2, 5), by_delegation=True,
                   text="Remissvaret lämnas enligt bilaga.", registry_number="RS 2024-00007",
                   issuing_organisation_id=w.region.id, executor_group_id=w.recipient.id,
                   execute_by=date(2024, 3, 1))
    text = text_of(open_pdf(login_as(Role.READER).get(f"/decisions/{d.id}/extract.pdf")))
    assert "Delegationsbeslut om remissvar" in text and "RPO Hjärta Mellan" in text
    assert "5 februari 2024" in text and "RS 2024-00007" in text and "Remissvaret lämnas enligt bilaga." in text
    assert "Ansvarig för genomförande: RAG Hjärtsvikt, senast 1 mars 2024" in text
    assert "§" not in text


def test_the_meeting_pack_is_the_agenda_followed_by_every_pdf_paper_with_bookmarks(world, login_as):
    add_paper("meeting", world["m"], "Föregående protokoll", text_pdf("Protokoll möte 3", ["Justerat"]), "p.pdf")
    routine = add_paper("agenda_item", world["routine"], "Förslag till rutin", text_pdf("Rutin v1", ["Utkast"]),
                        "rutin.pdf")
    # A new version replaces the first in the pack.
    document_ops.add_version(routine, FileStorage(io.BytesIO(two_page_pdf("Rutin v2")), "rutin-v2.pdf"), None)
    db.session.commit()
    add_paper("agenda_item", world["routine"], "Kommentarer", b"Inga synpunkter.\n", "kommentarer.txt")
    add_paper("agenda_item", world["closing"], "Trasig bilaga", b"%PDF-1.4\nnot really a PDF at all\n", "t.pdf")
    response = login_as(Role.READER).get(f"/meetings/{world['m'].id}/pack.pdf")
    pack = open_pdf(response)
    assert "handlingar-rpo-hjarta-mellan-2023-12-12.pdf" in response.headers["Content-Disposition"]
    agenda_pages = len(PdfReader(io.BytesIO(
        login_as(Role.READER, username="andra-lasaren").get(f"/meetings/{world['m'].id}/invitation.pdf")
        .get_data())).pages)
    assert len(pack.pages) == agenda_pages + 1 + 2
    pages = [" ".join(p.extract_text().split()) for p in pack.pages]
    assert "Kallelse" in pages[0]
    assert "Protokoll möte 3" in pages[agenda_pages]
    assert "Rutin v2" in pages[agenda_pages + 1] and "Sida två" in pages[agenda_pages + 2]
    assert "Rutin v1" not in " ".join(pages)
    outline = [(item.title, pack.get_destination_page_number(item)) for item in pack.outline]
    assert outline == [("Kallelse och dagordning", 0), ("Föregående protokoll", agenda_pages),
                       ("§ 2 Förslag till rutin", agenda_pages + 1)]
    # The agenda says which papers are in the pack; the text file is listed but not merged, the broken one
    # is said to be missing.
    agenda_text = " ".join(pages[:agenda_pages])
    assert "Kommentarer" in agenda_text and "Inga synpunkter" not in " ".join(pages)
    assert "Trasig bilaga (Underlag, kunde inte läggas till i handlingarna)" in agenda_text


def test_the_dispatch_email_carries_the_decision_extract(world, app, monkeypatch, login_as):
    server = RunningSMTPServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    try:
        g.dispatch(world["d"], "Region Uppsala", "registrator@regionuppsala.se")
        keeper = login_as(Role.SECRETARIAT)
        keeper.post("/language/en", {"next": "/"}, form_url="/")  # the sender reads the register in English
        keeper.post(f"/decisions/{world['d'].id}/dispatch/send", {}, form_url=f"/decisions/{world['d'].id}")
        assert outbox.deliver_due() == {outbox.OutboxStatus.SENT: 1}
        [(_sender, to, received)] = server.messages
    finally:
        server.stop()
    assert to == ["registrator@regionuppsala.se"]
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "protokollsutdrag-rs-2023-00042-2023-12-12.pdf"
    assert attachment.get_content_type() == "application/pdf"
    text = text_of(PdfReader(io.BytesIO(attachment.get_content())))
    assert "§ 2 Rutin för hjärtsvikt" in text and "RS 2023-00042" in text and "12 december 2023" in text
    # In Swedish, whatever the sender's language. Sent before the minutes were approved: the extract says so
    # and certifies nothing.
    assert "Ej justerat" in text and "Utdraget stämmer med protokollet." not in text


def test_the_competence_report_is_a_pdf_too(app, login_as):
    response = login_as(Role.READER).get("/competence/report?months=12&format=pdf")
    pdf = open_pdf(response)
    assert "uppfoljning-12-manader" in response.headers["Content-Disposition"]
    assert_a4_with_page_numbers(pdf)
    text = text_of(pdf)
    assert "Uppföljning av vårddatastrategins arbetspaket – 12 månader" in text and "Indikatorer" in text
    assert f"Utskrivet {date.today().day}" in text


def test_the_pages_print_on_a4():
    for sheet in ("app.css", "print.css"):
        css = (Path(__file__).parents[1] / "app" / "static" / sheet).read_text()
        assert "size: A4" in css, sheet


def test_pdf_file_names_keep_to_ascii():
    assert safe_filename("Protokoll", "RPO Äldres hälsa/Öst", MEETING_DAY) == \
        "protokoll-rpo-aldres-halsa-ost-2023-12-12.pdf"
    assert safe_filename("", None) == "dokument.pdf"


def test_the_app_starts_without_weasyprint(tmp_path):
    """WeasyPrint needs pango: on a machine without it the app still starts (only PDFs fail)."""
    code = ("import sys; sys.modules['weasyprint'] = None\n"
            "from app import create_app\n"
            "app = create_app()\n"
            "assert app.url_map.bind('x').match('/meetings/1/pack.pdf')[0] == 'meetings.pack_pdf'\n"
            "print('started')")
    env = dict(os.environ, SECRET_KEY=os.urandom(32).hex(), DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
               SECURITY_LOG_FILE=str(tmp_path / "security.log"))
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "started", result.stderr[-2000:]


def test_the_meeting_decision_and_report_pages_link_their_pdfs(world, login_as):
    reader = login_as(Role.READER)
    m, d = world["m"], world["d"]
    meeting_page = reader.get(f"/meetings/{m.id}").get_data(as_text=True)
    for url in (f"/meetings/{m.id}/invitation.pdf", f"/meetings/{m.id}/minutes.pdf", f"/meetings/{m.id}/pack.pdf"):
        assert f'href="{url}"' in meeting_page
    decision_page = reader.get(f"/decisions/{d.id}").get_data(as_text=True)
    assert f'href="/decisions/{d.id}/extract.pdf"' in decision_page and "Protokollsutdrag (PDF)" in decision_page
    report_page = reader.get("/competence/report?months=12").get_data(as_text=True)
    assert 'href="/competence/report?months=12&amp;format=pdf"' in report_page


def test_an_item_about_an_earlier_decision_does_not_take_it_again(world, login_as):
    """An agenda item may name a decision of another meeting (its follow-up): the minutes refer to it,
    and neither show it as taken here nor make it this meeting's § in that decision's extract."""
    w = world["w"]
    earlier = g.decision(w.principal, "Uppdrag om hjärtsviktsregister", decided_on=date(2023, 6, 1),
                         registry_number="RS 2023-00011", issuing_organisation_id=w.region.id,
                         text="Gruppen ger uppdraget.")
    g.agenda_item(world["m"], "Uppföljning av registeruppdraget", position=4, decision_id=earlier.id)
    reader = login_as(Role.READER)
    text = text_of(open_pdf(reader.get(f"/meetings/{world['m'].id}/minutes.pdf")))
    assert "§ 4 Uppföljning av registeruppdraget" in text
    assert "Ärendet gäller beslutet ”Uppdrag om hjärtsviktsregister”, 1 juni 2023. Diarienummer: RS 2023-00011" \
        in text
    assert "Gruppen ger uppdraget." not in text
    extract = text_of(open_pdf(reader.get(f"/decisions/{earlier.id}/extract.pdf")))
    assert "§" not in extract and "RPO Hjärta Mellan, möte 4" not in extract and "1 juni 2023" in extract


def test_a_large_pack_waits_on_disk_not_in_memory(app):
    """Merged into a temporary file that moves to disk beyond SPOOL_LIMIT, and is sent from there in chunks."""
    big = text_pdf("Stort underlag", ["Rad med text som upprepas för att göra filen stor."] * 200_000)
    assert len(big) > pdf_module.SPOOL_LIMIT
    small = text_pdf("Litet underlag", ["En rad."])
    out = pdf_module.merge([("Litet", pdf_module.readable_pdf(io.BytesIO(small))),
                            ("Stort", pdf_module.readable_pdf(io.BytesIO(big)))])
    try:
        assert out._rolled  # on disk (the SpooledTemporaryFile's own flag)
        merged = PdfReader(out)
        assert len(merged.pages) == 2 and [i.title for i in merged.outline] == ["Litet", "Stort"]
    finally:
        out.close()
    small_out = pdf_module.merge([("Litet", pdf_module.readable_pdf(io.BytesIO(small)))])
    assert not small_out._rolled
    small_out.close()


def test_a_pdf_reaches_nothing_but_the_static_folder(app):
    """No font, image or stylesheet comes from the network or from elsewhere on the disk."""
    fetcher = pdf_module._url_fetcher()
    static = Path(app.static_folder).resolve()
    fetched = fetcher(f"file://{static / 'print.css'}")
    assert fetched is not None
    for url in ("http://example.invalid/font.woff2", "https://example.invalid/logo.png", "file:///etc/passwd",
                f"file://{static}/../config.py"):
        with pytest.raises(ValueError, match="not fetched for a PDF"):
            fetcher(url)


def test_pdfs_of_records_that_do_not_exist_are_not_found(app, login_as):
    reader = login_as(Role.READER)
    for url in ("/meetings/999/invitation.pdf", "/meetings/999/minutes.pdf", "/meetings/999/pack.pdf",
                "/decisions/999/extract.pdf"):
        assert reader.get(url).status_code == 404, url


def test_without_weasyprint_a_pdf_is_a_clear_503_and_a_dispatch_is_refused_not_half_sent(tmp_path):
    """On a server without pango: the PDF route answers 503 saying why, and sending a dispatch (which carries
    the extract) is refused with a message, nothing queued. In a process of its own where WeasyPrint cannot
    be imported, as on such a machine."""
    code = """
import sys
sys.modules['weasyprint'] = None
import sqlalchemy as sa
from app import create_app
from app.extensions import db
from app.core.outbox import OutboxMessage
from tests import gov_factories as g
from tests.conftest import make_user, PASSWORD
from app.auth.models import Role
app = create_app()
app.config.update(WTF_CSRF_ENABLED=False, MAIL_SERVER="127.0.0.1")
with app.app_context():
    db.create_all()
    w = g.world()
    d = g.decision(w.principal, "Beslut att skicka")
    g.dispatch(d, "Region Uppsala", "registrator@example.se")
    make_user("kansli", Role.SECRETARIAT)
    client = app.test_client()
    assert client.post("/login", data={"username": "kansli", "password": PASSWORD}).status_code == 302
    response = client.get(f"/decisions/{d.id}/extract.pdf")
    print(response.status_code, "Servern saknar det som behövs" in response.get_data(as_text=True))
    response = client.post(f"/decisions/{d.id}/dispatch/send", data={}, follow_redirects=True)
    text = response.get_data(as_text=True)
    print("kan inte skapas som PDF" in text,
          db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)))
"""
    env = dict(os.environ, SECRET_KEY=os.urandom(32).hex(), DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
               SECURITY_LOG_FILE=str(tmp_path / "security.log"), FILES_DIR=str(tmp_path / "files"))
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.split("\n")[:2] == ["503 True", "True 0"], result.stdout + result.stderr[-3000:]
