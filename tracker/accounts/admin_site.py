"""The Django admin's site: only for staff whose session passed the second factor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tracker.accounts.two_factor import has_authenticator


class TrackerAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # OTPMiddleware gives every request's user is_verified(): this session passed a
        # second factor (at log-in, or by enrolling in it).
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """The admin has no log-in form of its own: a password alone would open it. Everyone
        logs in through the tracker's log-in, and a session without a second factor is sent
        to set one up."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        query = urlencode({"next": next_url})
        if not request.user.is_verified() and has_authenticator(request.user):
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        if not request.user.is_verified():
            messages.info(
                request,
                _("The admin opens only after two-factor sign-in. Set it up here first."),
            )
            return redirect(f"{reverse('two_factor_setup')}?{query}")
        raise PermissionDenied
