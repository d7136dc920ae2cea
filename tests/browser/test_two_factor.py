"""Two-factor sign-in and invitations in a real browser.

Codes are computed with pyotp from the secret the setup page shows, as an authenticator app
would. A code is never accepted twice, so the log-in after enrolment types the code of the
next 30-second step (accepted within the one-step tolerance); django-otp's clock-drift
learning is off here so that tolerance always counts from the server's own clock.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.accounts.models import User

pytestmark = pytest.mark.browser


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def type_code(page, code: str) -> None:
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()


def test_a_co_chair_enrols_then_logs_in_with_a_code_and_with_a_recovery_code_once(
    page, live_server, settings, chair_us
):
    settings.MFA_REQUIRED_ROLES = ["co_chair"]
    settings.OTP_TOTP_SYNC = False

    # The password alone leads to enrolment, before anything else.
    log_in(page, live_server, chair_us.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    page.goto(f"{live_server.url}/milestones/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#secret").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(app.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Milestones")
    log_out(page)

    # Password, then the app's code.
    log_in(page, live_server, chair_us.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    type_code(page, app.at(time.time() + 30))
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Co-chair · United States")).to_be_visible()
    log_out(page)

    # Password, then a recovery code: once.
    log_in(page, live_server, chair_us.username)
    type_code(page, codes[0])
    expect(page).to_have_url(f"{live_server.url}/")
    log_out(page)

    log_in(page, live_server, chair_us.username)
    type_code(page, codes[0])
    expect(page.locator("#id_code_error")).to_contain_text("That code is not right")
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/verify/")


def test_a_staff_admin_invites_a_person_who_chooses_a_password_and_logs_in(
    page, live_server, browser_login, staff_admin, smtp_server
):
    browser_login(staff_admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("First name").fill("Olena")
    page.get_by_label("Last name").fill("Kovalenko")
    page.get_by_label("Email address").fill("olena@example.org")
    page.get_by_label("Role").select_option("observer")
    page.get_by_label("Party").select_option("IND")
    # The header's language switch is labelled "Language" too.
    page.locator("form.form-page").get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to olena@example.org.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Olena Kovalenko")
    log_out(page)

    (received,) = smtp_server.inbox.received
    (link,) = [url for url in received.links() if "/accounts/invitation/" in url]
    page.goto(f"{live_server.url}{urlsplit(link).path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    page.get_by_label("New password", exact=True).fill("quartz-meadow-lantern-58")
    page.get_by_label("New password confirmation").fill("quartz-meadow-lantern-58")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set.")).to_be_visible()

    log_in(page, live_server, "olena@example.org", "quartz-meadow-lantern-58")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Observer · Independent")).to_be_visible()
    assert User.objects.get(username="olena@example.org").check_password("quartz-meadow-lantern-58")
