import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.accounts.models import User

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings):
    """The demo accounts and the sample agreement, as `make run` loads them."""
    settings.DEBUG = True
    call_command("load_demo", password=PASSWORD, verbosity=0)
    settings.DEBUG = False


def test_demo_member_logs_in_sees_the_provisions_and_opens_one(page, browser_login, demo):
    browser_login(User.objects.get(username="member-ua"))
    expect(page.get_by_text("Member · Ukraine")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Provisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Provisions")
    expect(page.locator("#results tbody tr")).to_have_count(8)
    title = "Transparent governance and anti-corruption measures in mining operations"
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_observer_logs_in_and_opens_a_provision(page, browser_login, observer, provision):
    browser_login(observer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Provisions").click()
    page.get_by_role("link", name=provision.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(provision.title)


def test_filters_update_the_list_as_they_change(page, live_server, browser_login, demo):
    browser_login(User.objects.get(username="observer"))
    page.goto(f"{live_server.url}/provisions/")
    page.get_by_label("Responsible party").select_option("US")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page).to_have_url(
        f"{live_server.url}/provisions/?q=&category=&responsible_party=US&mineral=&sort="
    )
    sorted_header = page.get_by_role("columnheader", name="Implementation")
    page.get_by_role("link", name="Implementation").click()
    expect(sorted_header).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#results tbody tr").first).to_contain_text("P-02")
    page.get_by_role("link", name="Implementation").click()
    expect(sorted_header).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#results tbody tr").first).to_contain_text("P-06")
    expect(page).to_have_url(
        f"{live_server.url}/provisions/?q=&category=&responsible_party=US&mineral=&sort=-progress"
    )
    page.get_by_label("Search").fill("capacity")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.go_back()
    expect(page.locator("#results tbody tr")).to_have_count(2)


def test_filters_work_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("observer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/provisions/")
    page.get_by_label("Category").select_option("capacity_building")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("P-06")
    context.close()
