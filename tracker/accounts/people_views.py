"""The people pages: the list, a person's page, invitations, role changes, deactivation.

Staff admins manage everyone; co-chairs see their own party's people, read-only. Every
change goes through tracker.accounts.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts import emails, services
from tracker.accounts.access import viewer_required
from tracker.accounts.filters import PersonFilter
from tracker.accounts.forms import InviteForm, ReasonForm, RoleForm
from tracker.accounts.models import User
from tracker.accounts.permissions import can_invite_people, can_manage_person, can_view_people
from tracker.accounts.queries import (
    invitations_of,
    people_visible_to,
    person_history,
    with_row_details,
)
from tracker.accounts.views import MAIL_ERRORS
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers


def get_person_for_user(user: User, pk: int) -> User:
    """The person, for someone who may see them: 403 for who may not open the people page,
    404 for a person outside what they see (another party's, for a co-chair) or missing."""
    if not can_view_people(user):
        raise PermissionDenied
    return get_object_or_404(with_row_details(people_visible_to(user)), pk=pk)


@require_GET
@viewer_required
def people_list(request: HtmxHttpRequest) -> HttpResponse:
    if not can_view_people(request.user):
        raise PermissionDenied
    people = with_row_details(people_visible_to(request.user))
    person_filter = PersonFilter(request.GET, queryset=people, request=request)
    context = {
        "filter": person_filter,
        "page": paginate(request, person_filter.qs),
        "headers": sort_headers(person_filter),
    }
    return render_page_or_partial(request, "accounts/people_list.html", context)


@require_http_methods(["GET", "POST"])
@viewer_required
def person_invite(request: HtmxHttpRequest) -> HttpResponse:
    """A new account and an email with the link to choose a password. If the email cannot
    go out, nothing is saved, and the form says so."""
    if not can_invite_people(request.user):
        raise PermissionDenied
    form = InviteForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    link = services.invite_person(request.user, **form.cleaned_data)
                    emails.send_invitation(request, link)
            except ValidationError as error:
                _add_errors(form, error)
            except MAIL_ERRORS:
                form.add_error(None, _mail_failed())
            else:
                person = link.invitation.person
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": link.invitation.email},
                )
                return redirect("people:detail", person.pk)
    return render(request, "accounts/person_invite.html", {"form": form}, status=status)


def _mail_failed() -> str:
    return _(
        "The email could not be sent, so nothing was saved. Try again later; if it keeps "
        "failing, the mail settings need a look."
    )


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            target = field if field in form.fields else None
            for problem in problems:
                form.add_error(target, problem)
    else:
        form.add_error(None, error.messages)


# The removal form shares the page with the deactivation form: its fields get their own ids.
TWO_FACTOR_PREFIX = "two-factor"


def _detail_context(
    request: HtmxHttpRequest,
    person: User,
    *,
    role_form: RoleForm | None = None,
    reason_form: ReasonForm | None = None,
    two_factor_form: ReasonForm | None = None,
) -> dict[str, Any]:
    return {
        "person": person,
        "may_manage": can_manage_person(request.user, person),
        "pending": services.is_pending(person),
        "history": person_history(person),
        "invitations": invitations_of(person),
        "role_form": role_form or RoleForm(person=person),
        "reason_form": reason_form or ReasonForm(person=person),
        "two_factor_form": two_factor_form or ReasonForm(person=person, prefix=TWO_FACTOR_PREFIX),
        "role_open": role_form is not None,
        "reason_open": reason_form is not None,
        "two_factor_open": two_factor_form is not None,
    }


def _person_response(
    request: HtmxHttpRequest, person: User, status: int = 200, **forms: Any
) -> HttpResponse:
    template = "accounts/person_detail.html"
    if request.htmx:
        template += "#person_response"
    return render(request, template, _detail_context(request, person, **forms), status=status)


@require_GET
@viewer_required
def person_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    return render(request, "accounts/person_detail.html", _detail_context(request, person))


def _changed_meanwhile(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    messages.error(
        request,
        _(
            "Someone changed this person while you were looking: nothing was saved. The page "
            "now shows the current values; make your change again if it still applies."
        ),
    )
    return _person_response(request, get_person_for_user(request.user, pk), 409)


def _saved(request: HtmxHttpRequest, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    if not request.htmx:
        return redirect("people:detail", pk)
    return _person_response(request, get_person_for_user(request.user, pk))


@require_POST
@viewer_required
def person_change_role(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if not can_manage_person(request.user, person):
        raise PermissionDenied
    form = RoleForm(request.POST, person=person)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_role(
                request.user,
                person,
                role=data["role"],
                party=data["party"],
                organisation=data["organisation"],
                reason=data["reason"],
                expected=form.expected(),
            )
        except services.StalePerson:
            return _changed_meanwhile(request, pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _saved(request, pk, _("Role, party and organisation saved."))
    return _person_response(request, person, 400, role_form=form)


def _reason_action(
    request: HtmxHttpRequest, pk: int, action, done: str, prefix: str | None = None
) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if not can_manage_person(request.user, person):
        raise PermissionDenied
    form = ReasonForm(request.POST, person=person, prefix=prefix)
    if form.is_valid():
        try:
            action(
                request.user, person, reason=form.cleaned_data["reason"], expected=form.expected()
            )
        except services.StalePerson:
            return _changed_meanwhile(request, pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _saved(request, pk, done)
    if prefix == TWO_FACTOR_PREFIX:
        return _person_response(request, person, 400, two_factor_form=form)
    return _person_response(request, person, 400, reason_form=form)


@require_POST
@viewer_required
def person_deactivate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _reason_action(request, pk, services.deactivate_person, _("Deactivated."))


@require_POST
@viewer_required
def person_reactivate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _reason_action(request, pk, services.reactivate_person, _("Reactivated."))


@require_POST
@viewer_required
def person_remove_two_factor(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        services.remove_two_factor,
        _("Authenticator app and recovery codes removed."),
        prefix=TWO_FACTOR_PREFIX,
    )


@require_POST
@viewer_required
def person_resend_invitation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if not can_manage_person(request.user, person):
        raise PermissionDenied
    try:
        with transaction.atomic():
            link = services.resend_invitation(request.user, person)
            emails.send_invitation(request, link)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_response(request, person, 400)
    except MAIL_ERRORS:
        messages.error(request, _mail_failed())
        # 400 rather than a 5xx: htmx swaps it in (base.html's responseHandling), so the
        # message shows.
        return _person_response(request, person, 400)
    return _saved(
        request,
        pk,
        _("A new invitation link was sent to %(email)s; earlier links no longer work.")
        % {"email": link.invitation.email},
    )
