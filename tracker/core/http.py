"""How views answer htmx: the whole page, or only the region an htmx request swaps.

Every view that sends a region alone to an htmx GET goes through `render_page_or_partial`:

    return render_page_or_partial(request, "monitoring/check_list.html", context)

renders ``check_list.html#results`` for a filter change, a sort or a page link, and the
whole ``check_list.html`` for everything else, and says so in ``Vary``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

# The headers the choice between page and partial reads: a cache (the browser's included)
# must not answer one of them with the other's response.
HTMX_VARY = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


class HtmxHttpRequest(HttpRequest):
    """The request type of views: django-htmx's middleware adds `request.htmx`."""

    htmx: HtmxDetails


def wants_partial(request: HtmxHttpRequest) -> bool:
    """Whether to send only the swapped region: for htmx's own requests, and not all of them.

    A boosted link swaps the whole body, and a history restore (Back, once htmx's history
    cache no longer holds the page) puts the answer in place of the whole body: both need
    the whole page, or the header, the navigation and the filters vanish.
    """
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_partial(
    request: HtmxHttpRequest,
    template: str,
    context: dict,
    *,
    partial: str = "results",
    status: int = 200,
) -> HttpResponse:
    """`template`, or its `{% partialdef %}` `partial` when `wants_partial(request)`.

    `partial` names a partial of `template`; a name with a ``#`` ("other.html#name") is a
    partial of another template. The response varies on the headers the choice reads.
    """
    name = template
    if wants_partial(request):
        name = partial if "#" in partial else f"{template}#{partial}"
    response = render(request, name, context, status=status)
    patch_vary_headers(response, HTMX_VARY)
    return response
