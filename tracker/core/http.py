"""How views answer htmx: the whole page, or only the region an htmx request swaps.

Every view that sends a region alone to an htmx GET goes through `render_page_or_partial`:

    return render_page_or_partial(request, "monitoring/check_list.html", context)

renders ``check_list.html#results`` for a filter change, a sort or a page link, and the
whole ``check_list.html`` for everything else, and says so in ``Vary``. With several
agreements, the region comes with the header's agreement switcher out of band, so the
switcher keeps the filters the swap put in the address bar (tracker.core.workspace).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
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
    partial_only = wants_partial(request)
    if partial_only:
        name = partial if "#" in partial else f"{template}#{partial}"
    response = render(request, name, context, status=status)
    if partial_only and _swaps_own_page(request):
        response.content += render_to_string(
            "partials/workspace_switch.html", {"workspace": request.workspace, "oob": True}, request
        ).encode(response.charset)
    patch_vary_headers(response, HTMX_VARY)
    return response


def _swaps_own_page(request: HtmxHttpRequest) -> bool:
    """Whether a partial answers a swap on the page of its own URL (a list's filters), whose
    header switcher then follows the new filters; with several agreements only."""
    workspace = getattr(request, "workspace", None)  # tracker.core.workspace
    if workspace is None or not workspace.several:
        return False
    here = request.htmx.current_url_abs_path or ""
    return here.split("?", 1)[0] == request.path
