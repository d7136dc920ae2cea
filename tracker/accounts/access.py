"""View access: log-in plus a role (so a user with no role meets only the no-access page),
and the client address that log-in lockout counts by."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.accounts.permissions import can_view


def viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_view(request.user):
            return render(request, "accounts/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def client_ip(request: HttpRequest) -> str:
    """The address log-in lockout counts by.

    Directly exposed, it is the peer address. Behind ``TRUSTED_PROXY_COUNT`` proxies, each of
    which appends the address it saw to X-Forwarded-For, it is that many entries from the
    right: entries further left are whatever the client chose to send, so they are ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
