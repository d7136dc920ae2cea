"""A reader checks a file's SHA-256 on the milestone page: 12 digits in the line, the whole
value on hover and when opened, and a Copy button (static script, strict CSP) that puts the
whole value on the clipboard."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import expect

from tests.milestones.conftest import pdf
from tracker.milestones import services
from tracker.milestones.models import Status

pytestmark = pytest.mark.browser


@pytest.fixture
def evidence(member_ua, milestone_ua):
    update = services.update_progress(
        milestone_ua,
        member_ua,
        version=1,
        status=Status.IN_PROGRESS,
        percent=35,
        note="Tender drafted",
        files=[pdf("draft.pdf")],
    )
    return update.evidence.get()


def test_reader_opens_and_copies_the_digest(
    page, live_server, browser_login, monitor, milestone_ua, evidence
):
    digest = hashlib.sha256(evidence.file.read()).hexdigest()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    browser_login(monitor)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{live_server.url}/milestones/{milestone_ua.pk}/")
    item = page.locator(f"#evidence-{evidence.pk}")
    short = item.locator("code.digest-short")
    expect(short).to_have_text(f"{digest[:12]}…")
    expect(short).to_have_attribute("title", digest)

    item.get_by_text("SHA-256").click()
    expect(item.locator("code.digest")).to_be_visible()
    expect(item.locator("code.digest")).to_have_text(digest)
    copy = item.locator("button.copy-button")
    expect(copy).to_be_visible()
    expect(copy).to_have_text("Copy")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == digest
    assert errors == []  # no CSP refusal of the script
