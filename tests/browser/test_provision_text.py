"""A provision's English and Ukrainian text side by side on a wide screen, one after the
other on a phone, each marked with its language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ENGLISH = "The Parties shall share geological survey data. " * 6
UKRAINIAN = "Сторони обмінюються даними геологічних досліджень. " * 6


@pytest.fixture
def bilingual_provision(provision):
    provision.text, provision.text_uk = ENGLISH.strip(), UKRAINIAN.strip()
    provision.save(update_fields=["text", "text_uk"])
    return provision


def columns(page, live_server, provision):
    page.goto(f"{live_server.url}/provisions/{provision.pk}/")
    english = page.locator('.bilingual-text [lang="en"]')
    ukrainian = page.locator('.bilingual-text [lang="uk"]')
    expect(english).to_contain_text("The Parties shall share")
    expect(ukrainian).to_contain_text("Сторони обмінюються")
    return english.bounding_box(), ukrainian.bounding_box()


def test_side_by_side_on_a_wide_screen(
    page, live_server, browser_login, observer, bilingual_provision
):
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(observer)

    english, ukrainian = columns(page, live_server, bilingual_provision)

    assert english["x"] + english["width"] <= ukrainian["x"]  # English on the left
    assert abs(english["y"] - ukrainian["y"]) < 2  # on the same line
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_one_after_the_other_on_a_phone(
    page, live_server, browser_login, observer, bilingual_provision
):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(observer)

    english, ukrainian = columns(page, live_server, bilingual_provision)

    assert english["y"] + english["height"] <= ukrainian["y"]  # English above
    assert abs(english["x"] - ukrainian["x"]) < 2  # in the same column
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
