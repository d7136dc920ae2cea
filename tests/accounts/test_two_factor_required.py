"""Roles in MFA_REQUIRED_ROLES enrol before anything else; the Django admin opens only to
sessions that passed the second factor."""

from __future__ import annotations

import datetime
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import checks
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tracker.accounts import two_factor

START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _clock_at_start():
    """Time stands still at START unless a test moves it: sessions made at a moment are read
    at a moment when they are still fresh, and each code's time step is known."""
    with time_machine.travel(START, tick=False):
        yield


def log_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def co_chairs_must(settings):
    settings.MFA_REQUIRED_ROLES = ["co_chair"]


PAGES = [
    "/",
    "/provisions/",
    "/milestones/",
    "/checks/",
    "/disputes/",
    "/reports/compliance/",
    "/people/",
    "/accounts/",
    "/accounts/password_change/",
    "/accounts/two-factor/recovery-codes/",
    "/admin/",
    "/admin/accounts/user/",
]


def test_a_co_chair_without_an_app_reaches_no_page_but_enrolment(
    co_chairs_must, chair_us, provision
):
    client = log_in(chair_us.username)
    setup = reverse("two_factor_setup")

    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        location = urlsplit(response["Location"])
        assert location.path == setup, url
        assert parse_qs(location.query)["next"] == [url], url

    # htmx requests are sent there too, by a full-page redirect.
    response = client.get("/milestones/", **HTMX)
    assert response.headers["HX-Redirect"] == setup
    # A change is refused the same way, and changes nothing.
    response = client.post(reverse("people:invite"), {"email": "x@example.org"})
    assert urlsplit(response["Location"]).path == setup

    assert client.get(setup).status_code == 200


def test_log_out_and_the_language_switch_stay_open(co_chairs_must, chair_us):
    client = log_in(chair_us.username)

    language = client.post(reverse("set_language"), {"language": "uk", "next": "/"})
    assert language.status_code == 302
    assert language["Location"] == "/"

    assert client.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in client.session


def test_after_enrolling_the_co_chair_goes_where_they_were_going(co_chairs_must, chair_us):
    with time_machine.travel(START, tick=False):
        client = log_in(chair_us.username)
        first = client.get("/checks/")
        setup_url = first["Location"]
        client.get(setup_url)
        app = pyotp.TOTP(b32encode(unhexlify(client.session[two_factor.ENROL_KEY])).decode())
        enrolled = client.post(reverse("two_factor_setup"), {"code": app.now(), "next": "/checks/"})
        codes_page = client.get(enrolled["Location"])

    assert 'href="/checks/"' in codes_page.content.decode()
    assert client.get("/checks/").status_code == 200
    assert client.get("/").status_code == 200


def test_roles_not_named_are_not_asked(co_chairs_must, member_us, monitor):
    for person in (member_us, monitor):
        assert log_in(person.username).get("/").status_code == 200


def test_nobody_is_asked_by_default_in_tests_and_development(settings):
    assert settings.MFA_REQUIRED_ROLES == []


def test_an_unknown_role_in_the_setting_is_a_configuration_error(settings):
    settings.MFA_REQUIRED_ROLES = ["co_chair", "cochair"]

    errors = [
        e for e in checks.run_checks(tags=[checks.Tags.security]) if e.id == "tracker.accounts.E001"
    ]

    assert len(errors) == 1
    assert "cochair" in errors[0].msg


# --- The Django admin -------------------------------------------------------------------------


def test_a_session_without_the_second_factor_cannot_open_the_admin(staff_admin):
    client = log_in(staff_admin.username)  # password only: no app yet

    response = client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert "Site administration" not in response.content.decode()
    assert "The admin opens only after two-factor sign-in" in response.content.decode()
    assert client.get("/admin/accounts/user/").status_code == 302


def test_a_session_from_before_the_app_is_asked_for_the_code_to_open_the_admin(staff_admin):
    TOTPDevice.objects.create(user=staff_admin, name="Phone", confirmed=True)
    staff_admin.refresh_from_db()
    client = Client()
    client.force_login(staff_admin)  # logged in, never verified

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    assert "Site administration" not in response.content.decode()


def test_a_verified_staff_session_opens_the_admin(login, staff_admin):
    response = login(staff_admin).get("/admin/")

    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


def test_the_admin_has_no_password_only_log_in(staff_admin):
    client = Client()

    page = client.get("/admin/login/")
    assert page.status_code == 302
    assert urlsplit(page["Location"]).path == reverse("login")

    response = client.post(
        "/admin/login/", {"username": staff_admin.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_a_verified_person_who_is_not_staff_is_refused_the_admin(observer):
    with time_machine.travel(START, tick=False):
        client = log_in(observer.username)
        client.get(reverse("two_factor_setup"))
        app = pyotp.TOTP(b32encode(unhexlify(client.session[two_factor.ENROL_KEY])).decode())
        client.post(reverse("two_factor_setup"), {"code": app.now()})

        response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_losing_the_staff_admin_role_removes_the_admin(login, staff_admin, db):
    from tests.conftest import make_user
    from tracker.accounts.models import Role

    other_admin = make_user("admin-2", Role.STAFF_ADMIN, "IND", is_staff=True, is_superuser=True)
    client = login(staff_admin)

    client.post(
        reverse("people:change_role", args=[other_admin.pk]),
        {
            "role": Role.OBSERVER,
            "party": "IND",
            "organisation": "",
            "reason": "Moved to an observer organisation.",
            "seen_role": Role.STAFF_ADMIN,
            "seen_party": "IND",
            "seen_organisation": "",
            "seen_active": "1",
        },
    )

    other_admin.refresh_from_db()
    assert other_admin.role == Role.OBSERVER
    assert not other_admin.is_staff
    assert not other_admin.is_superuser
