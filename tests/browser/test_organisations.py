"""The organisations directory and the admin's pickers in a real browser, under the strict CSP."""

from __future__ import annotations

import re
from base64 import b32encode

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.organisations.conftest import lead, make_organisation
from tracker.core.models import Organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def console_errors(page) -> list[str]:
    """Script errors, and scripts or styles the Content Security Policy refused."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_filter_by_kind_open_one_and_see_its_milestones(
    page, live_server, browser_login, observer, provision, console_errors
):
    survey = make_organisation("State Geological Service", name_uk="Державна геологічна служба")
    lead(survey, provision, 3, title="Survey")
    make_organisation("Clean Subsoil", kind="ngo", party="IND")
    browser_login(observer)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    count = page.locator("#results .count")
    expect(count).to_have_text("2 organisations match")

    page.get_by_label("Kind").select_option("agency")
    expect(page).to_have_url(re.compile(r"[?&]kind=agency"))
    expect(count).to_have_text("1 organisation matches")
    expect(page.get_by_role("link", name="Clean Subsoil")).to_have_count(0)

    page.get_by_role("link", name="State Geological Service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("State Geological Service")
    milestones = page.locator("#milestones")
    expect(milestones.get_by_role("row")).to_have_count(4)  # the header and three
    milestones.get_by_role("link", name="Survey milestone 00").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey milestone 00")
    assert console_errors == []


def test_co_chair_adds_an_organisation_and_is_told_of_a_duplicate(
    page, live_server, browser_login, chair_ua, console_errors
):
    make_organisation("State Geological Service")
    browser_login(chair_ua)
    page.goto(f"{live_server.url}/organisations/")
    page.get_by_role("link", name="Add an organisation").click()

    page.get_by_label("Name in English").fill("state geological service")
    page.get_by_label("Kind").select_option("agency")
    page.get_by_label("Party").select_option("UA")
    page.get_by_role("button", name="Add organisation").click()

    expect(page.locator("#id_name_error")).to_contain_text(
        "Another organisation already has this name: State Geological Service"
    )
    expect(page.get_by_label("Name in English")).to_have_value("state geological service")
    page.get_by_label("Name in English").fill("Subsoil Licensing Office")
    page.get_by_label("Name in Ukrainian").fill("Офіс ліцензування надр")
    page.get_by_role("button", name="Add organisation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Subsoil Licensing Office")
    expect(page.get_by_text("Organisation added to the directory.")).to_be_visible()
    assert Organisation.objects.filter(name_uk="Офіс ліцензування надр").count() == 1
    assert console_errors == []


def test_staff_picks_a_persons_organisation_by_typing_in_the_admin(
    page, live_server, staff_admin, member_ua, console_errors
):
    survey = make_organisation("State Geological Service")
    make_organisation("Atlantic Minerals Inc.", kind="company", party="US")
    # The admin opens only to a session that passed the second factor: log in with a code.
    device = TOTPDevice.objects.create(user=staff_admin, name="Phone", confirmed=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(staff_admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(b32encode(device.bin_key)).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    # Milestones are read-only in the admin; people are among the rows staff still edit there.
    page.goto(f"{live_server.url}/admin/accounts/user/{member_ua.pk}/change/")

    page.locator(".field-organisation .select2-selection").click()
    page.locator(".select2-search__field").fill("geolog")
    option = page.locator(".select2-results__option", has_text="State Geological Service")
    expect(option).to_have_count(1)
    expect(page.locator(".select2-results__option", has_text="Atlantic")).to_have_count(0)
    option.click()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    member_ua.refresh_from_db()
    assert member_ua.organisation == survey
    assert console_errors == []
