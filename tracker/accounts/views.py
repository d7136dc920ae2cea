"""A person's own account: log-in and its second step, password change and reset, two-factor
sign-in, the invitation link, and the language switch.

The password pages are Django's own views (django.contrib.auth.views) with the tracker's
templates; the reset adds a rate limit and writes in the person's language.
"""

from __future__ import annotations

import datetime
import smtplib
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from tracker.accounts import emails, ratelimit, services, two_factor
from tracker.accounts.access import client_ip
from tracker.accounts.forms import (
    CodeForm,
    EnrolForm,
    PasswordConfirmForm,
    TrackerPasswordChangeForm,
    TrackerPasswordResetForm,
    TrackerSetPasswordForm,
)
from tracker.accounts.middleware import CHOICE_BEFORE_LOGIN_KEY, language_of_pending, supported
from tracker.accounts.models import Invitation
from tracker.core.http import HtmxHttpRequest

# What an email that could not go out leaves: nothing (the transaction is rolled back).
MAIL_ERRORS = (smtplib.SMTPException, OSError)


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


def _safe_next(request: HttpRequest) -> str:
    url = request.POST.get("next", request.GET.get("next", ""))
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


# --- Log-in ------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's log-in. Someone with an authenticator app is not logged in by the password
    alone: the session remembers them for the code page (tracker.accounts.two_factor)."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_authenticator(user):
            return super().form_valid(form)
        # A new session key, as log-in itself would give: a session planted before cannot
        # finish this log-in.
        self.request.session.cycle_key()
        two_factor.start_pending(self.request, user, self.get_success_url())
        return redirect("two_factor_verify")


