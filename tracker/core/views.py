from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.core.forms import VisibilityForm
from tracker.core.models import Visibility


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 with an empty body when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(status=503, content_type="text/plain")
    return HttpResponse(status=200, content_type="text/plain")


def visibility_page(
    request: HttpRequest,
    *,
    record: Any,
    what: str,
    back_url: str,
    change: Callable[[str, str], bool],
) -> HttpResponse:
    """The page that changes who may read one record (GET the form, POST the change).

    The domain app's view has already fetched the record as the person may see it and
    checked that they may change it; ``change(visibility, reason)`` is its service. Bad input
    answers 400 with the form as typed; a change (or none needed) leads back to ``back_url``.
    """
    if request.method == "POST":
        form = VisibilityForm(request.POST)
        if form.is_valid():
            try:
                changed = change(form.cleaned_data["visibility"], form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if changed:
                    messages.success(
                        request,
                        _("Who may read it is now: %(visibility)s.")
                        % {"visibility": Visibility(form.cleaned_data["visibility"]).label},
                    )
                return redirect(back_url)
        status = 400
    else:
        form = VisibilityForm(initial={"visibility": record.visibility})
        status = 200
    context = {"form": form, "record": record, "what": what, "back_url": back_url}
    return render(request, "core/visibility.html", context, status=status)
