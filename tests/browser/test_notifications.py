"""Notifications in a real browser: a returned milestone reaches its party's inbox, the header
counts it, and marking it read (with htmx) updates the count without a page load."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tracker.milestones import services
from tracker.milestones.models import Status

pytestmark = pytest.mark.browser


def test_a_returned_milestone_appears_in_its_partys_notifications(
    page, live_server, browser_login, member_ua, chair_us, milestone_ua
):
    services.update_progress(
        milestone_ua,
        member_ua,
        version=milestone_ua.version,
        status=Status.COMPLETED,
        percent=100,
        note="Tender published",
    )
    browser_login(chair_us)
    page.goto(f"{live_server.url}/milestones/{milestone_ua.pk}/")
    page.get_by_label("Reason").fill("The signed acceptance report is missing.")
    page.get_by_role("button", name="Return for more work").click()
    expect(page.locator("#messages")).to_contain_text("Returned “Publish survey tender”")
    page.get_by_role("button", name="Log out").click()

    browser_login(member_ua)
    counter = page.locator("#unread-count")
    expect(counter).to_contain_text("1")
    page.get_by_role("navigation").get_by_role("link", name="Notifications").click()

    notification = page.locator("tr.notification").first
    expect(notification).to_contain_text("Milestone returned")
    expect(notification).to_contain_text(
        "Chair Us returned “Publish survey tender” to in progress."
    )
    expect(notification).to_contain_text("The signed acceptance report is missing.")
    expect(notification).to_contain_text("Unread")

    page.evaluate("document.body.dataset.marker = 'still-here'")
    notification.get_by_role("button", name="Mark read").click()
    expect(page.locator("tr.notification").first).to_contain_text("Read")
    expect(page.locator("tr.notification-unread")).to_have_count(0)
    expect(counter).not_to_contain_text("1")
    # htmx swapped the row and the count: the page itself did not reload.
    expect(page.locator("body[data-marker='still-here']")).to_have_count(1)

    page.get_by_role(
        "link", name="Chair Us returned “Publish survey tender” to in progress."
    ).click()
    expect(page).to_have_url(f"{live_server.url}/milestones/{milestone_ua.pk}/")


def test_the_settings_page_saves_choices(page, live_server, browser_login, member_ua):
    browser_login(member_ua)
    page.goto(f"{live_server.url}/notifications/settings/")
    group = page.get_by_role("group", name="Milestone overdue")
    group.get_by_label("By e-mail").select_option("immediate")
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator("#messages")).to_contain_text("Your notification settings are saved.")
    page.reload()
    expect(
        page.get_by_role("group", name="Milestone overdue").get_by_label("By e-mail")
    ).to_have_value("immediate")
