"""Two-factor sign-in: enrolment (QR code, secret, first code), log-in with password and
code or a recovery code, lock-out counting wrong codes, and turning it off or on again.

Codes are computed with pyotp, as an authenticator app would. Time is frozen so each code's
time step is known: a code is never accepted twice, so a log-in after enrolment uses the
next step's code.
"""

from __future__ import annotations

import datetime
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlsplit

import pyotp
import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tracker.accounts import two_factor

START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
STEP = datetime.timedelta(seconds=30)
LOCKED = "Too many failed log-in attempts"


@pytest.fixture(autouse=True)
def _clock_at_start():
    """Time stands still at START unless a test moves it: sessions made at a moment are read
    at a moment when they are still fresh, and each code's time step is known."""
    with time_machine.travel(START, tick=False):
        yield


def log_in(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def logged_in_client(username: str) -> Client:
    client = Client()
    assert log_in(client, username).status_code == 302
    return client


def app_for(client: Client) -> pyotp.TOTP:
    """The authenticator app, fed with the secret the setup page offers this session."""
    key = client.session[two_factor.ENROL_KEY]
    return pyotp.TOTP(b32encode(unhexlify(key)).decode())


def enrol(client: Client, at: datetime.datetime, **extra) -> pyotp.TOTP:
    assert client.get(reverse("two_factor_setup")).status_code == 200
    app = app_for(client)
    response = client.post(reverse("two_factor_setup"), {"code": app.at(at), **extra})
    assert response.status_code == 302, response.content[:500]
    return app


@pytest.fixture
def enrolled(observer):
    """The observer, enrolled at START; their app."""
    with time_machine.travel(START, tick=False):
        client = logged_in_client(observer.username)
        app = enrol(client, START)
    return app


def code_page(client: Client, code: str):
    return client.post(reverse("two_factor_verify"), {"code": code})


def test_setup_page_shows_a_qr_code_made_here_and_the_secret(login, observer):
    client = login(observer)

    response = client.get(reverse("two_factor_setup"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert 'src="data:image/svg+xml' in body  # rendered on the server, no outside service
    secret = b32encode(unhexlify(client.session[two_factor.ENROL_KEY])).decode()
    assert two_factor.secret_for_manual_entry(client.session[two_factor.ENROL_KEY]) in body
    assert secret[:4] in body
    # The same secret on every visit until it is confirmed.
    key = client.session[two_factor.ENROL_KEY]
    client.get(reverse("two_factor_setup"))
    assert client.session[two_factor.ENROL_KEY] == key


def test_a_wrong_first_code_is_refused_beside_the_field(login, observer):
    client = login(observer)
    client.get(reverse("two_factor_setup"))

    response = client.post(reverse("two_factor_setup"), {"code": "000000"})

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_code_error"' in body
    assert "That code does not match" in body
    assert not TOTPDevice.objects.filter(user=observer).exists()


def test_enrolling_turns_it_on_and_shows_ten_recovery_codes_once(observer):
    with time_machine.travel(START, tick=False):
        client = logged_in_client(observer.username)
        client.get(reverse("two_factor_setup"))
        response = client.post(reverse("two_factor_setup"), {"code": app_for(client).now()})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("two_factor_recovery_codes")
    assert TOTPDevice.objects.get(user=observer).confirmed
    assert client.session[DEVICE_ID_SESSION_KEY]  # this session passed the second factor
    page = client.get(response["Location"]).content.decode()
    tokens = StaticToken.objects.filter(device__user=observer).values_list("token", flat=True)
    assert len(tokens) == 10
    for token in tokens:
        assert two_factor.show_recovery_code(token) in page
    again = client.get(reverse("two_factor_recovery_codes")).content.decode()
    assert not any(two_factor.show_recovery_code(token) in again for token in tokens)
    assert "You have 10 unused recovery codes" in again


def test_enrolling_ends_the_accounts_other_sessions(observer):
    with time_machine.travel(START, tick=False):
        here = logged_in_client(observer.username)
        elsewhere = logged_in_client(observer.username)
        enrol(here, START)

        assert here.get(reverse("dashboard")).status_code == 200
        gone = elsewhere.get(reverse("dashboard"))
    assert gone.status_code == 302
    assert urlsplit(gone["Location"]).path == reverse("login")


def test_log_in_asks_for_the_code_before_anyone_is_logged_in(observer, enrolled):
    client = Client()
    with time_machine.travel(START + STEP, tick=False):
        response = log_in(client, observer.username)
        assert response.status_code == 302
        assert response["Location"] == reverse("two_factor_verify")
        assert SESSION_KEY not in client.session
        assert client.get(reverse("dashboard")).status_code == 302

        page = client.get(reverse("two_factor_verify"))
        assert page.status_code == 200
        assert observer.username in page.content.decode()

        done = code_page(client, enrolled.now())

    assert done.status_code == 302
    assert done["Location"] == reverse("dashboard")
    assert client.session[SESSION_KEY] == str(observer.pk)
    assert client.session[DEVICE_ID_SESSION_KEY]


def test_the_code_step_keeps_where_the_person_was_going(observer, enrolled):
    client = Client()
    with time_machine.travel(START + STEP, tick=False):
        log_in(client, observer.username, next_url="/checks/")
        response = code_page(client, enrolled.now())
    assert response["Location"] == "/checks/"


def test_a_code_is_never_accepted_twice(observer, enrolled):
    with time_machine.travel(START + datetime.timedelta(seconds=10), tick=False):
        client = Client()
        log_in(client, observer.username)
        # The code of the enrolment, still within its 30 seconds.
        response = code_page(client, enrolled.at(START))
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_recovery_code_logs_in_once(observer, enrolled):
    token = StaticToken.objects.filter(device__user=observer).first().token
    shown = two_factor.show_recovery_code(token).upper()  # typed as printed, in capitals

    first = Client()
    log_in(first, observer.username)
    assert code_page(first, shown).status_code == 302
    assert first.session[SESSION_KEY] == str(observer.pk)

    second = Client()
    log_in(second, observer.username)
    response = code_page(second, shown)
    assert response.status_code == 400
    assert SESSION_KEY not in second.session
    assert StaticToken.objects.filter(device__user=observer).count() == 9


def test_wrong_codes_count_towards_the_lock_out_like_wrong_passwords(observer, enrolled):
    client = Client()
    with time_machine.travel(START + STEP, tick=False):
        # Two wrong passwords and three wrong codes: five failures, as five wrong passwords.
        for _ in range(2):
            assert log_in(client, observer.username, "wrong-password-123").status_code == 200
        log_in(client, observer.username)
        for number in range(2):
            response = code_page(client, f"00000{number}")
            assert response.status_code == 400
            assert "That code is not right" in response.content.decode()
        locked = code_page(client, "000009")
        assert locked.status_code == 429
        assert LOCKED in locked.content.decode()
        assert SESSION_KEY not in client.session

        # While locked, the right password is refused, and so is the right code.
        assert log_in(Client(), observer.username).status_code == 429
    assert SESSION_KEY not in client.session


def test_the_right_code_is_refused_while_locked_out(observer, enrolled):
    waiting = Client()
    with time_machine.travel(START + STEP, tick=False):
        log_in(waiting, observer.username)  # passed the password, owes the code
        for _ in range(5):
            log_in(Client(), observer.username, "wrong-password-123")

        response = code_page(waiting, enrolled.now())

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in waiting.session
    # The password comes first again: the code page no longer knows who was logging in.
    assert two_factor.PENDING_USER_KEY not in waiting.session


def test_the_code_must_come_within_five_minutes(observer, enrolled):
    client = Client()
    with time_machine.travel(START + STEP, tick=False):
        log_in(client, observer.username)
    later = START + STEP + datetime.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        response = code_page(client, enrolled.now())
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_the_code_page_without_a_password_first_goes_to_log_in(client, db):
    response = client.get(reverse("two_factor_verify"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_setting_it_up_again_asks_for_the_password(observer, enrolled):
    with time_machine.travel(START + STEP, tick=False):
        client = Client()
        log_in(client, observer.username)
        code_page(client, enrolled.now())
        client.get(reverse("two_factor_setup"))
        new_app = app_for(client)
        new_key = client.session[two_factor.ENROL_KEY]

        refused = client.post(
            reverse("two_factor_setup"), {"code": new_app.now(), "password": "not-mine"}
        )
        assert refused.status_code == 400
        assert "That is not your password." in refused.content.decode()
        assert TOTPDevice.objects.get(user=observer).key != new_key

        done = client.post(
            reverse("two_factor_setup"), {"code": new_app.now(), "password": PASSWORD}
        )
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user=observer).key == new_key


def test_turning_it_off_asks_for_the_password(observer, enrolled):
    with time_machine.travel(START + STEP, tick=False):
        client = Client()
        log_in(client, observer.username)
        code_page(client, enrolled.now())

    refused = client.post(reverse("two_factor_disable"), {"disable-password": "not-mine"})
    assert refused.status_code == 400
    assert "That is not your password." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=observer).exists()

    done = client.post(reverse("two_factor_disable"), {"disable-password": PASSWORD})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=observer).exists()
    assert not StaticToken.objects.filter(device__user=observer).exists()
    assert client.get(reverse("dashboard")).status_code == 200  # this session stays
    # The next log-in is one step again.
    assert log_in(Client(), observer.username)["Location"] == reverse("dashboard")


def test_a_role_that_requires_it_cannot_turn_it_off(settings, observer, enrolled):
    settings.MFA_REQUIRED_ROLES = ["observer"]
    with time_machine.travel(START + STEP, tick=False):
        client = Client()
        log_in(client, observer.username)
        code_page(client, enrolled.now())

    response = client.post(reverse("two_factor_disable"), {"disable-password": PASSWORD})

    assert response.status_code == 400
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=observer).exists()


def test_new_recovery_codes_replace_the_old_ones(observer, enrolled):
    old = set(StaticToken.objects.filter(device__user=observer).values_list("token", flat=True))
    with time_machine.travel(START + STEP, tick=False):
        client = Client()
        log_in(client, observer.username)
        code_page(client, enrolled.now())

    refused = client.post(reverse("two_factor_recovery_codes"), {"codes-password": "nope"})
    assert refused.status_code == 400
    response = client.post(reverse("two_factor_recovery_codes"), {"codes-password": PASSWORD})
    assert response.status_code == 302

    new = set(StaticToken.objects.filter(device__user=observer).values_list("token", flat=True))
    assert len(new) == 10
    assert not old & new
    page = client.get(reverse("two_factor_recovery_codes")).content.decode()
    assert all(two_factor.show_recovery_code(token) in page for token in new)


def test_account_page_says_whether_it_is_on(login, observer):
    client = login(observer)
    off = client.get(reverse("account"))
    assert off.status_code == 200
    assert "<html" in off.content.decode()
    assert reverse("two_factor_setup") in off.content.decode()
    assert client.post(reverse("account")).status_code == 405


def test_account_pages_need_a_log_in(client, db):
    for name in ("account", "two_factor_setup", "two_factor_recovery_codes"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert urlsplit(response["Location"]).path == reverse("login"), name
    assert client.post(reverse("two_factor_disable")).status_code == 302


def test_two_factor_pages_refuse_other_methods(login, observer):
    client = login(observer)
    assert client.put(reverse("two_factor_setup")).status_code == 405
    assert client.put(reverse("two_factor_verify")).status_code == 405
    assert client.put(reverse("two_factor_recovery_codes")).status_code == 405
    assert client.get(reverse("two_factor_disable")).status_code == 405


def test_a_wrong_code_is_not_kept_in_the_record_of_the_attempt(observer, enrolled):
    from axes.models import AccessAttempt

    client = Client()
    with time_machine.travel(START + STEP, tick=False):
        log_in(client, observer.username)
        code_page(client, "314159")
    attempt = AccessAttempt.objects.get(username=observer.username)
    assert "314159" not in attempt.post_data


def test_the_code_is_asked_in_the_language_of_who_typed_the_password(observer, enrolled):
    observer.language = "uk"
    observer.save(update_fields=["language"])
    client = Client()

    response = log_in(client, observer.username)
    page = client.get(response["Location"])

    assert urlsplit(response["Location"]).path == reverse("two_factor_verify")
    assert '<html lang="uk"' in page.content.decode()


def test_a_language_chosen_on_the_log_in_page_wins_on_the_code_page(observer, enrolled):
    observer.language = "uk"
    observer.save(update_fields=["language"])
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})

    log_in(client, observer.username)
    page = client.get(reverse("two_factor_verify"))

    assert '<html lang="en"' in page.content.decode()
