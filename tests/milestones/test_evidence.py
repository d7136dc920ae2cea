"""Evidence: content checks on upload, random storage, SHA-256, the permission-checked download."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.milestones.conftest import HTMX, PDF_BYTES, pdf, snapshot
from tracker.core.evidence import download_name, store_evidence, validate_upload
from tracker.core.models import Evidence
from tracker.milestones import services
from tracker.milestones.models import Status

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# --- upload checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),  # a renamed executable
        ("setup.exe", EXE),
        ("minutes.pdf", HTML),  # an HTML page named like a PDF
        ("page.txt", HTML),
        ("drawing.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
        ("notes.pdf", b"Just some text, but named like a PDF."),  # content and name disagree
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100),  # a zip that is no Office file
    ],
)
def test_disguised_or_unknown_files_are_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF_BYTES, "application/pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "image/jpeg"),
        (
            "letter.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("figures.csv", "region,tonnes\nКіровоградська,12\n".encode(), "text/csv"),
        ("notes.txt", "Протокол засідання".encode(), "text/plain"),
        ("notes", b"plain words", "text/plain"),
    ],
)
def test_allowed_types_are_recognised_by_content(name, content, content_type):
    assert validate_upload(SimpleUploadedFile(name, content)) == content_type


def test_files_over_the_limit_are_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024

    with pytest.raises(ValidationError) as excinfo:
        validate_upload(pdf(content=PDF_BYTES + b"0" * 1024))

    assert "larger than the limit" in excinfo.value.messages[0]


def test_a_file_at_the_limit_is_accepted(settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF_BYTES)

    assert validate_upload(pdf()) == "application/pdf"


def test_empty_files_are_refused():
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("empty.pdf", b""))


def test_stored_file_has_a_random_name_and_its_sha256(member_ua, settings):
    evidence = store_evidence(pdf("../../etc/passwd.pdf"), member_ua)

    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert evidence.size == len(PDF_BYTES)
    assert evidence.content_type == "application/pdf"
    assert "passwd" not in evidence.file.name
    assert evidence.file.name.startswith("evidence/")
    stored = settings.MEDIA_ROOT / evidence.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == evidence.sha256


def test_two_uploads_of_one_name_are_stored_apart(member_ua):
    first = store_evidence(pdf("same.pdf"), member_ua)
    second = store_evidence(pdf("same.pdf"), member_ua)

    assert first.file.name != second.file.name


def test_oversized_upload_through_the_form_is_refused_and_nothing_is_saved(
    login, member_ua, milestone_ua, settings
):
    settings.EVIDENCE_MAX_BYTES = 100
    before = snapshot(milestone_ua)

    response = login(member_ua).post(
        f"/milestones/{milestone_ua.pk}/update/",
        {
            "version": 1,
            "status": Status.IN_PROGRESS,
            "percent_complete": 10,
            "note": "Scan",
            "evidence": [pdf("scan.pdf", PDF_BYTES + b"x" * 200)],
        },
    )

    assert response.status_code == 400
    assert "scan.pdf is larger than the limit of 100" in response.content.decode()
    assert snapshot(milestone_ua) == before


# --- download ----------------------------------------------------------------------------------


@pytest.fixture
def evidence(member_ua, milestone_ua) -> Evidence:
    entry = services.update_progress(
        milestone_ua,
        member_ua,
        version=1,
        status=Status.IN_PROGRESS,
        percent=10,
        note="Scan",
        files=[pdf("Звіт про тендер.pdf")],
    )
    return entry.evidence.get()


def test_download_is_an_attachment_with_the_checked_type_and_nosniff(
    login, monitor, evidence, settings
):
    # The view sets nosniff itself, whatever the site-wide security settings say.
    settings.SECURE_CONTENT_TYPE_NOSNIFF = False

    response = login(monitor).get(f"/evidence/{evidence.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # A non-ASCII name travels RFC 5987-encoded, never raw in the header.
    assert "filename*=utf-8''%D0%97%D0%B2%D1%96%D1%82" in disposition
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_name_is_cleaned_and_gets_the_checked_extension():
    evidence = Evidence(original_name='a/b\\evil"\r\nname', content_type="text/plain")

    name = download_name(evidence)

    assert "\r" not in name and "\n" not in name and "/" not in name
    assert name.endswith(".txt")


def test_download_of_a_name_with_quotes_and_newlines_is_safe(login, monitor, member_ua):
    upload = SimpleUploadedFile('minutes "final"\r\n.txt', b"Minutes")
    evidence = store_evidence(upload, member_ua)

    response = login(monitor).get(f"/evidence/{evidence.pk}/")

    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
    assert response["Content-Type"] == "text/plain"
    assert b"".join(response.streaming_content) == b"Minutes"


def test_user_without_a_role_cannot_download(login, outsider, evidence):
    assert login(outsider).get(f"/evidence/{evidence.pk}/").status_code == 403


def test_anonymous_visitor_cannot_download(client, evidence):
    response = client.get(f"/evidence/{evidence.pk}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_download_refuses_post(login, monitor, evidence):
    assert login(monitor).post(f"/evidence/{evidence.pk}/").status_code == 405


def test_download_of_a_missing_record_or_file_is_404(login, monitor, evidence):
    client = login(monitor)
    evidence.file.delete(save=False)

    assert client.get("/evidence/999999/").status_code == 404
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404


def test_evidence_is_never_under_the_static_path(evidence, settings):
    assert not str(evidence.file.path).startswith(str(settings.STATIC_ROOT))
    assert all(not str(evidence.file.path).startswith(str(d)) for d in settings.STATICFILES_DIRS)


def test_htmx_download_request_still_gets_the_file(login, monitor, evidence):
    response = login(monitor).get(f"/evidence/{evidence.pk}/", headers=HTMX)

    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF_BYTES


# --- the whole text file is checked, in chunks -------------------------------------------------


def text_file(content: bytes, name: str = "notes.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


@pytest.mark.parametrize(
    "markup",
    [
        b"<script>alert(1)</script>",
        b"<SCRIPT src=//x></SCRIPT>",
        b"<p>para</p>",
        b'<a href="javascript:alert(1)">x</a>',
        b"<img src=x onerror=alert(1)>",
        b"<!-- comment -->",
        b"<svg/onload=alert(1)>",
        b"<div\nclass=x>",
    ],
)
def test_markup_anywhere_in_a_text_file_is_refused(markup):
    late = b"Minutes of the meeting.\n" * 1000 + markup  # far beyond the first 4 KB
    with pytest.raises(ValidationError):
        validate_upload(text_file(late))


def test_markup_cut_by_a_chunk_boundary_is_found():
    from tracker.core.evidence import TEXT_CHUNK

    content = b"x" * (TEXT_CHUNK - 3) + b"<script>alert(1)</script>"
    assert content[TEXT_CHUNK - 3 : TEXT_CHUNK] == b"<sc"
    with pytest.raises(ValidationError):
        validate_upload(text_file(content))


def test_a_character_cut_by_a_chunk_boundary_is_still_text():
    from tracker.core.evidence import TEXT_CHUNK

    content = b"x" * (TEXT_CHUNK - 1) + "ї".encode()  # two bytes, one either side
    assert validate_upload(text_file(content)) == "text/plain"


@pytest.mark.parametrize("late", [b"\x00", b"\xff\xfe binary"])
def test_binary_bytes_late_in_a_text_file_are_refused(late):
    with pytest.raises(ValidationError):
        validate_upload(text_file(b"plain words\n" * 2000 + late))


def test_text_with_angle_brackets_that_are_no_markup_is_accepted():
    content = b"If x < 5 and y > 3, write to <secretariat@example.org>; a<b, <3.\n" * 500
    assert validate_upload(text_file(content, "figures.csv")) == "text/csv"
