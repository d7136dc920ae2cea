"""Milestone pages: the filtered list with inline updates, the detail page, evidence, activity.

Answers of the update, verify and return views (the URL contract):
- success: htmx gets the re-rendered row (200) with the counters and messages out of band;
  a plain POST is redirected to the page it came from.
- refused permission 403, stale version 409 (current values shown, the person's input kept),
  invalid input 400. htmx gets the row with the reason in it; a plain POST gets the milestone
  page with the form and its errors. htmx swaps the 400 and 409 rows because the htmx-config
  meta of base.html lists them under `responseHandling`; a 403 is not swapped (a CSRF failure
  page must never land inside a row), and the row form is offered only to people allowed to
  use it, so that answer matters only to a stale page or a hand-made request.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts.access import viewer_required
from tracker.accounts.models import User
from tracker.accounts.permissions import (
    can_change_visibility,
    can_download_evidence,
    can_plan_milestones,
    can_see_restricted,
    can_update_milestone,
    can_verify_milestone,
    can_view,
    can_withdraw_evidence,
)
from tracker.core.evidence import download_name, withdraw_evidence
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.models import Evidence, Visibility, with_translations
from tracker.core.paging import page_by_ids
from tracker.core.sorting import sort_headers
from tracker.core.views import visibility_page
from tracker.core.workspace import enter, workspace_page
from tracker.milestones import services
from tracker.milestones.filters import ActivityFilter, MilestoneFilter
from tracker.milestones.forms import ProgressForm, ReturnForm, VerifyForm, WithdrawEvidenceForm
from tracker.milestones.models import Milestone, ProgressUpdate
from tracker.milestones.queries import (
    activity_rows,
    milestone_history,
    milestone_rows,
    status_counts,
    visible_evidence,
)
from tracker.milestones.rows import (
    RowState,
    build_rows,
    counters_for,
    has_update_column,
    safe_next,
)

PER_PAGE = 50
LOG_LIMIT = 100
LIST_TEMPLATE = "milestones/milestone_list.html"
DETAIL_TEMPLATE = "milestones/milestone_detail.html"


def _target(pk: int) -> Milestone:
    """The milestone a POST acts on: its own columns are enough, as the services lock it and
    read it again, and the answer loads what it shows."""
    return get_object_or_404(Milestone, pk=pk)


def get_milestone_for_user(user: User, pk: int) -> Milestone:
    """The milestone, for a user who may read it: 403 for anyone else, 404 when it is missing.

    Every role reads every milestone, so the reading permission is the user's alone.
    """
    if not can_view(user):
        raise PermissionDenied
    milestones = Milestone.objects.select_related(
        "provision__agreement", "lead_organisation", "verified_by"
    )
    return get_object_or_404(milestones, pk=pk)


@require_GET
@viewer_required
@workspace_page
def milestone_list(request: HtmxHttpRequest) -> HttpResponse:
    milestone_filter = MilestoneFilter(
        request.GET, queryset=Milestone.objects.all(), request=request
    )
    matching = milestone_filter.qs
    counts = status_counts(matching)
    # The counters already counted the matching set; the paginator need not count it again.
    page = page_by_ids(
        matching, milestone_rows, request.GET.get("page"), PER_PAGE, count=counts.total
    )
    rows = build_rows(request, page.object_list, request.get_full_path())
    context = {
        "filter": milestone_filter,
        "page": page,
        "rows": rows,
        # The "Record progress" column, left out when the reader may update no row here.
        "update_column": has_update_column(rows),
        "milestone_counts": counts,
        "matching": True,
        "list_url": reverse("milestones:list"),
        "headers": sort_headers(milestone_filter),
    }
    return render_page_or_partial(request, LIST_TEMPLATE, context)


def _detail_context(request: HtmxHttpRequest, milestone: Milestone, **forms_and_flags) -> dict:
    enter(request, milestone.provision.agreement, switch_to="milestones:list")
    user = request.user
    may_update = can_update_milestone(user, milestone)
    may_verify = can_verify_milestone(user, milestone) and milestone.awaiting_verification
    initial = {"version": milestone.version}
    history = milestone_history(milestone)
    context = {
        "milestone": milestone,
        # The newest entries; the whole log is on the activity page, filtered to this one.
        "updates": milestone.updates.visible_to(user)
        .select_related("author")
        .prefetch_related(visible_evidence(user), with_translations())[:LOG_LIMIT],
        # The history's reasons repeat the progress notes, some of them task-force only.
        "sees_restricted": can_see_restricted(user),
        "may_change_visibility": can_change_visibility(user),
        "log_limit": LOG_LIMIT,
        # The history and the re-planning history, from one read of the history table.
        "history": history.entries,
        "replans": history.replans,
        # Planning links (edit, re-plan, cancel) lead to the planning pages.
        "may_plan": can_plan_milestones(user, milestone.provision),
        "may_update": may_update,
        "may_verify": may_verify,
        "progress_form": None,
        "verify_form": None,
        "return_form": None,
        "conflict": None,
        "refusal": None,
    }
    if may_update:
        context["progress_form"] = ProgressForm(
            initial={
                **initial,
                "status": milestone.status,
                "percent_complete": milestone.percent_complete,
            }
        )
    if may_verify:
        context["verify_form"] = VerifyForm(initial=initial)
        context["return_form"] = ReturnForm(initial=initial)
    context.update(forms_and_flags)
    return context


@require_GET
@viewer_required
def milestone_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_user(request.user, pk)
    return render(request, DETAIL_TEMPLATE, _detail_context(request, milestone))


def _latest_change(milestone: Milestone) -> ProgressUpdate | None:
    return milestone.updates.select_related("author").first()


def _error_messages(form: forms.Form) -> tuple[list[str], list[str]]:
    """Every error of a form as one line each, and the names of the fields in error."""
    lines = []
    for field, errors in form.errors.items():
        for error in errors:
            if field == NON_FIELD_ERRORS or field not in form.fields:
                lines.append(error)
            else:
                lines.append(f"{form.fields[field].label}: {error}")
    return lines, [field for field in form.errors if field != NON_FIELD_ERRORS]


def _row(
    request: HtmxHttpRequest,
    pk: int,
    next_url: str,
    state: RowState,
    *,
    status: int = 200,
) -> HttpResponse:
    """The row of one milestone, as it is now, plus the counters and messages out of band."""
    milestone = get_object_or_404(milestone_rows(Milestone.objects.all()), pk=pk)
    counts, matching = counters_for(request, next_url) if status == 200 else (None, False)
    context = {
        "row": build_rows(request, [milestone], next_url, state)[0],
        "milestone_counts": counts,
        "matching": matching,
    }
    return render(request, f"{LIST_TEMPLATE}#row_update", context, status=status)


def _refusal_form_data(form: forms.Form, conflict: Milestone | None):
    """A conflict keeps the person's input but takes the current version, so saving again
    after looking at the current values goes through."""
    if conflict is None:
        return form
    data = form.data.copy()
    data["version"] = conflict.version
    return type(form)(data)


def _failure(
    request: HtmxHttpRequest,
    milestone: Milestone,
    next_url: str,
    form: forms.Form,
    form_name: str,
    *,
    status: int,
    refusal: str = "",
    conflict: Milestone | None = None,
) -> HttpResponse:
    """Nothing was saved: show why, with the current values and the person's input."""
    conflict_update = _latest_change(conflict) if conflict is not None else None
    if request.htmx:
        lines, fields = ([refusal], []) if refusal or conflict else _error_messages(form)
        keep_input = form_name == "progress_form"
        return _row(
            request,
            milestone.pk,
            next_url,
            RowState(
                input=form.data if keep_input else None,
                errors=tuple(line for line in lines if line),
                error_fields=tuple(fields),
                conflict={"update": conflict_update} if conflict is not None else None,
            ),
            status=status,
        )
    current = get_milestone_for_user(request.user, milestone.pk)
    context = _detail_context(
        request,
        current,
        refusal=refusal or None,
        conflict={"update": conflict_update, "form": form_name} if conflict is not None else None,
    )
    context[form_name] = _refusal_form_data(form, conflict)
    shown = context["may_update"] if form_name == "progress_form" else context["may_verify"]
    if not shown and not refusal:
        # The form's section is not on the page (e.g. verifying an unfinished milestone):
        # the reason goes at the top instead.
        context["refusal"] = " ".join(_error_messages(form)[0])
    return render(request, DETAIL_TEMPLATE, context, status=status)


