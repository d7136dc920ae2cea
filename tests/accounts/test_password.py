"""Password self-service with Django's own views: change (which ends the other sessions)
and reset by email (the same answer for unknown addresses, rate-limited, in the person's
language)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from tracker.accounts.models import RateLimitHit, Role
from tracker.accounts.views import PasswordResetView

NEW_PASSWORD = "granite-lithium-harbour-7"


def log_in(username: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> Client:
    """A real log-in through the form: a session of its own."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


def change(client: Client, old: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_password_change_ends_the_other_sessions_and_keeps_this_one(observer):
    here = log_in(observer.username)
    elsewhere = log_in(observer.username)
    assert elsewhere.get(reverse("dashboard")).status_code == 200

    response = change(here)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert here.get(reverse("dashboard")).status_code == 200
    gone = elsewhere.get(reverse("dashboard"))
    assert gone.status_code == 302
    assert urlsplit(gone["Location"]).path == reverse("login")
    observer.refresh_from_db()
    assert observer.check_password(NEW_PASSWORD)
    assert (
        Client()
        .post(reverse("login"), {"username": observer.username, "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_wrong_old_password_is_said_beside_the_field_and_nothing_changes(observer):
    client = log_in(observer.username)

    response = change(client, old="not-my-password")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_old_password_error"' in body
    assert "Your old password was entered incorrectly" in body
    observer.refresh_from_db()
    assert observer.check_password(PASSWORD)


def test_password_validators_apply_to_a_new_password(observer):
    response = change(log_in(observer.username), new="password")

    assert "This password is too short" in response.content.decode()
    observer.refresh_from_db()
    assert observer.check_password(PASSWORD)


def test_password_change_page_and_done_page(login, outsider):
    client = login(outsider)  # no role: their own account is still theirs to manage
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert client.get(reverse("password_change_done")).status_code == 200


def test_password_change_needs_a_log_in(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")


def reset(client: Client, address: str):
    return client.post(reverse("password_reset"), {"email": address})


def page_text(response) -> str:
    """The page without its CSRF tokens and script nonce, which differ on every page."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_reset_answers_the_same_for_an_unknown_address(smtp_server, db):
    make_user("ua-member", Role.MEMBER, "UA", email="member@example.org", language="uk")

    known = reset(Client(), "member@example.org")
    unknown = reset(Client(), "nobody@example.org")

    for response in (known, unknown):
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert page_text(Client().get(known["Location"])) == page_text(
        Client().get(unknown["Location"])
    )
    (received,) = smtp_server.inbox.received
    assert received.recipients == ["member@example.org"]


def test_reset_email_is_in_the_persons_language_and_its_link_sets_a_password(smtp_server, db):
    member = make_user("ua-member", Role.MEMBER, "UA", email="member@example.org", language="uk")

    reset(Client(), "member@example.org")

    (received,) = smtp_server.inbox.received
    assert "новий пароль" in received.subject
    assert "ua-member" in received.text
    (link,) = [url for url in received.links() if "/accounts/reset/" in url]
    assert urlsplit(link).path in received.html
    visitor = Client()
    form_page = visitor.get(urlsplit(link).path, follow=True)
    assert "new_password1" in form_page.content.decode()
    done = visitor.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # The link works once.
    again = Client().get(urlsplit(link).path, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_reset_is_limited_per_address_whether_or_not_it_exists(smtp_server, db):
    make_user("ua-member", Role.MEMBER, "UA", email="member@example.org")

    for number in range(3):
        assert (
            reset(Client(REMOTE_ADDR=f"10.0.1.{number}"), "member@example.org").status_code == 302
        )
        assert (
            reset(Client(REMOTE_ADDR=f"10.0.2.{number}"), "nobody@example.org").status_code == 302
        )

    known = reset(Client(REMOTE_ADDR="10.0.3.1"), "MEMBER@example.org")
    unknown = reset(Client(REMOTE_ADDR="10.0.3.2"), "nobody@example.org")
    for response in (known, unknown):
        assert response.status_code == 429
        assert "Too many requests" in response.content.decode()
    assert len(smtp_server.inbox.received) == 3


def test_reset_is_limited_per_client_address(smtp_server, monkeypatch, db):
    monkeypatch.setattr(PasswordResetView, "per_client", 2)
    client = Client(REMOTE_ADDR="10.9.9.9")

    assert reset(client, "a@example.org").status_code == 302
    assert reset(client, "b@example.org").status_code == 302
    assert reset(client, "c@example.org").status_code == 429
    assert reset(Client(REMOTE_ADDR="10.9.9.8"), "c@example.org").status_code == 302


def test_the_limit_keeps_no_address_typed(smtp_server, db):
    reset(Client(), "someone@example.org")

    stored = list(RateLimitHit.objects.values_list("key", flat=True))
    assert len(stored) == 2
    assert all("@" not in key and len(key) == 64 for key in stored)


def test_an_invalid_address_is_said_beside_the_field(db):
    response = reset(Client(), "not an address")

    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert not RateLimitHit.objects.exists()


def test_reset_pages_render(db):
    client = Client()
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "<html" in response.content.decode()


def test_login_page_links_to_the_reset_instead_of_the_administrator(db):
    body = Client().get(reverse("login")).content.decode()

    assert reverse("password_reset") in body
    assert "ask the administrator" not in body.lower()
    assert "Ask them if you need one or have forgotten your password" not in body


@pytest.mark.parametrize("name", ["password_reset", "password_change"])
def test_password_forms_refuse_other_methods(login, observer, name):
    assert login(observer).put(reverse(name)).status_code == 405


def test_a_reset_while_logged_in_elsewhere_ends_that_session(smtp_server, db):
    member = make_user("ua-member", Role.MEMBER, "UA", email="member@example.org")
    elsewhere = log_in(member.username)

    reset(Client(), "member@example.org")
    (link,) = [u for u in smtp_server.inbox.received[0].links() if "/accounts/reset/" in u]
    visitor = Client()
    page = visitor.get(urlsplit(link).path, follow=True)
    visitor.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert elsewhere.get(reverse("dashboard")).status_code == 302
    assert SESSION_KEY not in visitor.session
