from django.utils import translation


class UserLanguageMiddleware:
    """Applies the language stored on the user unless this session chose one explicitly.

    Django's set_language stores the choice in a cookie; the view in accounts saves it on the
    user too, so the same choice follows the person to another browser at the next log-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            from django.conf import settings

            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return self.get_response(request)
