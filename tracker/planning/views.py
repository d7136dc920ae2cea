"""Planning pages under /agreements/: agreements, their provisions and milestones, the import.

Every role reads the planning lists; the forms answer 403 to anyone their predicate refuses
(tracker/accounts/permissions.py), for GET and POST alike, and change nothing.

Answers of the forms: a valid plain POST redirects to the page of what was saved, a valid
htmx POST answers with HX-Redirect to it; invalid input answers 400 with the form, the
person's input and each message beside its field (htmx gets only the form's region); a save
based on a stale page answers 409 with the current values and the input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from tracker.accounts.access import viewer_required
from tracker.accounts.permissions import (
    can_import_plan,
    can_plan_agreements,
    can_plan_milestones,
)
from tracker.core import services as core_services
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.models import Agreement, Provision
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers
from tracker.milestones import services as milestone_services
from tracker.milestones.models import CLOSED_STATUSES, Milestone
from tracker.milestones.queries import milestone_history, with_progress
from tracker.planning import importing, reading, services, workbook
from tracker.planning.filters import AgreementFilter, PlanMilestoneFilter, PlanProvisionFilter
from tracker.planning.forms import (
    AgreementEditForm,
    AgreementForm,
    CancelForm,
    ImportForm,
    MilestoneEditForm,
    MilestoneForm,
    ProvisionEditForm,
    ProvisionForm,
    ReplanForm,
    add_service_errors,
)
from tracker.planning.models import PendingImport

FORM_TEMPLATE = "planning/form.html"
MOVE_TEMPLATE = "planning/milestone_move.html"
IMPORT_TEMPLATE = "planning/import.html"


# --- Objects, for a user who may read them ---------------------------------------------------


def get_agreement(short_name: str) -> Agreement:
    return get_object_or_404(Agreement, short_name=short_name)


def get_provision(short_name: str, pk: int) -> Provision:
    """The provision of that agreement (404 for another agreement's), its agreement joined."""
    provisions = Provision.objects.select_related("agreement").prefetch_related("minerals")
    return get_object_or_404(provisions, pk=pk, agreement__short_name=short_name)


def get_milestone(short_name: str, pk: int) -> Milestone:
    milestones = Milestone.objects.select_related("provision__agreement", "lead_organisation")
    return get_object_or_404(milestones, pk=pk, provision__agreement__short_name=short_name)


def agreement_url(agreement: Agreement) -> str:
    return reverse("planning:agreement", args=[agreement.short_name])


def provision_url(provision: Provision) -> str:
    return reverse("planning:provision", args=[provision.agreement.short_name, provision.pk])


# --- Answers ---------------------------------------------------------------------------------


def _saved(request: HtmxHttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _form_page(
    request: HtmxHttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The form's page; an htmx POST gets the form's region alone."""
    if request.htmx and request.method == "POST":
        return render(request, f"{template}#form", context, status=status)
    return render(request, template, context, status=status)


def _display(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "—"
    return "—" if value in (None, "") else str(value)


def conflict_lines(form: forms.Form, current: Model) -> list[tuple[str, str]]:
    """The current value of each field where it differs from what the person submitted."""
    lines = []
    for name, field in form.fields.items():
        if name in ("version", "reason") or name not in form.cleaned_data:
            continue
        now, submitted = getattr(current, name), form.cleaned_data[name]
        if hasattr(now, "all"):  # many-to-many: compare the sets, show the names
            now = list(now.all())
            same = set(now) == set(submitted)
        else:
            same = now == submitted
        if same:
            continue
        display = getattr(current, f"get_{name}_display", None)
        lines.append((str(field.label), _display(display() if display else now)))
    return lines


def _with_current_version(form: forms.Form, current: Model) -> forms.Form:
    """The person's input, with the current version, so submitting again goes through."""
    data = form.data.copy()
    data["version"] = current.version
    kwargs = (
        {"instance": type(current).objects.get(pk=current.pk)} if hasattr(form, "instance") else {}
    )
    fresh = type(form)(data, **kwargs)
    fresh.is_valid()
    return fresh


def _run(
    request: HtmxHttpRequest,
    form: forms.Form,
    write: Callable[[dict], Any],
    page: Callable[..., HttpResponse],
    success: Callable[[Any], HttpResponse],
    stale: type[Exception],
) -> HttpResponse:
    """Validates the form, calls the service, and answers as the module docstring says."""
    if not form.is_valid():
        return page(form, status=400)
    try:
        result = write(form.cleaned_data)
    except stale as conflict:
        current = conflict.current
        fresh = _with_current_version(form, current)
        return page(fresh, status=409, conflict=conflict_lines(form, current))
    except ValidationError as error:
        add_service_errors(
            form, error.message_dict if hasattr(error, "error_dict") else error.messages
        )
        return page(form, status=400)
    return success(result)


# --- Agreements ------------------------------------------------------------------------------


@require_GET
@viewer_required
def agreement_list(request: HtmxHttpRequest) -> HttpResponse:
    provision_count = (
        Provision.objects.filter(agreement=OuterRef("pk"))
        .order_by()
        .values("agreement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    agreements = Agreement.objects.annotate(provision_count=Coalesce(Subquery(provision_count), 0))
    agreement_filter = AgreementFilter(request.GET, queryset=agreements, request=request)
    context = {
        "filter": agreement_filter,
        "page": paginate(request, agreement_filter.qs),
        "headers": sort_headers(agreement_filter),
        "may_plan": can_plan_agreements(request.user),
    }
    return render_page_or_partial(request, "planning/agreement_list.html", context)


def _agreement_form_page(request: HtmxHttpRequest, agreement: Agreement | None):
    def page(form: forms.Form, *, status: int = 200, conflict=None) -> HttpResponse:
        context = {
            "form": form,
            "agreement": agreement,
            "heading": _("Edit the agreement") if agreement else _("New agreement"),
            "submit_label": _("Save the agreement") if agreement else _("Create the agreement"),
            "cancel_url": agreement_url(agreement) if agreement else reverse("planning:list"),
            "conflict": conflict,
        }
        return _form_page(request, FORM_TEMPLATE, context, status=status)

    return page


@require_http_methods(["GET", "POST"])
@viewer_required
def agreement_create(request: HtmxHttpRequest) -> HttpResponse:
    if not can_plan_agreements(request.user):
        raise PermissionDenied
    page = _agreement_form_page(request, None)
    if request.method == "GET":
        return page(AgreementForm())
    return _run(
        request,
        AgreementForm(request.POST),
        lambda data: services.create_agreement(request.user, data),
        page,
        lambda agreement: _saved(
            request,
            agreement_url(agreement),
            _("Agreement “%(title)s” created.") % {"title": agreement.display_title},
        ),
        core_services.StaleVersion,
    )


@require_GET
@viewer_required
def agreement_detail(request: HtmxHttpRequest, agreement: str) -> HttpResponse:
    current = get_agreement(agreement)
    provisions = with_progress(Provision.objects.filter(agreement=current))
    provision_filter = PlanProvisionFilter(request.GET, queryset=provisions, request=request)
    context = {
        "agreement": current,
        "filter": provision_filter,
        "page": paginate(request, provision_filter.qs),
        "headers": sort_headers(provision_filter),
        "may_plan": can_plan_agreements(request.user),
        "may_import": can_import_plan(request.user),
        "history": current.history.select_related("history_user")[:20],
    }
    return render_page_or_partial(request, "planning/agreement_detail.html", context)


@require_http_methods(["GET", "POST"])
@viewer_required
def agreement_edit(request: HtmxHttpRequest, agreement: str) -> HttpResponse:
    current = get_agreement(agreement)
    if not can_plan_agreements(request.user):
        raise PermissionDenied
    page = _agreement_form_page(request, current)
    if request.method == "GET":
        return page(AgreementEditForm(instance=current, initial={"version": current.version}))

    def done(changed: list[str]) -> HttpResponse:
        saved = Agreement.objects.get(pk=current.pk)
        message = _("Agreement “%(title)s” saved.") if changed else _("Nothing was changed.")
        return _saved(request, agreement_url(saved), message % {"title": saved.display_title})

    # The form validates on its own copy: a refused edit must not show the input as saved.
    form = AgreementEditForm(request.POST, instance=get_agreement(agreement))
    return _run(
        request,
        form,
        lambda data: services.update_agreement(
            current, request.user, data, version=data["version"]
        ),
        page,
        done,
        core_services.StaleVersion,
    )


# --- Provisions ------------------------------------------------------------------------------


def _provision_form_page(
    request: HtmxHttpRequest, agreement: Agreement, provision: Provision | None
):
    def page(form: forms.Form, *, status: int = 200, conflict=None) -> HttpResponse:
        context = {
            "form": form,
            "agreement": agreement,
            "provision": provision,
            "heading": (
                _("Edit provision %(reference)s") % {"reference": provision.reference}
                if provision
                else _("New provision")
            ),
            "submit_label": _("Save the provision") if provision else _("Add the provision"),
            "cancel_url": provision_url(provision) if provision else agreement_url(agreement),
            "conflict": conflict,
        }
        return _form_page(request, FORM_TEMPLATE, context, status=status)

    return page


@require_http_methods(["GET", "POST"])
@viewer_required
def provision_create(request: HtmxHttpRequest, agreement: str) -> HttpResponse:
    current = get_agreement(agreement)
    if not can_plan_agreements(request.user):
        raise PermissionDenied
    page = _provision_form_page(request, current, None)
    if request.method == "GET":
        return page(ProvisionForm())
    form = ProvisionForm(request.POST)
    return _run(
        request,
        form,
        lambda data: services.create_provision(
            current, request.user, form.provision_data(), minerals=data["minerals"]
        ),
        page,
        lambda provision: _saved(
            request,
            provision_url(provision),
            _("Provision %(reference)s added.") % {"reference": provision.reference},
        ),
        core_services.StaleVersion,
    )


@require_GET
@viewer_required
def provision_plan(request: HtmxHttpRequest, agreement: str, pk: int) -> HttpResponse:
    """A provision's milestones, to plan: add, edit, re-plan, cancel."""
    provision = get_provision(agreement, pk)
    milestone_filter = PlanMilestoneFilter(
        request.GET,
        queryset=Milestone.objects.filter(provision=provision).select_related("lead_organisation"),
        request=request,
    )
    context = {
        "agreement": provision.agreement,
        "provision": provision,
        "filter": milestone_filter,
        "page": paginate(request, milestone_filter.qs),
        "headers": sort_headers(milestone_filter),
        "may_plan_agreement": can_plan_agreements(request.user),
        "may_plan": can_plan_milestones(request.user, provision),
        "closed_statuses": CLOSED_STATUSES,
    }
    return render_page_or_partial(request, "planning/provision_plan.html", context)


@require_http_methods(["GET", "POST"])
@viewer_required
def provision_edit(request: HtmxHttpRequest, agreement: str, pk: int) -> HttpResponse:
    provision = get_provision(agreement, pk)
    if not can_plan_agreements(request.user):
        raise PermissionDenied
    page = _provision_form_page(request, provision.agreement, provision)
    if request.method == "GET":
        return page(ProvisionEditForm(instance=provision, initial={"version": provision.version}))
    form = ProvisionEditForm(request.POST, instance=get_provision(agreement, pk))

    def done(changed: list[str]) -> HttpResponse:
        message = _("Provision %(reference)s saved.") if changed else _("Nothing was changed.")
        saved = Provision.objects.select_related("agreement").get(pk=provision.pk)
        return _saved(request, provision_url(saved), message % {"reference": saved.reference})

    return _run(
        request,
        form,
        lambda data: services.update_provision(
            provision,
            request.user,
            form.provision_data(),
            version=data["version"],
            minerals=data["minerals"],
        ),
        page,
        done,
        core_services.StaleVersion,
    )


# --- Milestones ------------------------------------------------------------------------------


def _milestone_form_page(
    request: HtmxHttpRequest, provision: Provision, milestone: Milestone | None
):
    def page(form: forms.Form, *, status: int = 200, conflict=None) -> HttpResponse:
        context = {
            "form": form,
            "agreement": provision.agreement,
            "provision": provision,
            "milestone": milestone,
            "heading": _("Edit the milestone") if milestone else _("New milestone"),
            "submit_label": _("Save the milestone") if milestone else _("Add the milestone"),
            "cancel_url": provision_url(provision),
            "conflict": conflict,
        }
        return _form_page(request, FORM_TEMPLATE, context, status=status)

    return page


def _milestone_detail_url(milestone: Milestone) -> str:
    return reverse("milestones:detail", args=[milestone.pk])


@require_http_methods(["GET", "POST"])
@viewer_required
def milestone_create(request: HtmxHttpRequest, agreement: str, pk: int) -> HttpResponse:
    provision = get_provision(agreement, pk)
    if not can_plan_milestones(request.user, provision):
        raise PermissionDenied
    page = _milestone_form_page(request, provision, None)
    if request.method == "GET":
        return page(MilestoneForm(initial={"responsible_party": provision.responsible_party}))
    form = MilestoneForm(request.POST)
    return _run(
        request,
        form,
        lambda data: milestone_services.create_milestone(
            provision, request.user, fields=form.planning_fields(), due_date=data["due_date"]
        ),
        page,
        lambda milestone: _saved(
            request,
            provision_url(provision),
            _("Milestone “%(title)s” added.") % {"title": milestone.display_title},
        ),
        milestone_services.StaleVersion,
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def milestone_edit(request: HtmxHttpRequest, agreement: str, pk: int) -> HttpResponse:
    milestone = get_milestone(agreement, pk)
    provision = milestone.provision
    if not can_plan_milestones(request.user, provision):
        raise PermissionDenied
    page = _milestone_form_page(request, provision, milestone)
    if request.method == "GET":
        return page(MilestoneEditForm(instance=milestone, initial={"version": milestone.version}))
    form = MilestoneEditForm(request.POST, instance=get_milestone(agreement, pk))

    def done(changed: list[str]) -> HttpResponse:
        message = _("Milestone “%(title)s” saved.") if changed else _("Nothing was changed.")
        saved = Milestone.objects.get(pk=milestone.pk)
        return _saved(request, provision_url(provision), message % {"title": saved.display_title})

    return _run(
        request,
        form,
        lambda data: milestone_services.edit_milestone(
            milestone,
            request.user,
            version=data["version"],
            fields=form.planning_fields(),
            reason=data["reason"],
        ),
        page,
        done,
        milestone_services.StaleVersion,
    )


def _move_page(request: HtmxHttpRequest, milestone: Milestone, move: str):
    def page(form: forms.Form, *, status: int = 200, conflict=None) -> HttpResponse:
        context = {
            "form": form,
            "move": move,
            "milestone": milestone if conflict is None else _fresh(milestone),
            "agreement": milestone.provision.agreement,
            "provision": milestone.provision,
            "replans": milestone_history(milestone).replans if move == "replan" else [],
            "conflict": conflict,
            "cancel_url": _milestone_detail_url(milestone),
        }
        return _form_page(request, MOVE_TEMPLATE, context, status=status)

    return page


def _fresh(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_related("provision__agreement", "lead_organisation").get(
        pk=milestone.pk
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def milestone_replan(request: HtmxHttpRequest, agreement: str, pk: int) -> HttpResponse:
    milestone = get_milestone(agreement, pk)
    if not can_plan_milestones(request.user, milestone.provision):
        raise PermissionDenied
    page = _move_page(request, milestone, "replan")
    if request.method == "GET":
        return page(ReplanForm(initial={"version": milestone.version}))
    return _run(
        request,
        ReplanForm(request.POST),
        lambda data: milestone_services.replan_milestone(
            milestone,
            request.user,
            version=data["version"],
            due_date=data["due_date"],
            reason=data["reason"],
        ),
        page,
        lambda update: _saved(
            request,
            _milestone_detail_url(milestone),
            _("Re-planned “%(title)s”: now due %(date)s.")
            % {"title": milestone.display_title, "date": update.new_due_date.isoformat()},
        ),
        milestone_services.StaleVersion,
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def milestone_cancel(request: HtmxHttpRequest, agreement: str, pk: int) -> HttpResponse:
    milestone = get_milestone(agreement, pk)
    if not can_plan_milestones(request.user, milestone.provision):
        raise PermissionDenied
    page = _move_page(request, milestone, "cancel")
    if request.method == "GET":
        return page(CancelForm(initial={"version": milestone.version}))
    return _run(
        request,
        CancelForm(request.POST),
        lambda data: milestone_services.cancel_milestone(
            milestone, request.user, version=data["version"], reason=data["reason"]
        ),
        page,
        lambda update: _saved(
            request,
            _milestone_detail_url(milestone),
            _("Cancelled “%(title)s”.") % {"title": milestone.display_title},
        ),
        milestone_services.StaleVersion,
    )


# --- Import ----------------------------------------------------------------------------------


def _import_page(
    request: HtmxHttpRequest,
    agreement: Agreement,
    form: ImportForm,
    *,
    result: importing.ImportResult | None = None,
    pending: list[PendingImport] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "agreement": agreement,
        "form": form,
        "result": result,
        "token": pending[0].token if pending else None,
        "columns": reading.COLUMNS,
    }
    if request.htmx and request.method == "POST":
        body = render_to_string(f"{IMPORT_TEMPLATE}#import", context, request)
        body += render_to_string("partials/messages.html", {"oob": True}, request)
        return HttpResponse(body, status=status)
    return render(request, IMPORT_TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
@viewer_required
def import_plan(request: HtmxHttpRequest, agreement: str) -> HttpResponse:
    """GET: the upload form. POST: the dry run of an upload; when every row is valid, the
    upload is kept for the confirmation (tracker.planning.importing)."""
    current = get_agreement(agreement)
    if not can_import_plan(request.user):
        raise PermissionDenied
    if request.method == "GET":
        return _import_page(request, current, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, current, form, status=400)
    uploads = form.uploads()
    result = importing.dry_run(current, request.user, uploads)
    if not result.valid:
        return _import_page(request, current, form, result=result, status=400)
    pending = importing.keep(current, request.user, uploads, result)
    return _import_page(request, current, ImportForm(), result=result, pending=pending)


@require_POST
@viewer_required
def import_confirm(request: HtmxHttpRequest, agreement: str) -> HttpResponse:
    current = get_agreement(agreement)
    if not can_import_plan(request.user):
        raise PermissionDenied
    pending = importing.pending_for(current, request.user, request.POST.get("token", ""))
    if not pending:
        messages.error(
            request,
            _("This import is no longer waiting for confirmation. Upload the file again."),
        )
        return _import_page(request, current, ImportForm(), status=409)
    outcome = importing.confirm(current, request.user, pending)
    if not outcome.saved:
        # Rows changed since the dry run, or the data no longer allows a row: the new dry
        # run is shown, nothing is saved, and the upload waits for a new confirmation.
        messages.error(request, outcome.reason)
        kept = pending if outcome.result.valid else None
        return _import_page(
            request,
            current,
            ImportForm(),
            result=outcome.result,
            pending=kept,
            status=409,
        )
    counts = outcome.result.counts()
    return _saved(
        request,
        agreement_url(current),
        _("Imported: %(new)s, %(changed)s, %(unchanged)s.") % _counted(counts),
    )


def _counted(counts: dict[str, int]) -> dict[str, str]:
    """Each count with its plural form: the same messages as the import page's summary
    (planning/import_counts.html)."""
    new, changed, unchanged = counts["new"], counts["changed"], counts["unchanged"]
    return {
        "new": ngettext("%(counter)s new", "%(counter)s new", new) % {"counter": new},
        "changed": ngettext("%(counter)s changed", "%(counter)s changed", changed)
        % {"counter": changed},
        "unchanged": ngettext("%(counter)s unchanged", "%(counter)s unchanged", unchanged)
        % {"counter": unchanged},
    }


@require_GET
@viewer_required
def import_template(request: HtmxHttpRequest, agreement: str) -> HttpResponse:
    current = get_agreement(agreement)
    if not can_import_plan(request.user):
        raise PermissionDenied
    return workbook.template_response(current)
