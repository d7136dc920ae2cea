"""A co-chair issues a report, downloads its PDF, and verifies the download and a copy with
one byte changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import make_milestone
from tracker.reports.models import IssuedFile

pytestmark = pytest.mark.browser


def test_a_co_chair_issues_a_report_and_verifies_its_pdf(
    page, live_server, browser_login, chair_us, provision, tmp_path
):
    make_milestone(provision, "UA", title="Publish survey tender")
    browser_login(chair_us)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Report").click()
    page.get_by_role("main").get_by_role("link", name="Issued reports").click()
    page.get_by_role("link", name="Issue a report").click()

    page.get_by_label("Public").check()
    page.get_by_label("As of").fill("2025-12-31")
    page.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_role("heading", name="Issued report no. 1")).to_be_visible()
    pdf = IssuedFile.objects.get(format="pdf")
    expect(page.get_by_text(pdf.sha256)).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    content = Path(info.value.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == pdf.sha256

    page.get_by_role("link", name="Issued reports").first.click()
    verify = page.locator("#verify")
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(content)
    verify.get_by_label("File to verify").set_input_files(copy)
    verify.get_by_role("button", name="Verify", exact=True).click()
    expect(verify).to_contain_text("Issued: this file is exactly one of the issued files.")
    expect(verify).to_contain_text(pdf.sha256)

    changed = bytearray(content)
    changed[-100] ^= 0x01
    copy.write_bytes(bytes(changed))
    verify.get_by_label("File to verify").set_input_files(copy)
    verify.get_by_role("button", name="Verify", exact=True).click()
    expect(verify).to_contain_text("Not issued: this file is not one of the issued files.")
