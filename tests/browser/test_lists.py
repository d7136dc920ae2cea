"""The lists in a real browser: Back after a filter change, sorting and paging with htmx."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.monitoring.conftest import make_check
from tracker.monitoring.models import MonitoringCheck

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def mark_the_page(page) -> None:
    """A flag on the document: it survives htmx swaps and is gone after any page load."""
    page.evaluate("document.body.dataset.marker = 'still-here'")


def expect_same_page(page) -> None:
    expect(page.locator("body[data-marker='still-here']")).to_have_count(1)


def is_history_restore(response) -> bool:
    return response.request.headers.get("hx-history-restore-request") == "true"


# (page, the filter form's id, the filter to change and its value, the region htmx swaps)
PAGES = [
    ("/provisions/", "provision-filters", "#id_responsible_party", "US", "#results"),
    ("/milestones/", "milestone-filters", "#id_responsible_party", "UA", "#results"),
    ("/checks/", "check-filters", "#id_result", "compliant", "#results"),
    ("/disputes/", "dispute-filters", "#id_status", "open", "#results"),
    ("/activity/", "activity-filters", "#id_party", "UA", "#results"),
    ("/reports/compliance/", None, "#id_party", "UA", "#report"),
]


@pytest.mark.parametrize(("path", "form_id", "control", "value", "region"), PAGES)
def test_back_after_a_filter_change_restores_the_whole_page(
    page, live_server, browser_login, observer, provision, path, form_id, control, value, region
):
    browser_login(observer)
    page.goto(f"{live_server.url}{path}")
    mark_the_page(page)

    page.locator(control).select_option(value)
    expect(page).to_have_url(re.compile(rf"[?&]{control.removeprefix('#id_')}={value}"))
    expect_same_page(page)  # htmx swapped the results and pushed the URL
    # Whatever htmx kept of the page before the change is gone: Back asks the server.
    page.evaluate("localStorage.clear()")
    with page.expect_response(is_history_restore) as restore:
        page.go_back()
    assert restore.value.status == 200

    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    filters = page.locator(f"#{form_id}" if form_id else "form.filters")
    expect(filters).to_be_visible()
    expect(page.locator(control)).to_have_value("")
    expect(page.locator(region)).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)


@pytest.fixture
def many_checks(provision, monitor):
    for number in range(120):
        make_check(
            provision,
            monitor,
            criterion=f"Criterion {number:03}",
            checked_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
        )
    return MonitoringCheck.objects.count()


def test_sort_headers_and_page_links_swap_only_the_results(
    page, live_server, browser_login, chair_us, many_checks
):
    browser_login(chair_us)
    page.goto(f"{live_server.url}/checks/?result=compliant")
    mark_the_page(page)
    table = page.locator("#results table")

    page.locator("thead").get_by_role("link", name="Criterion").click()
    expect(page).to_have_url(re.compile(r"\?result=compliant&sort=criterion$"))
    expect(page.locator("th[aria-sort='ascending']")).to_have_text(re.compile("Criterion"))
    expect(table.locator("tbody tr").first).to_contain_text("Criterion 000")

    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.locator("[aria-current='page']")).to_have_text("1")
    pages.get_by_role("link", name="Page 3").click()
    expect(page).to_have_url(re.compile(r"sort=criterion.*page=3|page=3.*sort=criterion"))
    expect(table.locator("tbody tr").first).to_contain_text("Criterion 100")
    expect(pages.locator("[aria-current='page']")).to_have_text("3")

    pages.get_by_role("link", name="Previous").click()
    expect(table.locator("tbody tr").first).to_contain_text("Criterion 050")
    expect(pages.locator("[aria-current='page']")).to_have_text("2")
    # Reversing the sort starts again on page one, and the filter stays.
    page.locator("thead").get_by_role("link", name="Criterion").click()
    expect(page).to_have_url(re.compile(r"\?result=compliant&sort=-criterion$"))
    expect(table.locator("tbody tr").first).to_contain_text("Criterion 119")
    expect_same_page(page)
