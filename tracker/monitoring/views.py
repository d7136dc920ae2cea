"""Monitoring checks: list, record, detail, correct, and their corrective actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from tracker.accounts.access import viewer_required
from tracker.accounts.models import User
from tracker.accounts.permissions import (
    can_change_visibility,
    can_close_corrective_action,
    can_record_check,
    can_update_check,
    can_view,
)
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.ids import parse_id
from tracker.core.models import Visibility, with_translations
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers
from tracker.core.views import visibility_page
from tracker.core.workspace import enter, scope_of, workspace_page
from tracker.monitoring import services
from tracker.monitoring.filters import CheckFilter
from tracker.monitoring.forms import ActionForm, CheckForm, CloseActionForm, NewCheckForm
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
from tracker.monitoring.queries import check_history, follow_up_chain, with_action_counts


def get_check_for_user(user: User, pk: int) -> MonitoringCheck:
    """The check, for a user who may read it: 403 for anyone else, 404 when it is missing.

    Every role reads every check, so the reading permission is the user's alone.
    """
    if not can_view(user):
        raise PermissionDenied
    return get_object_or_404(
        MonitoringCheck.objects.visible_to(user).select_related(
            "provision__agreement", "milestone", "monitor", "follows_up"
        ),
        pk=pk,
    )


def get_action_for_user(user: User, pk: int) -> CorrectiveAction:
    """The corrective action, for a user who may read it (as its check): 403, else 404."""
    if not can_view(user):
        raise PermissionDenied
    return get_object_or_404(
        CorrectiveAction.objects.visible_to(user).select_related("check_record"), pk=pk
    )


def _detail_url(check: MonitoringCheck, anchor: str = "") -> str:
    url = reverse("monitoring:detail", args=[check.pk])
    return f"{url}#{anchor}" if anchor else url


@require_GET
@viewer_required
@workspace_page
def check_list(request: HtmxHttpRequest) -> HttpResponse:
    checks = with_action_counts(
        MonitoringCheck.objects.visible_to(request.user).select_related("provision", "monitor")
    )
    check_filter = CheckFilter(request.GET, queryset=checks, request=request)
    context = {
        "filter": check_filter,
        "page": paginate(request, check_filter.qs),
        "headers": sort_headers(check_filter),
    }
    return render_page_or_partial(request, "monitoring/check_list.html", context)


def _initial_for_new_check(request: HtmxHttpRequest) -> dict[str, Any]:
    """A link can start the form on a provision, or as the follow-up of an earlier check."""
    initial: dict[str, Any] = {}
    earlier_id = parse_id(request.GET.get("follows_up"))
    if earlier_id:
        earlier = MonitoringCheck.objects.filter(pk=earlier_id).first()
        if earlier:
            initial.update(
                provision=earlier.provision_id,
                milestone=earlier.milestone_id,
                criterion=earlier.criterion,
                criterion_uk=earlier.criterion_uk,
                follows_up=earlier.pk,
            )
    provision_id = parse_id(request.GET.get("provision"))
    if provision_id and "provision" not in initial:
        initial["provision"] = provision_id
    return initial


@require_http_methods(["GET", "POST"])
@viewer_required
@workspace_page
def check_create(request: HtmxHttpRequest) -> HttpResponse:
    if not can_record_check(request.user):
        raise PermissionDenied
    status = 200
    # The provision choices are the workspace's agreement's.
    agreement = scope_of(request)
    if request.method == "POST":
        form = NewCheckForm(request.POST, request.FILES, agreement=agreement)
        if form.is_valid():
            try:
                check = services.record_check(
                    request.user,
                    form.check_fields(),
                    form.cleaned_data["evidence"],
                    form.first_action(),
                    visibility=form.cleaned_data["visibility"] or Visibility.TASK_FORCE,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Check recorded."))
                if request.htmx:
                    return HttpResponseClientRedirect(_detail_url(check))
                return redirect(_detail_url(check))
        status = 400
    else:
        form = NewCheckForm(initial=_initial_for_new_check(request), agreement=agreement)
    # With htmx, the provision select asks for the milestones and earlier checks of its
    # provision, and the form posts itself.
    partial = "check_form"
    if request.method == "GET":
        partial = "monitoring/check_fields.html#linked_fields"
    return render_page_or_partial(
        request, "monitoring/check_form.html", {"form": form}, partial=partial, status=status
    )


def _action_rows(
    check: MonitoringCheck, user: User, bound_close: CloseActionForm | None = None
) -> list[tuple[CorrectiveAction, CloseActionForm | None]]:
    rows = []
    actions = check.corrective_actions.visible_to(user).select_related("closed_by")
    for action in actions.prefetch_related(with_translations()):
        form = None
        if action.state == CorrectiveAction.State.OPEN:
            if bound_close is not None and bound_close.action.pk == action.pk:
                form = bound_close
            else:
                form = CloseActionForm(action=action)
        rows.append((action, form))
    return rows


def _detail_context(
    request: HtmxHttpRequest,
    check: MonitoringCheck,
    *,
    edit_form: CheckForm | None = None,
    action_form: ActionForm | None = None,
    close_form: CloseActionForm | None = None,
) -> dict[str, Any]:
    enter(request, check.provision.agreement, switch_to="monitoring:list")
    prefetch_related_objects([check], with_translations())
    return {
        "check": check,
        "evidence": check.evidence.visible_to(request.user)
        .select_related("uploaded_by", "withdrawn_by")
        .order_by("uploaded_at"),
        "chain": follow_up_chain(check, request.user),
        "actions": _action_rows(check, request.user, close_form),
        "action_form": action_form or ActionForm(check=check),
        # A check stays within its agreement: the edit offers only that agreement's provisions.
        "edit_form": edit_form or CheckForm(instance=check, agreement=check.provision.agreement),
        "edit_open": edit_form is not None,
        "history": check_history(check, request.user),
    }


@require_GET
@viewer_required
def check_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check = get_check_for_user(request.user, pk)
    return render(request, "monitoring/check_detail.html", _detail_context(request, check))


@require_POST
@viewer_required
def check_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check = get_check_for_user(request.user, pk)
    if not can_update_check(request.user, check):
        raise PermissionDenied
    # The form gets its own copy: validating a ModelForm writes the typed values onto its
    # instance, and a refused edit must not show them as if they were saved.
    form = CheckForm(
        request.POST,
        request.FILES,
        instance=get_check_for_user(request.user, pk),
        agreement=check.provision.agreement,
    )
    status = 400
    conflict = None
    if form.is_valid():
        try:
            check = services.update_check(
                request.user,
                check,
                form.check_fields(),
                form.cleaned_data["evidence"],
                version=form.cleaned_data["version"],
            )
        except services.StaleVersion as stale:
            # The page shows the check as it is now; the form keeps what was typed, on the
            # current version, so saving again deliberately replaces the other save.
            check = get_check_for_user(request.user, pk)
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = CheckForm(data, instance=get_check_for_user(request.user, pk))
            conflict = check.history.select_related("history_user").first()
            status = 409
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Check updated."))
            if not request.htmx:
                return redirect(_detail_url(check))
            check = get_check_for_user(request.user, pk)
            form, status = None, 200
    context = {**_detail_context(request, check, edit_form=form), "conflict": conflict}
    template = "monitoring/check_detail.html"
    if request.htmx:
        template += "#check_response"
    return render(request, template, context, status=status)


def _actions_response(
    request: HtmxHttpRequest, check: MonitoringCheck, status: int = 200, **forms: Any
) -> HttpResponse:
    template = "monitoring/check_detail.html"
    if request.htmx:
        template += "#actions_response"
    return render(request, template, _detail_context(request, check, **forms), status=status)


@require_POST
@viewer_required
def action_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check = get_check_for_user(request.user, pk)
    if not can_update_check(request.user, check):
        raise PermissionDenied
    form = ActionForm(request.POST, check=check)
    if not form.is_valid():
        return _actions_response(request, check, 400, action_form=form)
    services.add_corrective_action(request.user, check, form.cleaned_data)
    messages.success(request, _("Corrective action added."))
    if not request.htmx:
        return redirect(_detail_url(check, "actions"))
    return _actions_response(request, check)


@require_POST
@viewer_required
def action_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    if not can_close_corrective_action(request.user, action):
        raise PermissionDenied
    check = get_check_for_user(request.user, action.check_record_id)
    form = CloseActionForm(request.POST, action=action)
    if not form.is_valid():
        return _actions_response(request, check, 400, close_form=form)
    try:
        services.close_corrective_action(
            request.user,
            action,
            form.cleaned_data["closing_note"],
            version=form.cleaned_data["version"],
        )
    except services.StaleVersion as stale:
        # Changed meanwhile: the current action is shown, with the note kept on its version.
        data = request.POST.copy()
        data["version"] = str(stale.current.version)
        messages.error(
            request,
            _(
                "Not closed: someone changed this corrective action in the meantime. It is "
                "shown as it is now; your note is kept."
            ),
        )
        close_form = CloseActionForm(data, action=stale.current)
        return _actions_response(request, check, 409, close_form=close_form)
    except ValidationError as error:
        # Someone closed it meanwhile: show the current state and say so.
        messages.error(request, " ".join(error.messages))
        return _actions_response(request, check, 409)
    messages.success(request, _("Corrective action closed."))
    if not request.htmx:
        return redirect(_detail_url(check, "actions"))
    return _actions_response(request, check)


@require_http_methods(["GET", "POST"])
@viewer_required
def check_visibility(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Make a check (its finding and evidence files) public or task-force only."""
    if not can_change_visibility(request.user):
        raise PermissionDenied
    check = get_check_for_user(request.user, pk)
    return visibility_page(
        request,
        record=check,
        what=_("Check: %(criterion)s, with its finding and evidence files.")
        % {"criterion": check.display_criterion},
        back_url=_detail_url(check),
        change=lambda visibility, reason: services.change_check_visibility(
            request.user, check, visibility, reason
        ),
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def action_visibility(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Make a corrective action public (shown while its check is public) or task-force only."""
    if not can_change_visibility(request.user):
        raise PermissionDenied
    action = get_action_for_user(request.user, pk)
    return visibility_page(
        request,
        record=action,
        what=_("Corrective action: %(description)s") % {"description": action.description},
        back_url=_detail_url(action.check_record, "actions"),
        change=lambda visibility, reason: services.change_action_visibility(
            request.user, action, visibility, reason
        ),
    )
