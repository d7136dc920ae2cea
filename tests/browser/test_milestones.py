"""Recording progress in a real browser: filter, update inline, evidence, verification."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_milestone
from tracker.milestones.models import Milestone, Status

pytestmark = pytest.mark.browser

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row(page, milestone: Milestone):
    return page.locator(f"#milestone-{milestone.pk}")


def count_of(page, status: str):
    return page.locator(f'#milestone-counters li[data-status="{status}"] .status-count')


def mark_the_page(page) -> None:
    """A flag on the document: it survives htmx swaps and is gone after any page load."""
    page.evaluate("document.body.dataset.marker = 'still-here'")


def expect_same_page(page) -> None:
    expect(page.locator("body[data-marker='still-here']")).to_have_count(1)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_member_filters_and_updates_a_status_inline(
    page, live_server, browser_login, member_ua, milestone_ua, milestone_us
):
    browser_login(member_ua)
    page.get_by_role("navigation").get_by_role("link", name="Milestones").click()
    expect(row(page, milestone_us)).to_be_visible()
    mark_the_page(page)

    page.locator("thead").get_by_role("link", name="Milestone").click()
    expect(page).to_have_url(re.compile(r"sort=title"))
    page.get_by_label("Responsible party").select_option("UA")

    expect(row(page, milestone_us)).to_have_count(0)
    # The filter keeps the sort chosen in the table, and the URL can be shared.
    expect(page).to_have_url(
        re.compile(r"responsible_party=UA.*sort=title|sort=title.*responsible_party=UA")
    )
    expect(page.locator("#milestone-counters")).to_contain_text("1 milestone matches")
    expect(count_of(page, "in_progress")).to_have_text("0")

    ua_row = row(page, milestone_ua)
    ua_row.get_by_label("Status").select_option("in_progress")
    ua_row.get_by_label("Percent complete").fill("40")
    ua_row.get_by_label("Note").fill("Tender drafted")
    ua_row.get_by_role("button", name="Save").click()

    expect(row(page, milestone_ua).locator(".cell-status")).to_contain_text("In progress")
    expect(row(page, milestone_ua).locator(".cell-percent")).to_have_text("40 %")
    expect(count_of(page, "in_progress")).to_have_text("1")
    expect(count_of(page, "not_started")).to_have_text("0")
    expect(page.locator("#messages")).to_contain_text("Saved “Publish survey tender”")
    expect_same_page(page)
    expect(page).to_have_url(re.compile(r"responsible_party=UA"))
    milestone_ua.refresh_from_db()
    assert (milestone_ua.status, milestone_ua.percent_complete) == (Status.IN_PROGRESS, 40)


def test_a_refused_inline_update_shows_the_reason_in_the_row(
    page, live_server, browser_login, member_ua, milestone_ua
):
    browser_login(member_ua)
    page.goto(f"{live_server.url}/milestones/")
    mark_the_page(page)

    ua_row = row(page, milestone_ua)
    ua_row.get_by_label("Status").select_option("completed")
    ua_row.get_by_role("button", name="Save").click()

    expect(row(page, milestone_ua)).to_contain_text("Write a note saying what was completed.")
    expect(row(page, milestone_ua).get_by_label("Status")).to_have_value("completed")
    expect_same_page(page)
    milestone_ua.refresh_from_db()
    assert milestone_ua.status == Status.NOT_STARTED


def test_member_completes_with_a_pdf_and_downloads_it(
    page, live_server, browser_login, member_ua, milestone_ua, tmp_path
):
    browser_login(member_ua)
    page.goto(f"{live_server.url}/milestones/")
    page.get_by_role("link", name=milestone_ua.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(milestone_ua.title)

    form = page.locator("form.progress-form")
    form.get_by_label("Status").select_option("completed")
    form.get_by_label("Note").fill("Tender published on the procurement portal")
    form.get_by_label("Evidence").set_input_files(
        {"name": "tender-notice.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    form.get_by_role("button", name="Save progress").click()

    expect(page.locator("#messages")).to_contain_text("Saved “Publish survey tender”: Completed")
    log = page.locator("table.progress-log")
    expect(log).to_contain_text("Not started → Completed")
    expect(log).to_contain_text("Tender published on the procurement portal")
    expect(log).to_contain_text("Member Ua")
    with page.expect_download() as download_info:
        log.get_by_role("link", name="tender-notice.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "tender-notice.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF_BYTES


def test_other_partys_co_chair_verifies_a_completed_milestone(
    page, live_server, browser_login, member_ua, chair_us, milestone_ua, provision
):
    make_milestone(provision, "UA", title="Open a data room")
    browser_login(member_ua)
    page.goto(f"{live_server.url}/milestones/")
    ua_row = row(page, milestone_ua)
    ua_row.get_by_label("Status").select_option("completed")
    ua_row.get_by_label("Note").fill("Tender published")
    ua_row.get_by_role("button", name="Save").click()
    expect(row(page, milestone_ua).locator(".cell-status")).to_contain_text("Awaiting verification")
    log_out(page)

    browser_login(chair_us)
    page.goto(f"{live_server.url}/milestones/")
    page.get_by_label("Awaiting verification only").check()
    expect(page.locator("#milestone-counters")).to_contain_text("1 milestone matches")
    page.get_by_role("link", name=milestone_ua.title).click()
    page.get_by_role("button", name="Verify completion").click()

    expect(page.locator("#messages")).to_contain_text("Verified “Publish survey tender”.")
    expect(page.locator("#milestone-verification")).to_contain_text("Verified by Chair Us")
    expect(page.get_by_role("button", name="Verify completion")).to_have_count(0)
    milestone_ua.refresh_from_db()
    assert milestone_ua.verified_by == chair_us
