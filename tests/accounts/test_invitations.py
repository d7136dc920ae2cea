"""Invitations: the email arrives (a real SMTP server), its link sets a password once, and an
expired, used, withdrawn or unknown link gets a clear page."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from tracker.accounts import services
from tracker.accounts.models import Invitation, Role, User

NEW_PASSWORD = "granite-lithium-harbour-7"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def invite(client: Client, **overrides):
    data = {
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "email": "olena.kovalenko@example.org",
        "role": Role.MEMBER,
        "party": "UA",
        "organisation": "",
        "language": "uk",
        **overrides,
    }
    return client.post(reverse("people:invite"), data)


def link_path(received) -> str:
    (url,) = [link for link in received.links() if "/accounts/invitation/" in link]
    return urlsplit(url).path


def choose(client: Client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_invitation_email_arrives_and_its_link_sets_the_password_once(
    login, staff_admin, smtp_server
):
    response = invite(login(staff_admin))

    person = User.objects.get(email="olena.kovalenko@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert not person.has_usable_password()
    (received,) = smtp_server.inbox.received
    assert received.recipients == ["olena.kovalenko@example.org"]
    # Written in the language chosen for the person (Ukrainian here), text and HTML.
    assert "Запрошення" in received.subject
    assert "olena.kovalenko@example.org" in received.text
    assert "72" in received.text
    path = link_path(received)
    assert path in received.html

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert "new_password1" in page.content.decode()
    done = choose(visitor, path)
    assert done.status_code == 302
    assert done["Location"] == reverse("login")

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(person=person).accepted_at is not None
    logged_in = Client().post(
        reverse("login"), {"username": person.username, "password": NEW_PASSWORD}
    )
    assert logged_in.status_code == 302

    # The same link again, even with a password typed in: refused, the password stays.
    replay = choose(Client(), path, "another-password-entirely-9")
    assert replay.status_code == 410
    assert "This invitation link has been used" in replay.content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert Client().get(path).status_code == 410


def test_the_history_records_the_invitation_and_its_acceptance(login, staff_admin, smtp_server):
    invite(login(staff_admin))
    person = User.objects.get(email="olena.kovalenko@example.org")
    choose(Client(), link_path(smtp_server.inbox.received[0]))

    records = list(person.history.order_by("history_date", "history_id"))
    assert [r.history_change_reason for r in records] == ["Invited", "Accepted the invitation"]
    assert records[0].history_user == staff_admin
    assert records[1].history_user == person


def test_weak_password_is_refused_beside_the_field_and_the_link_stays_open(
    login, staff_admin, smtp_server
):
    invite(login(staff_admin))
    path = link_path(smtp_server.inbox.received[0])

    response = choose(Client(), path, "12345678")

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_new_password1_error"' in body or 'id="id_new_password2_error"' in body
    assert "This password is too short" in body
    person = User.objects.get(email="olena.kovalenko@example.org")
    assert not person.has_usable_password()
    assert choose(Client(), path).status_code == 302


def test_expired_link_offers_a_new_one_sent_to_the_address_on_file_once(
    login, staff_admin, smtp_server
):
    with time_machine.travel(START, tick=False):
        invite(login(staff_admin))
    path = link_path(smtp_server.inbox.received[0])
    new_link_url = path + "new-link/"

    with time_machine.travel(START + datetime.timedelta(hours=72, minutes=1), tick=False):
        page = Client().get(path)
        assert page.status_code == 410
        body = page.content.decode()
        assert "This invitation link has expired" in body
        assert new_link_url in body
        assert choose(Client(), path).status_code == 410

        sent = Client().post(new_link_url)
        assert sent.status_code == 200
        assert "A new link is on its way" in sent.content.decode()
        # Asking again from the same expired link sends nothing more.
        again = Client().post(new_link_url)
        assert "A newer link replaces this one" in again.content.decode()

    emails = smtp_server.inbox.received
    assert len(emails) == 2
    assert emails[1].recipients == ["olena.kovalenko@example.org"]
    new_path = link_path(emails[1])
    assert new_path != path
    with time_machine.travel(START + datetime.timedelta(hours=73), tick=False):
        assert choose(Client(), new_path).status_code == 302
    person = User.objects.get(email="olena.kovalenko@example.org")
    assert person.check_password(NEW_PASSWORD)


def test_a_link_still_open_gets_no_new_link(login, staff_admin, smtp_server):
    invite(login(staff_admin))
    path = link_path(smtp_server.inbox.received[0])

    response = Client().post(path + "new-link/")

    assert len(smtp_server.inbox.received) == 1
    assert response.status_code == 302  # back to the open link: choose a password
    assert response["Location"] == path


def test_staff_admin_sends_the_invitation_again_and_the_old_link_stops(
    login, staff_admin, smtp_server
):
    client = login(staff_admin)
    invite(client)
    person = User.objects.get(email="olena.kovalenko@example.org")
    old_path = link_path(smtp_server.inbox.received[0])

    response = client.post(reverse("people:resend_invitation", args=[person.pk]))

    assert response.status_code == 302
    assert len(smtp_server.inbox.received) == 2
    old = Client().get(old_path)
    assert old.status_code == 410
    assert "A newer link replaces this one" in old.content.decode()
    assert choose(Client(), link_path(smtp_server.inbox.received[1])).status_code == 302


def test_deactivating_the_person_withdraws_the_link(login, staff_admin, smtp_server):
    client = login(staff_admin)
    invite(client)
    person = User.objects.get(email="olena.kovalenko@example.org")
    path = link_path(smtp_server.inbox.received[0])

    client.post(
        reverse("people:deactivate", args=[person.pk]),
        {
            "reason": "Invited by mistake.",
            "seen_role": person.role,
            "seen_party": person.party,
            "seen_organisation": "",
            "seen_active": "1",
        },
    )

    response = choose(Client(), path)
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_unknown_link_gets_a_clear_page(db):
    response = Client().get(reverse("invitation_accept", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Client().post(reverse("invitation_new_link", args=["nope"])).status_code == 404


def test_an_address_already_in_use_is_refused_beside_the_field(login, staff_admin, smtp_server):
    make_user("someone", Role.OBSERVER, "IND", email="Olena.Kovalenko@example.org")

    response = invite(login(staff_admin))

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_email_error"' in body
    assert "Someone already has this email address." in body
    assert 'value="Kovalenko"' in body  # what was typed stays
    assert User.objects.filter(email__iexact="olena.kovalenko@example.org").count() == 1
    assert smtp_server.inbox.received == []


def test_role_and_party_must_agree(login, staff_admin, smtp_server):
    response = invite(login(staff_admin), role=Role.MONITOR, party="UA")

    assert response.status_code == 400
    assert "Monitors and observers are independent" in response.content.decode()
    assert not User.objects.filter(email="olena.kovalenko@example.org").exists()


def test_when_the_email_cannot_be_sent_nothing_is_saved(login, staff_admin, settings):
    from tests.smtp import free_port

    # Nothing listens on this port: the SMTP connection is refused.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }

    response = invite(login(staff_admin))

    assert response.status_code == 400
    assert "The email could not be sent, so nothing was saved" in response.content.decode()
    assert not User.objects.filter(email="olena.kovalenko@example.org").exists()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["chair_us", "member_us", "monitor", "observer", "outsider"])
def test_only_staff_admins_invite(request, login, who, smtp_server):
    client = login(request.getfixturevalue(who))

    assert client.get(reverse("people:invite")).status_code == 403
    assert invite(client).status_code == 403
    assert not User.objects.filter(email="olena.kovalenko@example.org").exists()
    assert smtp_server.inbox.received == []


def test_invite_page_renders_and_refuses_other_methods(login, staff_admin):
    client = login(staff_admin)
    page = client.get(reverse("people:invite"))
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert client.put(reverse("people:invite")).status_code == 405


def test_invitation_pages_refuse_other_methods(db):
    url = reverse("invitation_accept", args=["x"])
    assert Client().put(url).status_code == 405
    assert Client().get(reverse("invitation_new_link", args=["x"])).status_code == 405


def test_two_requests_with_one_link_set_one_password(staff_admin, db):
    """The service, as two racing requests would call it: the second finds it accepted."""
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
    first = services.accept_invitation(link.invitation, "first-choice-passphrase-1")
    with pytest.raises(services.InvitationClosed) as closed:
        services.accept_invitation(link.invitation, "second-choice-passphrase-2")

    assert closed.value.state == Invitation.State.ACCEPTED
    first.refresh_from_db()
    assert first.check_password("first-choice-passphrase-1")


def test_an_accepted_invitation_does_not_log_anyone_in(login, staff_admin, smtp_server):
    invite(login(staff_admin))
    visitor = Client()
    choose(visitor, link_path(smtp_server.inbox.received[0]))

    assert SESSION_KEY not in visitor.session


def test_the_new_person_starts_with_a_password_the_staff_admin_never_knew(
    login, staff_admin, smtp_server
):
    invite(login(staff_admin))
    person = User.objects.get(email="olena.kovalenko@example.org")
    for guess in ("", PASSWORD, person.username):
        assert not person.check_password(guess)
