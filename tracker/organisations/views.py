"""The organisations directory: the list, each organisation's page, adding and editing.

Every role reads the directory; staff admins and co-chairs add and edit organisations (the
rules are in tracker.accounts.permissions). The directory is not scoped to an agreement:
organisations span agreements, and an organisation's page lists the milestones it leads in
every one of them, each with its agreement.

Answers: a form with bad input 400 (the page, or with htmx the form alone, with each message
beside its field and the input kept); a refused permission 403; an edit based on a version
someone else has since saved 409, with the current values shown and the input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from tracker.accounts.access import viewer_required
from tracker.accounts.models import User
from tracker.accounts.organisations import (
    OrganisationChanged,
    create_organisation,
    update_organisation,
)
from tracker.accounts.permissions import (
    can_create_organisation,
    can_edit_organisation,
    can_see_contact_details,
    can_view,
)
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.models import Organisation
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers
from tracker.milestones.models import Milestone
from tracker.organisations.filters import OrganisationFilter
from tracker.organisations.forms import EditOrganisationForm, OrganisationForm
from tracker.organisations.queries import (
    led_milestones,
    members,
    organisation_history,
    with_counts,
)

# The milestones an organisation's page shows at a time; the rest are a page link away.
MILESTONES_PER_PAGE = 20
FORM_TEMPLATE = "organisations/organisation_form.html"


@require_GET
@viewer_required
def organisation_list(request: HtmxHttpRequest) -> HttpResponse:
    organisation_filter = OrganisationFilter(
        request.GET, queryset=with_counts(Organisation.objects.all()), request=request
    )
    context = {
        "filter": organisation_filter,
        "page": paginate(request, organisation_filter.qs),
        "headers": sort_headers(organisation_filter),
    }
    return render_page_or_partial(request, "organisations/organisation_list.html", context)


def get_organisation_for_user(user: User, pk: int) -> Organisation:
    """The organisation, for a user who may read the directory: 403 for anyone else, 404
    when it is missing. Every role reads every organisation."""
    if not can_view(user):
        raise PermissionDenied
    return get_object_or_404(Organisation, pk=pk)


@require_GET
@viewer_required
def organisation_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    milestones = led_milestones(organisation)
    page = paginate(request, milestones, MILESTONES_PER_PAGE)
    context = {
        "organisation": organisation,
        "page": page,
        # The agreement column only where it tells the rows apart.
        "several_agreements": _spans_agreements(milestones),
        "people": members(organisation),
        "show_contact": can_see_contact_details(request.user),
        "history": organisation_history(organisation),
    }
    return render_page_or_partial(
        request, "organisations/organisation_detail.html", context, partial="milestones"
    )


def _spans_agreements(milestones: QuerySet[Milestone]) -> bool:
    return milestones.order_by().values("provision__agreement").distinct()[:2].count() > 1


def _form_response(request: HtmxHttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    """The form's page; htmx (the form posting itself) gets the form alone."""
    return render_page_or_partial(request, FORM_TEMPLATE, context, partial="form", status=status)


def _saved(request: HtmxHttpRequest, organisation: Organisation, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("organisations:detail", args=[organisation.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_http_methods(["GET", "POST"])
@viewer_required
def organisation_create(request: HtmxHttpRequest) -> HttpResponse:
    if not can_create_organisation(request.user):
        raise PermissionDenied
    if request.method == "GET":
        form = OrganisationForm(user=request.user)
        return _form_response(request, {"form": form})
    form = OrganisationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            organisation = create_organisation(
                request.user, form.cleaned_data, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, organisation, _("Organisation added to the directory."))
    return _form_response(request, {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
@viewer_required
def organisation_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    if request.method == "GET":
        form = EditOrganisationForm(user=request.user, instance=organisation)
        return _form_response(request, {"form": form, "organisation": organisation})
    form = EditOrganisationForm(request.POST, user=request.user, instance=organisation)
    context = {"form": form, "organisation": organisation}
    if form.is_valid():
        try:
            organisation = update_organisation(
                request.user,
                organisation,
                form.cleaned_data,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except OrganisationChanged as changed:
            # Keep what was typed, but on the current version: saving again is a deliberate
            # choice to replace what the other person saved.
            data = request.POST.copy()
            data["version"] = str(changed.current.version)
            form = EditOrganisationForm(data, user=request.user, instance=changed.current)
            context = {
                "form": form,
                "organisation": changed.current,
                "conflict": changed.current.history.select_related("history_user").first(),
            }
            return _form_response(request, context, status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, organisation, _("Organisation updated."))
    return _form_response(request, context, status=400)
