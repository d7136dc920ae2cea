from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from tracker.accounts.middleware import CHOICE_BEFORE_LOGIN_KEY, supported


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, then back to `next`), and the choice remembered.

    A logged-in person's choice is stored on the user, so it follows them to another browser
    at the next log-in. A choice made before logging in is kept in the session and stored on
    the user at log-in (tracker.accounts.middleware).
    """
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if not supported(language):
        # Django accepts any language it has a catalogue for; this site speaks only LANGUAGES.
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        return response
    if request.user.is_authenticated:
        if request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    else:
        request.session[CHOICE_BEFORE_LOGIN_KEY] = language
    return response
