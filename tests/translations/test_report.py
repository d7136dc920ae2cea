"""The compliance report reads each free text in the reader's language: the translation
where one was added, the text as written otherwise — in the HTML, CSV, XLSX and PDF."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.translations.conftest import progress
from tracker.translations.services import save_translation

URL = reverse("reports:compliance")

NOTE_UK, NOTE_EN = "Тендерну документацію підготовлено.", "Tender documents drafted."
FINDING_EN, FINDING_UK = "The tender was published in English only.", "Тендер лише англійською."
ACTION_EN, ACTION_UK = "Publish the tender in Ukrainian.", "Опублікувати тендер українською."
TITLE_EN, TITLE_UK = "Delayed publication of survey data", "Затримка публікації даних"


@pytest.fixture
def translated(note, check, action, dispute, member_ua, member_us, monitor):
    """Each kind of report text with a translation into the other language."""
    save_translation(member_ua, note, "note", language="en", text=NOTE_EN)
    save_translation(monitor, check, "finding", language="uk", text=FINDING_UK)
    save_translation(monitor, action, "description", language="uk", text=ACTION_UK)
    save_translation(member_us, dispute, "title", language="uk", text=TITLE_UK)


def download(client, output: str, language: str, **params) -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(URL, {"format": output, **params} if output else params)
    assert response.status_code == 200, response.content[:400]
    return b"".join(response.streaming_content) if response.streaming else response.content


def text_of(output: str, content: bytes) -> str:
    if output == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        return "\n".join("\t".join(row) for row in rows)
    if output == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if output == "pdf":
        pages = PdfReader(io.BytesIO(content)).pages
        return " ".join(" ".join(page.extract_text().split()) for page in pages)
    return content.decode()


# The HTML preview and the PDF list findings and disputes (no progress notes); the CSV lists
# every milestone with its latest note; the XLSX that, and every check and dispute.
SHOWN = {
    "": ("finding", "action", "title"),
    "pdf": ("finding", "action", "title"),
    "csv": ("note",),
    "xlsx": ("note", "finding", "action", "title"),
}
TEXTS = {
    "en": {"note": NOTE_EN, "finding": FINDING_EN, "action": ACTION_EN, "title": TITLE_EN},
    "uk": {"note": NOTE_UK, "finding": FINDING_UK, "action": ACTION_UK, "title": TITLE_UK},
}


@pytest.mark.parametrize("output", ["", "csv", "xlsx", "pdf"])
@pytest.mark.parametrize("language", ["en", "uk"])
def test_each_format_reads_the_text_in_the_readers_language(
    client, login, chair_us, translated, output, language
):
    other = "uk" if language == "en" else "en"
    text = text_of(output, download(login(chair_us), output, language))

    for key in SHOWN[output]:
        assert TEXTS[language][key] in text, (key, text[:2000])
        assert TEXTS[other][key] not in text, key


def test_without_a_translation_the_text_as_written_is_read(login, chair_us, note, check):
    for language in ("en", "uk"):
        text = text_of("csv", download(login(chair_us), "csv", language))
        assert NOTE_UK in text
        text = text_of("xlsx", download(login(chair_us), "xlsx", language))
        assert NOTE_UK in text and FINDING_EN in text


def test_a_report_as_of_a_date_reads_the_translation_as_it_stood_then(
    login, chair_us, member_ua, milestone_ua
):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)):
        note = progress(milestone_ua, member_ua, NOTE_UK)
    with time_machine.travel(datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC)):
        save_translation(member_ua, note, "note", language="en", text="Drafted.")
    with time_machine.travel(datetime.datetime(2026, 3, 6, 10, tzinfo=datetime.UTC)):
        save_translation(
            member_ua, note, "note", language="en", text=NOTE_EN, reason="Fuller", version=1
        )
    client = login(chair_us)

    def note_as_of(day: str) -> str:
        return text_of("csv", download(client, "csv", "en", as_of=day))

    assert NOTE_UK in note_as_of("2026-03-03")  # not translated yet
    assert "Drafted." in note_as_of("2026-03-05")
    assert NOTE_EN in note_as_of("2026-03-07")
    assert timezone.localdate() > datetime.date(2026, 3, 7)


def test_the_public_edition_leaks_no_translation_of_a_task_force_record(
    login, observer, translated
):
    client = login(observer)
    for output in ("csv", "xlsx", ""):
        for language in ("en", "uk"):
            text = text_of(output, download(client, output, language))
            for texts in TEXTS.values():
                for key in ("note", "finding", "action", "title"):
                    assert texts[key] not in text, (output, language, key)


@pytest.mark.parametrize("params", [{}, {"format": "csv"}, {"format": "xlsx"}])
def test_the_report_reads_translations_without_more_queries_as_they_grow(
    login,
    chair_us,
    member_ua,
    member_us,
    monitor,
    milestone_ua,
    provision,
    params,
    django_assert_max_num_queries,
):
    from tracker.monitoring.models import MonitoringCheck

    def grow(count: int, start: int) -> None:
        for index in range(start, start + count):
            update = progress(milestone_ua, member_ua, f"Крок {index}")
            milestone_ua.refresh_from_db()
            save_translation(member_ua, update, "note", language="en", text=f"Step {index}")
            check = MonitoringCheck.objects.create(
                provision=provision,
                monitor=monitor,
                criterion=f"Criterion {index}",
                result="non_compliant",
                severity="minor",
                finding=f"Finding {index}",
                checked_on=datetime.date(2026, 1, 15),
            )
            save_translation(monitor, check, "finding", language="uk", text=f"Висновок {index}")

    client = login(chair_us)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"

    def queries() -> int:
        with django_assert_max_num_queries(60) as captured:
            response = client.get(URL, params)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(captured)

    grow(1, 0)
    few = queries()
    grow(10, 1)
    assert queries() == few
