import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_observer_logs_in_and_opens_a_provision(
    page, live_server, browser_login, observer, provision
):
    browser_login(observer)
    page.get_by_role("navigation").get_by_role("link", name="Provisions").click()
    page.get_by_role("link", name=provision.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(provision.title)
