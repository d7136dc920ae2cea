"""The language a person works in follows them from browser to browser.

Django's LocaleMiddleware picks the language from the language cookie, then the browser's
Accept-Language. This middleware, placed after it (and after authentication), adds the
language stored on the user:

- At log-in the stored language applies and is written to the language cookie, so the whole
  session (and the log-in page after log-out) speaks it. If the person chose a language on
  the log-in page itself, that newer choice is stored on the user instead
  (see ``tracker.accounts.views.set_language``).
- A logged-in request without a language cookie (a session that outlived the cookie, a
  client that dropped it) uses the stored language and sets the cookie again.
- Otherwise the cookie wins: it is this browser's explicit choice, and set_language stores
  every such choice on the user as well.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from tracker.accounts.two_factor import is_required

# Set by set_language when someone chooses a language before logging in; log-in keeps the
# session's data, so the choice reaches the log-in request and is saved on the user.
CHOICE_BEFORE_LOGIN_KEY = "tracker_language_before_login"


def supported(language: str | None) -> bool:
    return bool(language) and language in dict(settings.LANGUAGES)


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The same cookie Django's set_language writes."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_of_pending(request: HttpRequest, user) -> str:
    """The language of a person between their password and their code: the one chosen on the
    log-in page, else their stored one (language_at_login makes it theirs once they are in)."""
    chosen = request.session.get(CHOICE_BEFORE_LOGIN_KEY)
    if supported(chosen):
        return chosen
    return user.language if supported(user.language) else translation.get_language()


def language_at_login(request: HttpRequest, user) -> str:
    """The stored language, unless the person chose another one on the log-in page."""
    chosen = request.session.pop(CHOICE_BEFORE_LOGIN_KEY, None)
    if supported(chosen) and chosen != user.language:
        user.language = chosen
        user.save(update_fields=["language"])
    return user.language


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        was_authenticated = user.is_authenticated
        applied = None
        if (
            was_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and supported(user.language)
        ):
            applied = user.language
            translation.activate(applied)
            request.LANGUAGE_CODE = applied

        response = self.get_response(request)

        # django.contrib.auth.login() replaces request.user during the request.
        user = request.user
        if not was_authenticated and user.is_authenticated:
            language = language_at_login(request, user)
            if supported(language):
                set_language_cookie(response, language)
        elif (
            applied
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies  # set_language's choice
        ):
            set_language_cookie(response, applied)
        return response


# When the session was last saved with a fresh expiry (seconds since the epoch).
RENEWED_AT_KEY = "tracker_session_renewed_at"


def mark_session_renewed(sender, request: HttpRequest, user, **kwargs) -> None:
    """Logging in saves a new session with a fresh expiry: no renewal is due for a while."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT_KEY] = int(time.time())


class SessionRenewalMiddleware:
    """Sliding idle expiry without a database write on every request.

    Saving the session on each request (SESSION_SAVE_EVERY_REQUEST) would make every page view
    a write, and on SQLite take the write lock for it. Instead a session is saved again, with
    a new expiry of SESSION_COOKIE_AGE, once SESSION_RENEW_SECONDS have passed since its last
    save. A person is therefore logged out between SESSION_COOKIE_AGE minus
    SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after their last request (7 h 59 min to
    8 h by default).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session that exists: none for visitors who never logged in, none for one
        # logging out (flushed, so empty). A session the view changed is saved anyway, with
        # a fresh expiry, so it counts as renewed too.
        if session is not None and not session.is_empty():
            now = int(time.time())
            due = now - session.get(RENEWED_AT_KEY, 0) >= settings.SESSION_RENEW_SECONDS
            if due or session.modified:
                session[RENEWED_AT_KEY] = now  # marks it modified: SessionMiddleware saves it
        return response


# What a session that owes its enrolment may still reach. Static files never get here
# (WhiteNoise, or runserver's static handler, answers them first).
OPEN_BEFORE_ENROLMENT = frozenset({"two_factor_setup", "logout", "set_language", "healthz"})


class TwoFactorMiddleware:
    """A person whose role must sign in with a second factor (settings.MFA_REQUIRED_ROLES)
    and whose session has not passed one is sent to enrol before anything else.

    Such a session has no authenticator behind it: log-in asks for the code whenever there
    is one, and adding one ends the account's other sessions (tracker.accounts.two_factor).
    So this needs no query: the role is on the user, and OTPMiddleware (before this one)
    knows whether the session was verified.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or not is_required(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_ENROLMENT:
            return None
        url = reverse("two_factor_setup")
        if request.method == "GET" and not getattr(request, "htmx", False):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)


class PrivateCacheMiddleware:
    """Every answer to a logged-in person is ``Cache-Control: private, no-store``.

    Pages, htmx fragments, report downloads and evidence all hold the agreement's records as
    one person may see them: no shared cache may keep them, and neither may the browser's
    disk cache (a shared computer, "Back" after logging out). Placed after authentication, it
    covers everything answered inside it: views, refusals, errors and redirects. Answers to
    visitors who are not logged in (the log-in page, static files) keep their own headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
