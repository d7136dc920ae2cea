"""The inbox, marking read, the preferences and (for staff admins) the e-mail deliveries.

Answers of the POST views: a plain POST is redirected to the page it came from (`next`); an
htmx POST gets the region it changed, with the header's unread count and the messages out of
band. A notification is only ever shown to, and marked by, its recipient: anyone else's gets
404, as if it did not exist.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts.access import viewer_required
from tracker.accounts.models import User
from tracker.accounts.permissions import (
    can_manage_email_deliveries,
    can_read_notifications,
    can_set_notification_preferences,
)
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers
from tracker.notifications import services
from tracker.notifications.filters import DeliveryFilter, NotificationFilter
from tracker.notifications.forms import PreferencesForm
from tracker.notifications.models import Kind, Notification, OutgoingEmail
from tracker.notifications.preferences import Preferences
from tracker.notifications.queries import deliveries, inbox
from tracker.notifications.text import wording

INBOX = "notifications/inbox.html"
DELIVERIES = "notifications/deliveries.html"


def get_notification_for_user(user: User, pk: int) -> Notification:
    """One of the person's own notifications: 403 without the right, 404 for anyone else's."""
    if not can_read_notifications(user):
        raise PermissionDenied
    return get_object_or_404(inbox(user), pk=pk)


def _next(request: HtmxHttpRequest, default: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _rows(notifications) -> list[tuple[Notification, object]]:
    return [(notification, wording(notification)) for notification in notifications]


def _inbox_context(request: HtmxHttpRequest, query: QueryDict, path: str) -> dict:
    listed = NotificationFilter(query, queryset=inbox(request.user), request=request)
    page = paginate(request, listed.qs)
    return {
        "filter": listed,
        "page": page,
        "rows": _rows(page.object_list),
        "headers": sort_headers(listed),
        "here": path,
    }


@require_GET
@viewer_required
def inbox_page(request: HtmxHttpRequest) -> HttpResponse:
    context = _inbox_context(request, request.GET, request.get_full_path())
    return render_page_or_partial(request, INBOX, context)


@require_POST
@viewer_required
def mark_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    services.mark_read(request.user, notification)
    if not request.htmx:
        return redirect(_next(request, reverse("notifications:inbox")))
    notification = get_notification_for_user(request.user, pk)
    context = {"row": (notification, wording(notification)), "here": _next(request, "")}
    return render(request, f"{INBOX}#row_response", context)


@require_POST
@viewer_required
def mark_all_read(request: HtmxHttpRequest) -> HttpResponse:
    if not can_read_notifications(request.user):
        raise PermissionDenied
    count = services.mark_all_read(request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    back = _next(request, reverse("notifications:inbox"))
    if not request.htmx:
        return redirect(back)
    # The list as the page showed it (its filters, sort and page), now read.
    parts = urlsplit(back)
    context = _inbox_context(request, QueryDict(parts.query), back)
    return render(request, f"{INBOX}#results_response", context)


@require_http_methods(["GET", "POST"])
@viewer_required
def preferences(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if not can_set_notification_preferences(user):
        raise PermissionDenied
    chosen = Preferences([user])
    current = {kind: chosen.of(user.pk, kind) for kind in Kind.values}
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST, current=current)
        if form.is_valid():
            services.save_preferences(user, form.choices())
            messages.success(request, _("Your notification settings are saved."))
            if not request.htmx:
                return redirect("notifications:settings")
            form = PreferencesForm(current=form.choices())
        else:
            status = 400
    else:
        form = PreferencesForm(current=current)
    return render_page_or_partial(
        request,
        "notifications/preferences.html",
        {"form": form},
        partial="preferences_response" if request.method == "POST" else "preferences_form",
        status=status,
    )


def _deliveries_allowed(user: User) -> None:
    if not can_manage_email_deliveries(user):
        raise PermissionDenied


@require_GET
@viewer_required
def delivery_list(request: HtmxHttpRequest) -> HttpResponse:
    _deliveries_allowed(request.user)
    listed = DeliveryFilter(request.GET, queryset=deliveries(), request=request)
    context = {
        "filter": listed,
        "page": paginate(request, listed.qs),
        "headers": sort_headers(listed),
        "here": request.get_full_path(),
    }
    return render_page_or_partial(request, DELIVERIES, context)


@require_POST
@viewer_required
def delivery_retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    _deliveries_allowed(request.user)
    email = get_object_or_404(OutgoingEmail, pk=pk)
    if services.retry_email(request.user, email):
        messages.success(request, _("The e-mail is queued to be sent again."))
    else:
        messages.error(request, _("This e-mail is not failed or stuck: nothing to retry."))
    if not request.htmx:
        return redirect(_next(request, reverse("notifications:deliveries")))
    context = {"email": get_object_or_404(deliveries(), pk=pk), "here": _next(request, "")}
    return render(request, f"{DELIVERIES}#row_response", context)
