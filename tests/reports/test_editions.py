"""The report's two editions: restricted (everything, marked on every page) and public (public
records and the aggregate figures only), in the four formats; observers get only the public
one."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from tracker.disputes.models import Dispute
from tracker.milestones.models import ProgressUpdate
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
from tracker.reports.builder import ComplianceReport, Edition, ReportScope

URL = reverse("reports:compliance")

# Texts of the task-force records of the `world` (tests/reports/conftest.py) ...
RESTRICTED = (
    "The baseline omits groundwater.",  # finding of a task-force check
    "Add groundwater sampling",  # its corrective action
    "Baseline dispute",
    "Drafts exchanged",  # progress note
)
# ... and of the records `published` makes public.
PUBLIC = ("Only in English.", "Publish in Ukrainian", "Fund eligibility dispute")


@pytest.fixture
def published(world):
    """The partial-compliance check, its action and the resolved dispute are public."""
    MonitoringCheck.objects.filter(pk=world.partial.pk).update(visibility="public")
    CorrectiveAction.objects.filter(pk=world.closed_action.pk).update(visibility="public")
    Dispute.objects.filter(pk=world.resolved_dispute.pk).update(visibility="public")
    return world


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def download(client, output: str, **params) -> bytes:
    response = client.get(URL, {"format": output, **params})
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def all_formats(client, **params) -> dict[str, str]:
    html = client.get(URL, params).content.decode()
    return {
        "html": html,
        "csv": download(client, "csv", **params).decode("utf-8-sig"),
        "xlsx": xlsx_text(download(client, "xlsx", **params)),
        "pdf": "\n".join(pdf_text(download(client, "pdf", **params))),
    }


def test_the_public_edition_omits_every_restricted_record_in_all_four_formats(
    login, observer, published
):
    ProgressUpdate.objects.create(
        milestone=published.overdue,
        author=published.member_ua,
        old_status="in_progress",
        new_status="in_progress",
        old_percent=40,
        percent=45,
        note="Public note on the protocol.",
        visibility="public",
    )
    formats = all_formats(login(observer))

    for output, text in formats.items():
        for restricted in RESTRICTED:
            assert restricted not in text, (output, restricted)
        assert "Public" in text, output
        assert "Restricted — task force only" not in text, output
    for output in ("html", "xlsx", "pdf"):
        for public in PUBLIC:
            assert public in formats[output], (output, public)
    # The CSV has one row per milestone: its note is the latest public one.
    assert "Public note on the protocol." in formats["csv"]
    assert "Fund eligibility dispute" in formats["xlsx"]


def test_the_public_edition_keeps_the_aggregate_figures(published):
    restricted = ComplianceReport(ReportScope(published.agreement), "test")
    public = ComplianceReport(ReportScope(published.agreement, edition=Edition.PUBLIC), "test")
    assert public.totals == restricted.totals
    assert [(row.reference, row.latest_result, row.open_actions) for row in public.provisions] == [
        (row.reference, row.latest_result, row.open_actions) for row in restricted.provisions
    ]
    # The lists hold the public records only, their totals too.
    assert [row.finding for row in public.findings.rows] == ["Only in English."]
    assert public.findings.total == 1
    assert [row.title for row in public.disputes.rows] == ["Fund eligibility dispute"]


def test_the_restricted_edition_holds_everything_and_marks_every_pdf_page(
    login, monitor, published
):
    formats = all_formats(login(monitor))
    # Progress notes are in the milestone rows (CSV, XLSX); findings and disputes in the
    # sections (HTML, PDF, XLSX).
    shown_in = {"csv": RESTRICTED[3:], "xlsx": RESTRICTED, "html": RESTRICTED[:3]}
    shown_in["pdf"] = shown_in["html"]
    for output, text in formats.items():
        for record in shown_in[output]:
            assert record in text, (output, record)
        assert "Restricted — task force only" in text, output
    pages = pdf_text(download(login(monitor), "pdf"))
    assert len(pages) > 1
    for page in pages:
        assert "Restricted — task force only" in page


def test_a_task_force_reader_may_choose_the_public_edition(login, monitor, published):
    text = download(login(monitor), "csv", edition="public").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Edition", "Public"] in rows
    assert "Drafts exchanged" not in text


def test_an_observer_gets_the_public_edition_and_is_refused_the_restricted_one(
    login, observer, published
):
    client = login(observer)
    page = client.get(URL)
    assert page.context["report"].scope.edition == Edition.PUBLIC
    assert [value for value, _label in page.context["form"].fields["edition"].choices] == ["public"]
    for output in ("html", "csv", "xlsx", "pdf"):
        response = client.get(URL, {"format": output, "edition": "restricted"})
        assert response.status_code == 403, output