def _perform(
    request: HtmxHttpRequest,
    milestone: Milestone,
    form: forms.Form,
    form_name: str,
    next_url: str,
    transition: Callable[[dict], str],
) -> HttpResponse:
    """Runs one transition with a cleaned form and answers as the URL contract says."""
    if form.is_valid():
        try:
            message = transition(form.cleaned_data)
        except PermissionDenied as refusal:
            return _failure(
                request, milestone, next_url, form, form_name, status=403, refusal=str(refusal)
            )
        except services.StaleVersion as stale:
            return _failure(
                request,
                milestone,
                next_url,
                form,
                form_name,
                status=409,
                refusal=_("Not saved: someone else changed this milestone in the meantime."),
                conflict=stale.current,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            if request.htmx:
                return _row(request, milestone.pk, next_url, RowState(saved=True))
            return redirect(next_url or reverse("milestones:detail", args=[milestone.pk]))
    return _failure(request, milestone, next_url, form, form_name, status=400)


@require_POST
@viewer_required
def milestone_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    milestone = _target(pk)
    next_url = safe_next(request)
    form = ProgressForm(request.POST, request.FILES)
    if not can_update_milestone(request.user, milestone):
        return _failure(
            request,
            milestone,
            next_url,
            form,
            "progress_form",
            status=403,
            refusal=_("Only the responsible party's delegation may update this."),
        )

    def record(data: dict) -> str:
        update = services.update_progress(
            milestone,
            request.user,
            version=data["version"],
            status=data["status"],
            percent=data["percent_complete"],
            note=data["note"],
            files=data["evidence"],
            visibility=data["visibility"] or Visibility.TASK_FORCE,
        )
        return _("Saved “%(title)s”: %(status)s, %(percent)d %%.") % {
            "title": milestone.display_title,
            "status": update.get_new_status_display(),
            "percent": update.percent,
        }

    return _perform(request, milestone, form, "progress_form", next_url, record)


@require_POST
@viewer_required
def milestone_verify(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    milestone = _target(pk)
    next_url = safe_next(request)
    form = VerifyForm(request.POST)
    if not can_verify_milestone(request.user, milestone):
        return _failure(
            request,
            milestone,
            next_url,
            form,
            "verify_form",
            status=403,
            refusal=_("Only the other party's co-chair or a monitor may verify this milestone."),
        )

    def confirm(data: dict) -> str:
        services.verify(milestone, request.user, version=data["version"])
        return _("Verified “%(title)s”.") % {"title": milestone.display_title}

    return _perform(request, milestone, form, "verify_form", next_url, confirm)


@require_POST
@viewer_required
def milestone_return(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    milestone = _target(pk)
    next_url = safe_next(request)
    form = ReturnForm(request.POST)
    if not can_verify_milestone(request.user, milestone):
        return _failure(
            request,
            milestone,
            next_url,
            form,
            "return_form",
            status=403,
            refusal=_("Only the other party's co-chair or a monitor may return this milestone."),
        )

    def send_back(data: dict) -> str:
        services.return_for_rework(
            milestone, request.user, version=data["version"], reason=data["reason"]
        )
        return _("Returned “%(title)s” to in progress.") % {"title": milestone.display_title}

    return _perform(request, milestone, form, "return_form", next_url, send_back)


@require_GET
@viewer_required
def evidence_download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    # A file the person may not see does not exist for them (404), like its record.
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    if not can_download_evidence(request.user, evidence):
        raise PermissionDenied
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    # Always an attachment, with the type the content check found, never sniffed: an
    # uploaded file is never rendered by the browser in the tracker's origin.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(evidence),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@viewer_required
@workspace_page(allow_all=True)
def activity(request: HtmxHttpRequest) -> HttpResponse:
    activity_filter = ActivityFilter(
        request.GET, queryset=ProgressUpdate.objects.visible_to(request.user), request=request
    )
    # Every agreement at once: each line says which agreement it belongs to.
    mixed = request.workspace.everything and request.workspace.several
    page = page_by_ids(
        activity_filter.qs.order_by("-created_at", "-id"),
        lambda updates: activity_rows(updates, request.user, with_agreement=mixed),
        request.GET.get("page"),
        PER_PAGE,
    )
    context = {"filter": activity_filter, "page": page, "mixed": mixed}
    return render_page_or_partial(request, "milestones/activity.html", context)


@require_http_methods(["GET", "POST"])
@viewer_required
def update_visibility(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Make a progress note (with its evidence files) public or task-force only."""
    if not can_change_visibility(request.user):
        raise PermissionDenied
    update = get_object_or_404(
        ProgressUpdate.objects.visible_to(request.user).select_related("milestone"), pk=pk
    )
    return visibility_page(
        request,
        record=update,
        what=_("Progress note of %(milestone)s, %(date)s, with its evidence files.")
        % {
            "milestone": update.milestone.display_title,
            "date": date_format(timezone.localtime(update.created_at), "j M Y"),
        },
        back_url=reverse("milestones:detail", args=[update.milestone_id]) + "#log",
        change=lambda visibility, reason: services.change_update_visibility(
            request.user, update, visibility, reason
        ),
    )


def _evidence_back_url(request: HtmxHttpRequest, evidence: Evidence) -> str:
    """The page the link came from (``next``, a path of this site), else the milestone the
    file documents, else the activity log."""
    candidate = request.GET.get("next") or request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    update = evidence.progress_updates.first()
    if update is not None:
        return reverse("milestones:detail", args=[update.milestone_id]) + "#log"
    return reverse("milestones:activity")


@require_http_methods(["GET", "POST"])
@viewer_required
def evidence_visibility(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Make one evidence file public or task-force only."""
    if not can_change_visibility(request.user):
        raise PermissionDenied
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    return visibility_page(
        request,
        record=evidence,
        what=_("Evidence file: %(name)s") % {"name": evidence.display_name},
        back_url=_evidence_back_url(request, evidence),
        change=lambda visibility, reason: services.change_evidence_visibility(
            request.user, evidence, visibility, reason
        ),
    )


def _withdraw_next(request: HtmxHttpRequest) -> str:
    """Where the page goes after a withdrawal: the page the file was listed on."""
    candidate = request.POST.get("next") or request.GET.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dashboard")


@require_http_methods(["GET", "POST"])
@viewer_required
def evidence_withdraw(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Withdraw a file, with the reason (the file is kept). A plain page with the form, or,
    with htmx, the form in place of the file's line and the line marked withdrawn after."""
    evidence = get_object_or_404(
        Evidence.objects.visible_to(request.user).select_related("uploaded_by", "withdrawn_by"),
        pk=pk,
    )
    if not can_withdraw_evidence(request.user, evidence):
        raise PermissionDenied
    next_url = _withdraw_next(request)
    form = WithdrawEvidenceForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        try:
            evidence = withdraw_evidence(evidence, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return render(
                    request, "partials/evidence_item.html", {"file": evidence, "next": next_url}
                )
            messages.success(
                request,
                _("“%(name)s” is withdrawn. It stays on record, marked withdrawn.")
                % {"name": evidence.display_name},
            )
            return redirect(next_url)
    template = "milestones/evidence_withdraw.html"
    if request.htmx:
        template += "#withdraw_form"
    return render(request, template, {"evidence": evidence, "form": form, "next": next_url})
