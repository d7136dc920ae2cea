"""The audit log and evidence withdrawal in a real browser."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from tracker.core.models import Evidence
from tracker.milestones import services
from tracker.milestones.models import Status

pytestmark = pytest.mark.browser

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def console_errors(page) -> list[str]:
    """Script errors, and scripts or styles the Content Security Policy refused."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_co_chair_withdraws_a_file_in_place_and_finds_it_in_the_audit_log(
    page, live_server, browser_login, chair_ua, member_ua, milestone_ua, console_errors
):
    services.update_progress(
        milestone_ua,
        member_ua,
        version=1,
        status=Status.IN_PROGRESS,
        percent=20,
        note="Minutes attached",
        files=[SimpleUploadedFile("minutes.pdf", PDF_BYTES)],
    )
    evidence = Evidence.objects.get()
    browser_login(chair_ua)
    page.goto(f"{live_server.url}/milestones/{milestone_ua.pk}/")
    page.evaluate("document.body.dataset.marker = 'still-here'")
    line = page.locator(f"#evidence-{evidence.pk}")

    line.get_by_role("link", name="Withdraw…").click()
    line.get_by_role("button", name="Withdraw the file").click()
    expect(line.get_by_text("This field is required.")).to_be_visible()
    line.get_by_label("Why is the file withdrawn?").fill("Draft minutes, not the signed ones.")
    line.get_by_role("button", name="Withdraw the file").click()

    expect(line).to_contain_text("withdrawn")
    expect(line).to_contain_text("Draft minutes, not the signed ones.")
    expect(page.locator("body[data-marker='still-here']")).to_have_count(1)  # no page load
    expect(page).to_have_url(f"{live_server.url}/milestones/{milestone_ua.pk}/")
    evidence.refresh_from_db()
    assert evidence.withdrawn_by == chair_ua

    page.get_by_role("navigation").get_by_role("link", name="Audit").click()
    page.get_by_label("Record type").select_option("core.evidence")
    expect(page).to_have_url(re.compile(r"model=core\.evidence"))
    results = page.locator("#results")
    expect(results).to_contain_text("2 changes match")
    expect(results.locator("tbody tr").first).to_contain_text("Draft minutes, not the signed ones.")
    expect(results.locator("tbody tr").first).to_contain_text("Chair Ua")
    assert console_errors == []
