"""Issued reports: issuing (the service and its page), the list, the detail page, downloads
of the stored bytes, and the verify form."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.conftest import make_milestone
from tracker.reports.builder import ReportScope
from tracker.reports.issuing import issue_report
from tracker.reports.models import IssuedFile, IssuedReport

ISSUED = reverse("reports:issued")
ISSUE = reverse("reports:issue")
VERIFY = reverse("reports:verify")


def download_url(issued: IssuedReport, file_format: str) -> str:
    return reverse("reports:issued_download", args=[issued.pk, file_format])


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def milestone(provision):
    return make_milestone(provision, "UA", title="Publish survey tender")


@pytest.fixture
def issue(chair_us, agreement, milestone):
    """`issue(edition=..., as_of=...)` issues a report of the test agreement as chair-us."""

    def issue(edition: str = "restricted", as_of: datetime.date | None = None, **kwargs):
        scope = ReportScope(agreement, as_of=as_of or timezone.localdate(), edition=edition)
        return issue_report(chair_us, scope, language="en", **kwargs)

    return issue


def stored_names() -> set[str]:
    return set(IssuedFile.objects.values_list("file", flat=True))


# --- The service --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_issuing_stores_the_three_formats_with_their_digests(issue, chair_us, agreement):
    issued = issue()
    assert issued.number == 1
    assert issued.issued_by == chair_us
    files = {issued_file.format: issued_file for issued_file in issued.files.all()}
    assert set(files) == {"pdf", "xlsx", "csv"}
    contents = {}
    for file_format, issued_file in files.items():
        assert issued_file.file.name.startswith("issued-reports/")
        with issued_file.file.open("rb") as handle:
            contents[file_format] = handle.read()
        assert len(contents[file_format]) == issued_file.size
        assert hashlib.sha256(contents[file_format]).hexdigest() == issued_file.sha256
    assert contents["pdf"].startswith(b"%PDF-")
    assert contents["xlsx"].startswith(b"PK")
    # The PDF names the issue on its pages.
    pages = PdfReader(io.BytesIO(contents["pdf"])).pages
    assert all("Issued report no. 1" in page.extract_text() for page in pages)
    assert "Publish survey tender" in "".join(page.extract_text() for page in pages)
    # The CSV is the report's own download, and names the issue in its header.
    csv_text = contents["csv"].decode("utf-8-sig")
    assert "Publish survey tender" in csv_text
    assert "Issued report no. 1 · Restricted (task force only) · issued" in csv_text
    # Audited: the issue is in the history, with who and why.
    record = issued.history.get()
    assert record.history_user == chair_us
    assert record.history_change_reason == "Report issued"
    assert issue().number == 2


@pytest.mark.django_db(transaction=True)
def test_numbers_count_each_agreements_issues(issue, chair_us, agreement):
    from tracker.core.models import Agreement

    other = Agreement.objects.create(
        title="Other", short_name="other", signed_on=datetime.date(2025, 1, 1), place="Kyiv"
    )
    issue()
    scope = ReportScope(other, as_of=timezone.localdate(), edition="public")
    assert issue_report(chair_us, scope).number == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("person", ["chair_ua", "member_us", "monitor", "observer", "staff_admin"])
def test_only_co_chairs_issue(request, person, agreement, milestone, chair_ua):
    user = request.getfixturevalue(person)
    scope = ReportScope(agreement, as_of=timezone.localdate())
    if person == "chair_ua":
        assert issue_report(user, scope).number == 1
        return
    with pytest.raises(PermissionDenied):
        issue_report(user, scope)
    assert not IssuedReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_as_of_date_outside_the_agreements_life_is_refused(issue, agreement):
    for as_of, message in (
        (agreement.signed_on - datetime.timedelta(days=1), "was signed on 2025-04-30"),
        (timezone.localdate() + datetime.timedelta(days=1), "cannot be in the future"),
    ):
        with pytest.raises(ValidationError, match=message):
            issue(as_of=as_of)
    assert issue(as_of=agreement.signed_on).as_of == agreement.signed_on
    assert IssuedReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_issue_leaves_no_row_and_no_file(issue, monkeypatch, settings):
    issue()
    before = stored_names()
    files_before = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())

    def fail(*args, **kwargs):
        raise RuntimeError("the history table is full")

    # The rows are written after the three files: fail on the first row.
    monkeypatch.setattr(IssuedReport, "save", fail)
    with pytest.raises(RuntimeError):
        issue()
    assert IssuedReport.objects.count() == 1
    assert stored_names() == before
    files_after = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    assert files_after == files_before


@pytest.mark.django_db(transaction=True)
def test_a_late_failure_deletes_the_files_written(issue, monkeypatch, settings):
    def fail(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(IssuedFile, "save", fail)
    with pytest.raises(RuntimeError):
        issue()
    assert not IssuedReport.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


# --- Byte for byte, a week later ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_issued_pdf_downloaded_a_week_later_has_the_same_digest(
    issue, milestone, login, chair_ua, member_us
):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False):
        issued = issue(as_of=datetime.date(2026, 3, 2))
        pdf = issued.files.get(format="pdf")
        at_issue = content_of(login(chair_ua).get(download_url(issued, "pdf")))
    assert hashlib.sha256(at_issue).hexdigest() == pdf.sha256

    # A week later the milestone has moved on; the issued file has not.
    with time_machine.travel(datetime.datetime(2026, 3, 9, 10, tzinfo=datetime.UTC), tick=False):
        milestone.title = "Tender published, renamed"
        milestone.percent_complete = 90
        milestone.status = "in_progress"
        milestone.save()
        response = login(member_us).get(download_url(issued, "pdf"))
        later = content_of(response)
        assert later == at_issue
        assert hashlib.sha256(later).hexdigest() == pdf.sha256
        expected = base64.b64encode(hashlib.sha256(later).digest()).decode()
        assert response["Repr-Digest"] == f"sha-256=:{expected}:"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"] == (
            'attachment; filename="compliance-report-test-agreement-2026-03-02-issue-1-'
            'restricted.pdf"'
        )
        assert response["Content-Type"] == "application/pdf"

        # The verify form recognises the download and refuses a one-byte change.
        client = login(member_us)
        upload = SimpleUploadedFile("from-the-ministry.pdf", later)
        answer = client.post(VERIFY, {"file": upload})
        assert answer.status_code == 200
        assert b"Issued: this file is exactly one of the issued files." in answer.content
        assert pdf.sha256.encode() in answer.content

        changed = bytearray(later)
        changed[len(changed) // 2] ^= 0x01
        upload = SimpleUploadedFile("from-the-ministry.pdf", bytes(changed))
        answer = client.post(VERIFY, {"file": upload})
        assert answer.status_code == 200
        assert b"Not issued: this file is not one of the issued files." in answer.content
        assert hashlib.sha256(bytes(changed)).hexdigest().encode() in answer.content


@pytest.mark.django_db(transaction=True)
def test_each_format_downloads_as_issued(issue, login, monitor):
    issued = issue()
    client = login(monitor)
    for issued_file in issued.files.all():
        response = client.get(download_url(issued, issued_file.format))
        assert response.status_code == 200
        assert hashlib.sha256(content_of(response)).hexdigest() == issued_file.sha256
    assert client.get(download_url(issued, "docx")).status_code == 404


# --- Who sees what ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_observers_see_download_and_verify_public_editions_only(issue, login, observer):
    restricted, public = issue(edition="restricted"), issue(edition="public")
    client = login(observer)
    page = client.get(ISSUED).content.decode()
    assert reverse("reports:issued_detail", args=[public.pk]) in page
    assert reverse("reports:issued_detail", args=[restricted.pk]) not in page
    assert client.get(reverse("reports:issued_detail", args=[restricted.pk])).status_code == 404
    assert client.get(download_url(restricted, "pdf")).status_code == 404
    assert client.get(download_url(public, "pdf")).status_code == 200

    restricted_csv = restricted.files.get(format="csv")
    with restricted_csv.file.open("rb") as handle:
        upload = SimpleUploadedFile("copy.csv", handle.read())
    answer = client.post(VERIFY, {"file": upload})
    assert b"Not issued" in answer.content


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["outsider"])
def test_a_person_without_a_role_is_refused_everywhere(request, person, login):
    client = login(request.getfixturevalue(person))
    assert client.get(ISSUED).status_code == 403
    assert client.get(ISSUE).status_code == 403
    assert client.post(VERIFY, {}).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    for response in (client.get(ISSUED), client.get(ISSUE), client.post(VERIFY, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["member_us", "monitor", "observer", "staff_admin"])
def test_only_co_chairs_open_the_issue_form(request, person, login, agreement):
    client = login(request.getfixturevalue(person))
    assert client.get(ISSUE).status_code == 403
    assert client.post(ISSUE, {"edition": "public", "as_of": "2025-05-01"}).status_code == 403
    assert b"Issue a report" not in client.get(ISSUED).content
    assert not IssuedReport.objects.exists()


# --- The pages ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_list_page_and_its_results_fragment(issue, login, member_ua):
    issue(edition="public")
    issue()
    client = login(member_ua)
    page = client.get(ISSUED)
    assert page.status_code == 200
    assert b"<html" in page.content
    assert b'id="verify"' in page.content
    assert b"2 issued reports match" in page.content

    fragment = client.get(ISSUED, {"edition": "public"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert b'id="results"' in fragment.content
    assert b"1 issued report matches" in fragment.content
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.django_db(transaction=True)
def test_the_list_filters_and_sorts(issue, login, chair_ua, chair_us):
    first = issue(as_of=datetime.date(2025, 6, 30))
    second = issue(edition="public", as_of=datetime.date(2025, 12, 31))
    client = login(chair_ua)

    def numbers(**query) -> list[int]:
        page = client.get(ISSUED, query).context["page"]
        return [issued.number for issued in page.object_list]

    assert numbers() == [second.number, first.number]
    assert numbers(sort="as_of") == [first.number, second.number]
    assert numbers(sort="-number") == [2, 1]
    assert numbers(edition="restricted") == [1]
    assert numbers(issued_by=chair_us.pk) == [2, 1]
    assert numbers(as_of_from="2025-07-01") == [2]
    today = timezone.localdate().isoformat()
    assert numbers(issued_from=today, issued_to=today) == [2, 1]
    assert numbers(issued_to="2025-01-01") == []


@pytest.mark.django_db(transaction=True)
def test_the_list_costs_a_fixed_number_of_queries(
    issue, login, member_ua, django_assert_max_num_queries
):
    client = login(member_ua)
    issue()
    with django_assert_max_num_queries(12) as few:
        client.get(ISSUED)
    for _ in range(3):
        issue()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(ISSUED)


@pytest.mark.django_db
def test_wrong_methods_answer_405(login, chair_us, agreement):
    client = login(chair_us)
    assert client.post(ISSUED).status_code == 405
    assert client.get(VERIFY).status_code == 405
    assert client.put(ISSUE).status_code == 405
    assert client.post(reverse("reports:issued_detail", args=[1])).status_code == 405
    assert client.post(reverse("reports:issued_download", args=[1, "pdf"])).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_co_chair_issues_through_the_form(login, chair_us, agreement, milestone):
    client = login(chair_us)
    form_page = client.get(ISSUE)
    assert form_page.status_code == 200
    assert timezone.localdate().isoformat().encode() in form_page.content

    response = client.post(ISSUE, {"edition": "public", "as_of": "2025-12-31", "language": "uk"})
    issued = IssuedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:issued_detail", args=[issued.pk])
    assert (issued.edition, issued.as_of, issued.language) == (
        "public",
        datetime.date(2025, 12, 31),
        "uk",
    )
    with issued.files.get(format="csv").file.open("rb") as handle:
        assert "Звіт про відповідність" in handle.read().decode("utf-8-sig")
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    for issued_file in issued.files.all():
        assert issued_file.sha256.encode() in detail.content

    # htmx: the answer sends the browser to the new report.
    response = client.post(
        ISSUE,
        {"edition": "restricted", "as_of": "2025-12-31", "language": "en"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].endswith(reverse("reports:issued_detail", args=[issued.pk + 1]))


@pytest.mark.django_db
def test_bad_issue_input_is_explained_and_nothing_is_saved(login, chair_us, agreement):
    client = login(chair_us)
    response = client.post(ISSUE, {"edition": "draft", "as_of": "2025-04-29", "language": "en"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    response = client.post(ISSUE, {"edition": "public", "as_of": "2025-04-29", "language": "en"})
    assert response.status_code == 400
    assert b"was signed on 2025-04-30" in response.content
    assert b'value="2025-04-29"' in response.content
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(ISSUE, {"edition": "public", "as_of": future, "language": "en"})
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content
    response = client.post(ISSUE, {"edition": "public", "as_of": "30/04/2025", "language": "en"})
    assert b"Enter the date as YYYY-MM-DD" in response.content
    assert not IssuedReport.objects.exists()
    assert not IssuedFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_verify_fragment_and_its_errors(issue, login, monitor):
    issued = issue()
    xlsx = issued.files.get(format="xlsx")
    with xlsx.file.open("rb") as handle:
        content = handle.read()
    client = login(monitor)
    fragment = client.post(
        VERIFY, {"file": SimpleUploadedFile("a.xlsx", content)}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert fragment.content.lstrip().startswith(b'<section id="verify"')
    assert b"Issued: this file is exactly one" in fragment.content
    assert b"XLSX" in fragment.content

    missing = client.post(VERIFY, {}, headers={"HX-Request": "true"})
    assert missing.status_code == 400
    assert b"Choose the file to verify." in missing.content

    empty = client.post(VERIFY, {"file": SimpleUploadedFile("empty.pdf", b"")})
    assert empty.status_code == 400
    assert b"<html" in empty.content

    # Larger than every issued file: not one of them, whatever it holds.
    big = content + b"\0" * 10
    answer = client.post(VERIFY, {"file": SimpleUploadedFile("big.xlsx", big)})
    assert b"Not issued" in answer.content


@pytest.mark.django_db(transaction=True)
def test_the_verify_form_needs_the_csrf_token(issue, chair_us):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(chair_us)
    response = client.post(VERIFY, {"file": SimpleUploadedFile("a.csv", b"a,b\n")})
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_verify_form_keeps_no_upload(issue, login, monitor, settings, tmp_path):
    issue()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    before = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*"))
    big = io.BytesIO(b"x" * (3 * 1024 * 1024))  # beyond the in-memory limit
    big.name = "big.csv"
    login(monitor).post(VERIFY, {"file": big})
    assert list((tmp_path / "uploads").iterdir()) == []
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*")) == before


@pytest.mark.django_db(transaction=True)
def test_issued_rows_are_never_changed_or_deleted(issue):
    issued = issue()
    issued.as_of = datetime.date(2025, 5, 1)
    with pytest.raises(ValueError, match="never changed"):
        issued.save()
    pdf = issued.files.get(format="pdf")
    with pytest.raises(ValueError, match="never deleted"):
        pdf.delete()
    issued.refresh_from_db()
    assert issued.as_of == timezone.localdate()
    assert issued.files.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_detail_page_and_download_cost_few_queries(
    issue, login, member_us, django_assert_max_num_queries
):
    issued = issue()
    client = login(member_us)
    client.get(ISSUED)  # the session's first request
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reports:issued_detail", args=[issued.pk]))
    assert response.status_code == 200
    assert b"<html" in response.content
    with django_assert_max_num_queries(6):
        content_of(client.get(download_url(issued, "csv")))


@pytest.mark.django_db(transaction=True)
def test_the_list_shows_the_workspaces_agreement_or_all(issue, login, chair_us, monitor):
    from tracker.core.models import Agreement

    issue()
    other = Agreement.objects.create(
        title="Second agreement",
        short_name="second",
        signed_on=datetime.date(2025, 1, 1),
        place="Kyiv",
    )
    issue_report(chair_us, ReportScope(other, as_of=timezone.localdate(), edition="public"))
    client = login(monitor)

    def agreements(query: str) -> list[str]:
        page = client.get(ISSUED + query).context["page"]
        return [issued.agreement.short_name for issued in page.object_list]

    assert agreements("?agreement=second") == ["second"]
    assert agreements("?agreement=test-agreement") == ["test-agreement"]
    assert sorted(agreements("?agreement=all")) == ["second", "test-agreement"]
    assert client.get(ISSUED + "?agreement=unknown").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_issue_whose_number_was_taken_meanwhile_is_rendered_again(
    issue, chair_ua, agreement, monkeypatch, settings
):
    from tracker.reports import issuing

    real_render = issuing.render_files
    rendered_numbers = []

    def render_while_another_issues(issued, scope):
        rendered_numbers.append(issued.number)
        if len(rendered_numbers) == 1:
            # Another co-chair's issue is recorded while this one renders.
            IssuedReport.objects.create(
                agreement=agreement,
                number=issued.number,
                edition="public",
                as_of=scope.as_of,
                language="en",
                issued_by=chair_ua,
                issued_at=timezone.now(),
            )
        return real_render(issued, scope)

    monkeypatch.setattr(issuing, "render_files", render_while_another_issues)
    issued = issue()
    assert rendered_numbers == [1, 2]
    assert issued.number == 2
    pdf = issued.files.get(format="pdf")
    with pdf.file.open("rb") as handle:
        text = PdfReader(handle).pages[0].extract_text()
    assert "Issued report no. 2" in text
    # The files of the first attempt are gone: three files in storage, those of no. 2.
    stored = sorted(
        str(p.relative_to(settings.MEDIA_ROOT))
        for p in settings.MEDIA_ROOT.rglob("*")
        if p.is_file()
    )
    assert stored == sorted(issued_file.file.name for issued_file in issued.files.all())
