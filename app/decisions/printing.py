"""The decision extract (protokollsutdrag): the § of the minutes where the decision was taken, with the
meeting's header and approval; for a decision taken outside a meeting, the decision itself with its body,
date and registry number. Shown from the decision's page and attached to its dispatch e-mails."""

from app.core import pdf
from app.decisions.models import Decision
from app.meetings import printing as meeting_printing


def extract_context(decision: Decision) -> dict:
    context = {"decision": decision, "running_title": str(decision.group),
               "running_number": decision.registry_number, "head": None, "section": None}
    meeting = decision.meeting
    if meeting is not None:
        context["head"] = meeting_printing.header(meeting)
        context["section"] = next(
            (p for p in meeting_printing.paragraphs(meeting, with_papers=False)
             if any(d.id == decision.id for d in p.decisions)),
            meeting_printing.Paragraph(None, decision.title, decisions=[decision]))
    return context


def extract_pdf(decision: Decision) -> bytes:
    return pdf.render_pdf("decisions/pdf_extract.html", **extract_context(decision))


def extract_filename(decision: Decision) -> str:
    return pdf.safe_filename("protokollsutdrag", decision.registry_number or decision.title,
                             decision.decided_on)
