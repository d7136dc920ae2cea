"""The account and people pages keep the strict CSP: the headers, and nothing in them that
the policy would block (a script without the nonce, style="", hx-on, js: values)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tests.security.test_headers import CSP, assert_secure_headers
from tracker.accounts import services
from tracker.accounts.models import Role


def assert_nothing_blocked(response, what: str) -> None:
    body = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response.headers[CSP]).group(1)
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert f'nonce="{nonce}"' in tag, (what, tag)
    assert not re.search(r"\sstyle=", body), what
    assert "hx-on" not in body, what
    assert "javascript:" not in body.lower(), what
    assert "js:" not in re.sub(r"\.js\b", "", body), what
    # Images come from this site or are data: URIs made here (the QR code).
    for source in re.findall(r'<img\b[^>]*\ssrc="([^"]+)"', body):
        assert source.startswith(("/", "data:")), (what, source)


def test_account_and_people_pages(login, staff_admin, member_ua):
    link = services.invite_person(
        staff_admin,
        first_name="Taras",
        last_name="Bondar",
        email="taras@example.org",
        role=Role.OBSERVER,
        party="IND",
        organisation=None,
        language="en",
    )
    admin = login(staff_admin)
    pages = {
        "people list": (admin, reverse("people:list")),
        "person": (admin, reverse("people:detail", args=[member_ua.pk])),
        "invite": (admin, reverse("people:invite")),
        "account": (admin, reverse("account")),
        "two-factor setup": (admin, reverse("two_factor_setup")),
        "recovery codes": (admin, reverse("two_factor_recovery_codes")),
        "password change": (admin, reverse("password_change")),
        "password reset": (Client(), reverse("password_reset")),
        "password reset sent": (Client(), reverse("password_reset_done")),
        "invitation": (Client(), reverse("invitation_accept", args=[link.token])),
        "unknown invitation": (Client(), reverse("invitation_accept", args=["nope"])),
    }
    for what, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), what
        assert_secure_headers(response, what)
        assert_nothing_blocked(response, what)
