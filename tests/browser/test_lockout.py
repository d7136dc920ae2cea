"""Log-in lock-out in a real browser: five wrong passwords, then even the right one fails."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def submit(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(
    page, live_server, observer
):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(4):
        submit(page, observer.username, "not-the-password")
        expect(page.get_by_role("alert")).to_contain_text(
            "Please enter a correct username and password."
        )

    submit(page, observer.username, "not-the-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed log-in attempts")

    page.goto(f"{live_server.url}/accounts/login/")
    submit(page, observer.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed log-in attempts")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_another_person_at_the_same_address_can_still_log_in(page, live_server, observer, monitor):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        submit(page, observer.username, "not-the-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed log-in attempts")

    page.goto(f"{live_server.url}/accounts/login/")
    submit(page, monitor.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
