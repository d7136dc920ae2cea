"""Log-in, lock-out, log-out and session expiry."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.accounts.middleware import RENEWED_AT_KEY, SessionRenewalMiddleware

LOGIN = "/accounts/login/"
SAME_MESSAGE = "Please enter a correct username and password."
LOCKED = "Too many failed log-in attempts"


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, username: str, times: int, ip: str = "10.0.0.1"):
    response = None
    for _ in range(times):
        response = attempt(client, username, "wrong-password-123", ip)
    return response


def test_login_page_renders(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_right_password_logs_in_and_lands_on_the_dashboard(client, observer):
    response = attempt(client, observer.username, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session[SESSION_KEY] == str(observer.pk)


def test_unknown_user_and_wrong_password_get_the_same_message(client, observer):
    wrong_password = attempt(client, observer.username, "not-the-password")
    unknown_user = attempt(client, "nobody-by-this-name", PASSWORD)

    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert SAME_MESSAGE in response.content.decode()
    assert _error_text(wrong_password) == _error_text(unknown_user)


def _error_text(response) -> str:
    body = response.content.decode()
    start = body.index('class="error-summary"')
    return body[start : body.index("</div>", start)]


def test_disabled_user_cannot_log_in_and_gets_the_same_message(client, observer):
    observer.is_active = False
    observer.save()

    response = attempt(client, observer.username, PASSWORD)

    assert response.status_code == 200
    assert SAME_MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session


def test_disabled_user_with_a_live_session_is_logged_out(login, observer):
    client = login(observer)
    observer.is_active = False
    observer.save()

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_five_failures_lock_the_username_and_address_out(client, observer):
    for _ in range(4):
        response = attempt(client, observer.username, "wrong-password-123")
        assert response.status_code == 200
        assert SAME_MESSAGE in response.content.decode()

    fifth = attempt(client, observer.username, "wrong-password-123")

    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    assert "Content-Security-Policy" in fifth.headers


def test_right_password_is_refused_while_locked_out(client, observer):
    fail(client, observer.username, 5)

    response = attempt(client, observer.username, PASSWORD)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_unknown_usernames_are_locked_out_too(client, db):
    response = fail(client, "someone-guessing", 5)

    assert response.status_code == 429


def test_lockout_is_per_username_and_address(client, observer, monitor):
    fail(client, observer.username, 5, ip="10.0.0.1")

    assert attempt(Client(), observer.username, PASSWORD, ip="10.0.0.2").status_code == 302
    assert attempt(Client(), monitor.username, PASSWORD, ip="10.0.0.1").status_code == 302


def test_four_failures_do_not_lock_out(client, observer):
    fail(client, observer.username, 4)

    assert attempt(client, observer.username, PASSWORD).status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, observer):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        fail(client, observer.username, 5)
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, observer.username, PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=30), tick=False):
        assert attempt(client, observer.username, PASSWORD).status_code == 302


def test_an_attempt_while_locked_starts_the_wait_again(client, observer):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        fail(client, observer.username, 5)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        assert attempt(client, observer.username, PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        assert attempt(client, observer.username, PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=36), tick=False):
        assert attempt(client, observer.username, PASSWORD).status_code == 302


def test_lockout_page_says_what_happened_and_what_to_do(client, observer):
    body = fail(client, observer.username, 5).content.decode()

    assert "After 5 failed attempts" in body
    assert "Try again in 15 minutes" in body
    assert "A system administrator can unlock it sooner" in body


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock_out(client, observer):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        fail(client, observer.username, 4)
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert attempt(client, observer.username, "wrong-password-123").status_code == 200
        assert attempt(client, observer.username, PASSWORD).status_code == 302


def test_staff_unlock_by_deleting_the_access_attempt_in_the_admin(
    client, login, observer, staff_admin
):
    fail(client, observer.username, 5)
    locked = AccessAttempt.objects.get(username=observer.username)

    admin = login(staff_admin)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert observer.username in listing.content.decode()
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert attempt(client, observer.username, PASSWORD).status_code == 302


def test_admin_index_lists_the_access_attempts(login, staff_admin):
    body = login(staff_admin).get(reverse("admin:index")).content.decode()

    assert reverse("admin:axes_accessattempt_changelist") in body


def test_password_validators_are_on(observer):
    names = [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    for weak in ("short", "password1234", "12345678901234", observer.username + "1"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=observer)
    validate_password("a-long-unusual-passphrase-7", user=observer)


def test_logout_is_post_only(login, observer):
    client = login(observer)

    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_session_idle_limit_is_eight_hours_renewed_at_most_once_a_minute():
    assert settings.SESSION_IDLE_SECONDS == 8 * 3600
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS
    assert settings.SESSION_RENEW_SECONDS == 60
    # Renewal is SessionRenewalMiddleware's job, so that reading a page writes nothing.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def _session_writes(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_reading_pages_renews_the_session_once_a_minute_and_writes_nothing_between(observer):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        client.force_login(observer)  # a new session, expiring 8 hours from now
    assert _expiry(client) == start + datetime.timedelta(hours=8)

    with (
        time_machine.travel(start + datetime.timedelta(seconds=59), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert _session_writes(queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the cookie keeps its expiry
    assert _expiry(client) == start + datetime.timedelta(hours=8)

    later = start + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert len(_session_writes(queries)) == 1
    assert _expiry(client) == later + datetime.timedelta(hours=8)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600


def test_an_anonymous_visit_creates_no_session(db):
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("login")).status_code == 200
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not any("django_session" in q["sql"] for q in queries)


def test_session_expires_after_eight_idle_hours(observer):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        client.force_login(observer)
        assert client.get(reverse("dashboard")).status_code == 200
    # Activity renews the session: seven idle hours, a request, seven more hours; then eight
    # idle hours and a minute end it.
    with time_machine.travel(start + datetime.timedelta(hours=7), tick=False):
        assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=14), tick=False):
        assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=22, minutes=1), tick=False):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_session_the_view_changed_counts_as_renewed(db):
    """SessionMiddleware saves a changed session with a fresh expiry anyway: the renewal
    mark goes with it, so the next minute's requests write nothing."""
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    store = SessionStore()
    store["something"] = "kept"
    store[RENEWED_AT_KEY] = int(start.timestamp()) - 10  # renewed ten seconds ago: not due
    store.save()
    store = SessionStore(session_key=store.session_key)

    def view(request):
        request.session["chosen"] = "by the view"
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.session = store
    with time_machine.travel(start, tick=False):
        SessionRenewalMiddleware(view)(request)
    assert store.modified
    assert store[RENEWED_AT_KEY] == int(start.timestamp())
