"""Agreement workspaces in a real browser: switching from the header, the lists following,
and a copied address opening the same view for someone else."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.agreements import build_agreement
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def agreements(member_ua, monitor, member_us):
    alpha = build_agreement("alpha", author=member_ua, monitor=monitor, raiser=member_us)
    bravo = build_agreement("bravo", author=member_ua, monitor=monitor, raiser=member_us)
    return alpha, bravo


def switch_to(page, title: str) -> None:
    header = page.locator("header.site-header")
    header.get_by_label("Agreement").select_option(label=title)
    header.get_by_role("button", name="Switch").click()


def test_switching_agreement_in_the_header_and_sharing_the_address(
    page, browser, live_server, browser_login, chair_us, member_ua, agreements
):
    browser_login(chair_us)

    # The dashboard opens on the most recently signed agreement, and says so in its address.
    expect(page).to_have_url(f"{live_server.url}/?agreement=bravo")
    switcher = page.locator("header.site-header").get_by_label("Agreement")
    expect(switcher).to_have_value("bravo")
    expect(page.get_by_text("Bravo survey data dispute")).to_be_visible()

    switch_to(page, "Alpha cooperation agreement")
    expect(page).to_have_url(f"{live_server.url}/?agreement=alpha")
    expect(page.get_by_text("Alpha survey data dispute")).to_be_visible()
    expect(page.get_by_text("Bravo survey data dispute")).to_have_count(0)

    # The navigation's links name no agreement: the one chosen stays.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Milestones").click()
    expect(page).to_have_url(f"{live_server.url}/milestones/?agreement=alpha")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Bravo")).to_have_count(0)

    # A filter changed with htmx, then another agreement: the filter goes along.
    page.locator("#milestone-filters").get_by_label("Status").select_option("in_progress")
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpha overdue tender")
    switch_to(page, "Bravo cooperation agreement")
    expect(page).to_have_url(re.compile(r"/milestones/\?.*status=in_progress.*&agreement=bravo$"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bravo overdue tender")
    shared = page.url

    # Someone else opens the copied address in a browser of their own.
    context = browser.new_context()
    try:
        other = context.new_page()
        other.goto(shared)
        other.get_by_label("Username").fill(member_ua.username)
        other.get_by_label("Password").fill(PASSWORD)
        other.get_by_role("button", name="Log in").click()
        expect(other).to_have_url(shared)
        expect(other.locator("header.site-header").get_by_label("Agreement")).to_have_value("bravo")
        expect(other.locator("#milestone-filters").get_by_label("Status")).to_have_value(
            "in_progress"
        )
        other_rows = other.locator("#results tbody tr")
        expect(other_rows).to_have_count(1)
        expect(other_rows.first).to_contain_text("Bravo overdue tender")
    finally:
        context.close()


def test_a_detail_page_shows_its_agreement_and_switches_to_the_other_ones_list(
    page, live_server, browser_login, chair_us, agreements
):
    alpha, _bravo = agreements
    browser_login(chair_us)
    page.goto(f"{live_server.url}/checks/{alpha.checks[0].pk}/")

    expect(page.locator("header.site-header").get_by_label("Agreement")).to_have_value("alpha")
    switch_to(page, "Bravo cooperation agreement")
    expect(page).to_have_url(f"{live_server.url}/checks/?agreement=bravo")
    expect(page.get_by_role("link", name="Bravo baseline published")).to_be_visible()
    expect(page.get_by_role("link", name="Alpha baseline published")).to_have_count(0)


def test_the_activity_feed_shows_all_agreements_on_request(
    page, live_server, browser_login, chair_us, agreements
):
    browser_login(chair_us)
    page.goto(f"{live_server.url}/activity/")
    expect(page).to_have_url(f"{live_server.url}/activity/?agreement=bravo")
    expect(page.locator("#results tbody tr")).to_have_count(4)

    switch_to(page, "All agreements")
    expect(page).to_have_url(f"{live_server.url}/activity/?agreement=all")
    expect(page.locator("#results tbody tr")).to_have_count(8)
    expect(page.locator("#results").get_by_text("alpha · P-01").first).to_be_visible()
