"""View decorators: log-in plus a role, so a user with no role meets only the no-access page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

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
