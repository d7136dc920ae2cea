"""A Ukrainian member works in Ukrainian: switch, read, export, switch back."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, make_milestone

pytestmark = pytest.mark.browser

CYRILLIC = re.compile(r"[А-Яа-яЄєІіЇїҐґ]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
# Codes that stay as they are in a Ukrainian heading.
LATIN_ALLOWED = {"ID", "ESG", "SHA"}


def switch_language(page: Page, language: str) -> None:
    switcher = page.locator("form.lang-switch")
    switcher.get_by_role("combobox").select_option(language)
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def download_csv(page: Page) -> list[list[str]]:
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"\bCSV\b")).click()
    raw = download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a BOM so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def column_headings(rows: list[list[str]], first: str) -> list[str]:
    return next(row for row in rows if row and row[0] == first)


def test_ukrainian_member_works_and_exports_in_ukrainian(
    page: Page, live_server, browser_login, member_ua, provision
):
    milestone = make_milestone(
        provision, "UA", title="Publish survey tender", title_uk="Оприлюднити тендер"
    )
    browser_login(member_ua)

    switch_language(page, "uk")

    # Back on the dashboard, in Ukrainian.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Огляд")
    navigation = page.get_by_role("navigation", name="Основна навігація")
    expect(navigation.get_by_role("link", name="Положення")).to_be_visible()

    # A milestone, in Ukrainian.
    navigation.get_by_role("link", name="Етапи").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Етапи")
    page.get_by_role("link", name="Оприлюднити тендер").first.click()
    expect(page).to_have_url(re.compile(rf"/milestones/{milestone.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Оприлюднити тендер")
    expect(page.get_by_text("Не розпочато").first).to_be_visible()
    expect(page.get_by_text("Publish survey tender")).to_have_count(0)

    # The report, and its CSV with Ukrainian headings.
    page.get_by_role("navigation", name="Основна навігація").get_by_role(
        "link", name="Звіт"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Звіт про відповідність")
    rows = download_csv(page)
    assert rows[0][0] == "Звіт про відповідність"
    headings = column_headings(rows, "Положення")
    for heading in headings:
        assert CYRILLIC.search(heading), f"English heading in the Ukrainian CSV: {heading!r}"
        assert set(LATIN_WORD.findall(heading)) <= LATIN_ALLOWED, heading
    assert any("Оприлюднити тендер" in cell for row in rows for cell in row)

    # Back to English, on the same page.
    switch_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compliance report")
    rows = download_csv(page)
    assert rows[0][0] == "Compliance report"
    headings = column_headings(rows, "Provision")
    assert not any(CYRILLIC.search(heading) for heading in headings), headings
    member_ua.refresh_from_db()
    assert member_ua.language == "en"


def test_stored_ukrainian_applies_when_logging_in_from_another_browser(
    page: Page, live_server, member_ua
):
    member_ua.language = "uk"
    member_ua.save(update_fields=["language"])

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(member_ua.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Огляд")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
