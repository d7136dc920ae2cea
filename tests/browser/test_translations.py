"""A delegate translates a progress note in place; the Ukrainian report then reads it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_i18n import download_csv, switch_language
from tests.conftest import make_milestone
from tracker.milestones import services
from tracker.milestones.models import Status

pytestmark = pytest.mark.browser

NOTE = "Tender documents drafted and sent for legal review."
TRANSLATION = "Тендерну документацію підготовлено й передано на юридичну перевірку."


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_member_translates_a_note_and_the_ukrainian_report_reads_it(
    page: Page, live_server, browser_login, member_us, provision
):
    milestone = make_milestone(provision, "US", title="Open investment window")
    update = services.update_progress(
        milestone, member_us, version=1, status=Status.IN_PROGRESS, percent=20, note=NOTE
    )
    browser_login(member_us)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    page.evaluate("document.body.dataset.marker = 'still-here'")

    entry = page.locator(f"#update-{update.pk}")
    entry.get_by_role("link", name="Add a translation").click()
    editor = entry.locator("form.translation-form")
    expect(editor).to_be_visible()
    expect(editor.get_by_label("Language of the translation")).to_have_value("uk")
    editor.get_by_label("Translation", exact=True).fill(TRANSLATION)
    editor.get_by_role("button", name="Save the translation").click()

    # Saved in place, without a page load, marked as a translation with who added it.
    expect(entry.get_by_text(TRANSLATION)).to_be_visible()
    expect(entry.get_by_text(re.compile(r"Translation into Ukrainian, added by"))).to_be_visible()
    expect(entry.locator("form.translation-form")).to_have_count(0)
    expect(page.locator("body[data-marker='still-here']")).to_have_count(1)

    # The report in Ukrainian reads the translation; in English, the note as written.
    switch_language(page, "uk")
    page.goto(f"{live_server.url}/reports/compliance/")
    rows = download_csv(page)
    cells = [cell for row in rows for cell in row]
    assert TRANSLATION in cells and NOTE not in cells
    switch_language(page, "en")
    page.goto(f"{live_server.url}/reports/compliance/")
    cells = [cell for row in download_csv(page) for cell in row]
    assert NOTE in cells and TRANSLATION not in cells
