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

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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