def _owes_code(user) -> bool:
    """Logged in, not verified, with an app: only a session from before its enrolment (in
    tests, force_login) — the admin sends such a session here to step up."""
    return user.is_authenticated and not user.is_verified() and two_factor.has_authenticator(user)


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
def two_factor_verify(request: HtmxHttpRequest) -> HttpResponse:
    user = two_factor.pending_user(request)
    logging_in = user is not None
    if user is None and _owes_code(request.user):
        user = request.user
    if user is None:
        if two_factor.has_pending(request):
            two_factor.end_pending(request)
            messages.info(request, _("The code did not come in time. Log in again."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            credentials = {"username": user.get_username()}
            device = None
            # While locked out, even the right code is refused, as the right password is.
            if AxesProxyHandler.is_allowed(request, credentials):
                device = two_factor.verify_code(user, form.cleaned_data["code"])
            if device is not None:
                return _verified(request, user, device, logging_in)
            two_factor.report_failure(request, user)
            if getattr(request, "axes_locked_out", False):
                # AxesMiddleware answers with the lock-out page; afterwards, the password
                # comes first again.
                if logging_in:
                    two_factor.end_pending(request)
                else:
                    logout(request)
            form.add_error(
                "code",
                _("That code is not right. Type the code the app shows now, or a recovery code."),
            )
    context = {"form": form, "person": user, "next": _safe_next(request)}
    if not logging_in:
        return render(request, "accounts/two_factor_verify.html", context, status=status)
    # The password told who this is: the code is asked in their language.
    with translation.override(language_of_pending(request, user)):
        return render(request, "accounts/two_factor_verify.html", context, status=status)


def _verified(request: HttpRequest, user, device, logging_in: bool) -> HttpResponse:
    if logging_in:
        next_url = two_factor.pending_next(request)
        two_factor.end_pending(request)
        # django_otp marks the session verified by this device when it sees the login.
        user.otp_device = device
        auth_login(request, user, backend=user.backend)
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    django_otp.login(request, device)
    return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)


# --- Password change and reset -----------------------------------------------------------


# Django's form views take PUT as a POST; these pages answer only GET and POST.
FORM_METHODS = ["get", "post", "head", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's; changing the password ends the account's other sessions (the session hash
    changes), and this one stays logged in."""

    http_method_names = FORM_METHODS
    form_class = TrackerPasswordChangeForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's: the link from the email, once, within PASSWORD_RESET_TIMEOUT."""

    http_method_names = FORM_METHODS
    form_class = TrackerSetPasswordForm


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email: the same answer whether or not the address belongs to
    someone, in the language that person chose, and rate-limited per address and per client
    address (counted whether or not the address is known, so the limit tells nothing)."""

    http_method_names = FORM_METHODS
    form_class = TrackerPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    per_address = 3
    per_client = 20
    window = datetime.timedelta(hours=1)

    def form_valid(self, form):
        allowed = ratelimit.allow(
            ratelimit.Limit(
                "password-reset-client", client_ip(self.request), self.per_client, self.window
            ),
            ratelimit.Limit(
                "password-reset-address",
                form.cleaned_data["email"].strip().lower(),
                self.per_address,
                self.window,
            ),
        )
        if not allowed:
            return render(self.request, "accounts/too_many_requests.html", status=429)
        return super().form_valid(form)


# --- Two-factor sign-in -------------------------------------------------------------------


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
@sensitive_post_parameters("code", "password")
def two_factor_setup(request: HtmxHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: a QR code and the secret for typing by hand; the first code
    from the app confirms it. Setting it up again (a new phone) asks for the password."""
    user = request.user
    replacing = two_factor.has_authenticator(user)
    key = two_factor.enrolment_key(request)
    form = EnrolForm(request.POST or None, user=user, ask_password=replacing)
    next_url = _safe_next(request)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                enrolment = services.enrol_two_factor(user, key, form.cleaned_data["code"])
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field, problem)
            else:
                request.session.pop(two_factor.ENROL_KEY, None)
                # Adding the app changed the account's stamp: this session stays, the others end.
                user.refresh_from_db(fields=["security_stamp"])
                update_session_auth_hash(request, user)
                django_otp.login(request, enrolment.device)
                request.session[two_factor.NEW_CODES_KEY] = enrolment.recovery_codes
                messages.success(request, _("Two-factor sign-in is on."))
                return redirect(_with_next(reverse("two_factor_recovery_codes"), next_url))
    device = two_factor.unsaved_device(user, key)
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_manual_entry(key),
        "replacing": replacing,
        "required": two_factor.is_required(user),
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
@sensitive_post_parameters("codes-password")
def two_factor_recovery_codes(request: HtmxHttpRequest) -> HttpResponse:
    """New recovery codes are shown here once, right after they are made; a new set (asked
    for with the password) replaces the old one."""
    user = request.user
    if request.method == "POST":
        form = PasswordConfirmForm(request.POST, user=user, prefix="codes")
        if not two_factor.has_authenticator(user):
            return redirect("account")
        if form.is_valid():
            request.session[two_factor.NEW_CODES_KEY] = services.renew_recovery_codes(user)
            messages.success(request, _("New recovery codes made: the old ones no longer work."))
            return redirect("two_factor_recovery_codes")
        return _account_page(request, codes_form=form, status=400)
    codes = request.session.pop(two_factor.NEW_CODES_KEY, None)
    context = {
        "codes": [two_factor.show_recovery_code(code) for code in codes or ()],
        "left": two_factor.recovery_codes_left(user),
        "continue_url": _safe_next(request) or reverse("account"),
    }
    return render(request, "accounts/two_factor_recovery_codes.html", context)


@require_POST
@login_required
@sensitive_post_parameters("disable-password")
def two_factor_disable(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordConfirmForm(request.POST, user=user, prefix="disable")
    if not form.is_valid():
        return _account_page(request, disable_form=form, status=400)
    try:
        services.disable_two_factor(user)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _account_page(request, disable_form=form, status=400)
    user.refresh_from_db(fields=["security_stamp"])
    update_session_auth_hash(request, user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("account")


def _account_page(
    request: HttpRequest,
    *,
    codes_form: PasswordConfirmForm | None = None,
    disable_form: PasswordConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = {
        "has_app": two_factor.has_authenticator(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "required": two_factor.is_required(user),
        "codes_form": codes_form or PasswordConfirmForm(user=user, prefix="codes"),
        "disable_form": disable_form or PasswordConfirmForm(user=user, prefix="disable"),
    }
    return render(request, "accounts/account.html", context, status=status)


@require_GET
@login_required
def account(request: HtmxHttpRequest) -> HttpResponse:
    """Who one is in the tracker, and the way in: password and two-factor sign-in."""
    return _account_page(request)


# --- Invitations ---------------------------------------------------------------------------


def _invitation_page(
    request: HttpRequest, invitation: Invitation | None, state: str, **extra
) -> HttpResponse:
    context = {"invitation": invitation, "state": state, **extra}
    status = {"unknown": 404, "open": 200, "sent": 200}.get(state, 410)
    return render(request, "accounts/invitation.html", context, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password through an invitation link: once, within 72 hours. A closed link
    says why, and an expired one offers a new link to the address on file."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return _invitation_page(request, None, "unknown")
    state = invitation.state
    if state == Invitation.State.OPEN and not services.is_pending(invitation.person):
        state = Invitation.State.WITHDRAWN
    if state != Invitation.State.OPEN:
        return _invitation_page(request, invitation, state)
    form = TrackerSetPasswordForm(invitation.person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.accept_invitation(invitation, form.cleaned_data["new_password1"])
        except services.InvitationClosed as closed:
            return _invitation_page(request, closed.invitation, closed.state)
        messages.success(
            request,
            _("Your password is set. Log in with your username, %(username)s.")
            % {"username": person.username},
        )
        return redirect("login")
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "state": state, "form": form},
        status=status,
    )


@require_POST
def invitation_new_link(request: HttpRequest, token: str) -> HttpResponse:
    """An expired link asks for a new one, sent to the address on file (once per link)."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return _invitation_page(request, None, "unknown")
    try:
        with transaction.atomic():
            link = services.request_new_link(invitation)
            if link is not None:
                emails.send_invitation(request, link)
    except MAIL_ERRORS:
        return _invitation_page(request, invitation, invitation.state, mail_failed=True)
    if link is None:
        invitation.refresh_from_db()
        if invitation.state == Invitation.State.OPEN:
            # Still open: the link itself is the way in.
            return redirect("invitation_accept", token)
        return _invitation_page(request, invitation, invitation.state)
    return _invitation_page(request, invitation, "sent")
