"""Searching a list in a real browser: typing filters the results in place (htmx), the
address keeps the search, and a plain reload shows the same."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.monitoring.conftest import make_action, make_check

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    ("typed", "found", "missed"),
    [
        ("seepage", "Tailings dam inspected", "Public consultation held"),
        ("запрош", "Public consultation held", "Tailings dam inspected"),
    ],
)
def test_typing_in_the_checks_search_narrows_the_list_in_place(
    page, live_server, browser_login, monitor, provision, typed, found, missed
):
    tailings = make_check(provision, monitor, criterion="Tailings dam inspected")
    make_action(tailings, description="Adopt a seepage monitoring schedule")
    make_check(
        provision,
        monitor,
        criterion="Public consultation held",
        finding="Громади не отримали запрошень.",
    )
    browser_login(monitor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Checks").click()
    results = page.locator("#results")
    expect(results).to_contain_text(found)
    expect(results).to_contain_text(missed)
    page.evaluate("document.body.dataset.marker = 'still-here'")

    # No button pressed: the results follow the typing.
    page.get_by_role("searchbox", name="Search").press_sequentially(typed, delay=20)

    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(results).to_contain_text(found)
    expect(results).not_to_contain_text(missed)
    expect(page.locator("body[data-marker='still-here']")).to_have_count(1)  # swapped, not loaded

    page.reload()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value(typed)
    expect(results).to_contain_text(found)
    expect(results).not_to_contain_text(missed)
