"""Disputes: list, raise, and the dispute page with its moves, positions and timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from tracker.accounts.access import viewer_required
from tracker.accounts.models import User
from tracker.accounts.permissions import (
    can_change_visibility,
    can_comment,
    can_decide_proposal,
    can_move_dispute,
    can_propose_decision,
    can_raise_dispute,
    can_record_position,
    can_view,
)
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.ids import parse_id
from tracker.core.models import Party, Provision, Visibility, with_translations
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers
from tracker.core.views import visibility_page
from tracker.core.workspace import enter, scope_of, workspace_page
from tracker.disputes import services
from tracker.disputes.filters import DisputeFilter
from tracker.disputes.forms import (
    CommentForm,
    ConcurForm,
    PositionForm,
    ProposalForm,
    RaiseDisputeForm,
    RejectForm,
    TransitionForm,
)
from tracker.disputes.models import Dispute, DisputeEvent, DisputeProposal, DisputeStatus
from tracker.disputes.queries import dispute_history

MOVE_VERBS = {
    DisputeStatus.ACKNOWLEDGED: gettext_lazy("Acknowledge"),
    DisputeStatus.UNDER_CONSULTATION: gettext_lazy("Start consultation"),
    DisputeStatus.ESCALATED: gettext_lazy("Escalate"),
}
PROPOSAL_VERBS = {
    DisputeStatus.RESOLVED: gettext_lazy("Propose this resolution"),
    DisputeStatus.WITHDRAWN: gettext_lazy("Propose withdrawing"),
}
# A move the dispute's current status does not allow, or a proposal decided meanwhile,
# conflicts with the dispute's state.
CONFLICT_CODES = ("not_allowed", "closed", "decided", "two_key")


def get_dispute_for_user(user: User, pk: int) -> Dispute:
    """The dispute, for a user who may read it: 403 for anyone without a role, 404 when it is
    missing or is a task-force dispute and the user an observer."""
    if not can_view(user):
        raise PermissionDenied
    disputes = Dispute.objects.visible_to(user).select_related("agreement", "raised_by")
    return get_object_or_404(disputes, pk=pk)


def _detail_url(dispute: Dispute, anchor: str = "") -> str:
    url = reverse("disputes:detail", args=[dispute.pk])
    return f"{url}#{anchor}" if anchor else url


def _status_of(error: ValidationError) -> int:
    return 409 if getattr(error, "code", None) in CONFLICT_CODES else 400


@require_GET
@viewer_required
@workspace_page
def dispute_list(request: HtmxHttpRequest) -> HttpResponse:
    disputes = Dispute.objects.visible_to(request.user).prefetch_related(
        Prefetch("provisions", queryset=Provision.objects.order_by("reference"))
    )
    dispute_filter = DisputeFilter(request.GET, queryset=disputes, request=request)
    context = {
        "filter": dispute_filter,
        "page": paginate(request, dispute_filter.qs),
        "headers": sort_headers(dispute_filter),
    }
    return render_page_or_partial(request, "disputes/dispute_list.html", context)


def _initial_for_new_dispute(request: HtmxHttpRequest) -> dict[str, Any]:
    """The user's party, and the page's agreement, or the provision's a link started on."""
    initial: dict[str, Any] = {"raised_by_party": request.user.party}
    provision_id = parse_id(request.GET.get("provision"))
    provision = Provision.objects.filter(pk=provision_id).first() if provision_id else None
    if provision:
        initial.update(agreement=provision.agreement_id, provisions=[provision.pk])
    elif request.workspace.agreement is not None:
        initial["agreement"] = request.workspace.agreement.pk
    return initial


@require_http_methods(["GET", "POST"])
@viewer_required
@workspace_page
def dispute_create(request: HtmxHttpRequest) -> HttpResponse:
    if not can_raise_dispute(request.user):
        raise PermissionDenied
    status = 200
    # A dispute is raised within the page's agreement: its provisions are offered.
    agreement = scope_of(request)
    if request.method == "POST":
        # Refuse a party that is not the user's before looking at anything else.
        if not can_raise_dispute(request.user, request.POST.get("raised_by_party")):
            raise PermissionDenied
        form = RaiseDisputeForm(request.POST, agreement=agreement)
        if form.is_valid():
            data = form.cleaned_data
            try:
                dispute = services.raise_dispute(
                    request.user,
                    agreement=data["agreement"],
                    provisions=data["provisions"],
                    raised_by_party=data["raised_by_party"],
                    title=data["title"],
                    description=data["description"],
                    raising_position=data["raising_position"],
                    visibility=data["visibility"] or Visibility.TASK_FORCE,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Dispute raised."))
                if request.htmx:
                    return HttpResponseClientRedirect(_detail_url(dispute))
                return redirect(_detail_url(dispute))
        status = 400
    else:
        form = RaiseDisputeForm(initial=_initial_for_new_dispute(request), agreement=agreement)
    context = {
        "form": form,
        "responding_party": Party(services.other_party(request.user.party)).label,
    }
    return render_page_or_partial(
        request, "disputes/dispute_form.html", context, partial="raise_form", status=status
    )


def _move_forms(
    user: User, dispute: Dispute, bound: TransitionForm | None
) -> list[tuple[str, str, TransitionForm]]:
    forms = []
    for status in services.moves_for(user, dispute):
        form = bound if bound is not None and bound.data.get("to_status") == status else None
        form = form or TransitionForm(initial={"to_status": status})
        forms.append((status, str(MOVE_VERBS[status]), form))
    return forms


def _proposal_forms(
    user: User, dispute: Dispute, bound: ProposalForm | None
) -> list[tuple[str, str, ProposalForm]]:
    forms = []
    for decision in services.proposals_for(user, dispute):
        form = bound if bound is not None and bound.data.get("decision") == decision else None
        form = form or ProposalForm(initial={"decision": decision})
        forms.append((decision, str(PROPOSAL_VERBS[decision]), form))
    return forms


def _detail_context(
    request: HtmxHttpRequest,
    dispute: Dispute,
    *,
    move_form: TransitionForm | None = None,
    proposal_form: ProposalForm | None = None,
    concur_form: ConcurForm | None = None,
    reject_form: RejectForm | None = None,
    position_form: PositionForm | None = None,
    comment_form: CommentForm | None = None,
) -> dict[str, Any]:
    enter(request, dispute.agreement, switch_to="disputes:list")
    prefetch_related_objects([dispute], with_translations())
    user = request.user
    proposal = services.open_proposal(dispute)
    may_decide = proposal is not None and can_decide_proposal(user, proposal)
    initial = {"proposal": proposal.pk} if proposal is not None else {}

    def current(form: ConcurForm | RejectForm | None) -> bool:
        # A bound form is shown again only for the proposal still open; a refusal about
        # another one (decided or superseded meanwhile) is shown above the new state.
        return (
            form is not None
            and proposal is not None
            and form.data.get("proposal") == str(proposal.pk)
        )

    stale = next((f for f in (concur_form, reject_form) if f is not None and not current(f)), None)
    return {
        "dispute": dispute,
        "provisions": dispute.provisions.order_by("reference"),
        "events": dispute.events.select_related(
            "author", "proposal__proposed_by", "proposal__decided_by"
        ).prefetch_related(with_translations()),
        "moves": _move_forms(user, dispute, move_form),
        "proposals": _proposal_forms(user, dispute, proposal_form),
        "proposal": proposal,
        "may_decide": may_decide,
        "concur_form": concur_form if current(concur_form) else ConcurForm(initial=initial),
        "reject_form": reject_form if current(reject_form) else RejectForm(initial=initial),
        "decision_error": stale,
        # A refused move that has no form of its own on the page (stale page, forged value).
        "move_error": move_form
        if move_form is not None
        and move_form.errors
        and move_form.data.get("to_status") not in services.moves_for(user, dispute)
        else None,
        "position_form": position_form
        or PositionForm(initial={"responding_position": dispute.responding_position}),
        "may_position": dispute.is_open and can_record_position(user, dispute),
        "comment_form": comment_form or CommentForm(),
        "may_comment": dispute.is_open and can_comment(user, dispute),
        "history": dispute_history(dispute),
        "may_change_visibility": can_change_visibility(user),
    }


def _dispute_response(
    request: HtmxHttpRequest, dispute: Dispute, status: int = 200, **forms: Any
) -> HttpResponse:
    template = "disputes/dispute_detail.html"
    if request.htmx:
        template += "#dispute_response"
    return render(request, template, _detail_context(request, dispute, **forms), status=status)


@require_GET
@viewer_required
def dispute_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute_for_user(request.user, pk)
    return render(request, "disputes/dispute_detail.html", _detail_context(request, dispute))


@require_POST
@viewer_required
def dispute_transition(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute_for_user(request.user, pk)
    if not can_move_dispute(request.user, dispute, request.POST.get("to_status", "")):
        raise PermissionDenied
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _dispute_response(request, dispute, 400, move_form=form)
    try:
        dispute = services.move_dispute(
            request.user, dispute, form.cleaned_data["to_status"], form.cleaned_data["text"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        dispute = get_dispute_for_user(request.user, pk)
        return _dispute_response(request, dispute, _status_of(error), move_form=form)
    messages.success(
        request, _("The dispute is now %(status)s.") % {"status": dispute.get_status_display()}
    )
    if not request.htmx:
        return redirect(_detail_url(dispute))
    return _dispute_response(request, dispute)


@require_POST
@viewer_required
def dispute_propose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute_for_user(request.user, pk)
    if not can_propose_decision(request.user, dispute, request.POST.get("decision", "")):
        raise PermissionDenied
    form = ProposalForm(request.POST)
    if not form.is_valid():
        return _dispute_response(request, dispute, 400, proposal_form=form)
    try:
        services.propose_decision(
            request.user, dispute, form.cleaned_data["decision"], form.cleaned_data["text"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        dispute = get_dispute_for_user(request.user, pk)
        return _dispute_response(request, dispute, _status_of(error), proposal_form=form)
    messages.success(
        request,
        _("Proposal recorded. It takes effect when a co-chair of the other party concurs."),
    )
    dispute = get_dispute_for_user(request.user, pk)
    if not request.htmx:
        return redirect(_detail_url(dispute, "proposal"))
    return _dispute_response(request, dispute)


def _proposal_of(request: HtmxHttpRequest, dispute: Dispute) -> DisputeProposal:
    """The proposal of this dispute the form names (decided or not): 404 for any other."""
    proposal_id = parse_id(request.POST.get("proposal"))
    if proposal_id is None:
        raise Http404
    return get_object_or_404(dispute.proposals.all(), pk=proposal_id)


@require_POST
@viewer_required
def dispute_concur(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute_for_user(request.user, pk)
    proposal = _proposal_of(request, dispute)
    if not can_decide_proposal(request.user, proposal):
        raise PermissionDenied
    form = ConcurForm(request.POST)
    if not form.is_valid():
        return _dispute_response(request, dispute, 400, concur_form=form)
    try:
        dispute = services.concur(request.user, proposal, form.cleaned_data["note"])
    except ValidationError as error:
        form.add_error(None, error)
        dispute = get_dispute_for_user(request.user, pk)
        return _dispute_response(request, dispute, _status_of(error), concur_form=form)
    messages.success(
        request, _("The dispute is now %(status)s.") % {"status": dispute.get_status_display()}
    )
    if not request.htmx:
        return redirect(_detail_url(dispute))
    return _dispute_response(request, dispute)


@require_POST
@viewer_required
def dispute_reject(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute_for_user(request.user, pk)
    proposal = _proposal_of(request, dispute)
    if not can_decide_proposal(request.user, proposal):
        raise PermissionDenied
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _dispute_response(request, dispute, 400, reject_form=form)
    try:
        services.reject(request.user, proposal, form.cleaned_data["reason"])
    except ValidationError as error:
        form.add_error(None, error)
        dispute = get_dispute_for_user(request.user, pk)
        return _dispute_response(request, dispute, _status_of(error), reject_form=form)
    messages.success(request, _("Proposal rejected; the dispute stays open."))
    dispute = get_dispute_for_user(request.user, pk)
    if not request.htmx:
        return redirect(_detail_url(dispute))
    return _dispute_response(request, dispute)


@require_POST
@viewer_required
def dispute_position(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute_for_user(request.user, pk)
    if not can_record_position(request.user, dispute):
        raise PermissionDenied
    form = PositionForm(request.POST)
    if not form.is_valid():
        return _dispute_response(request, dispute, 400, position_form=form)
    try:
        services.record_position(request.user, dispute, form.cleaned_data["responding_position"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _dispute_response(request, dispute, _status_of(error))
    messages.success(request, _("Position recorded."))
    dispute = get_dispute_for_user(request.user, pk)
    if not request.htmx:
        return redirect(_detail_url(dispute, "positions"))
    return _dispute_response(request, dispute)


@require_POST
@viewer_required
def dispute_comment(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute_for_user(request.user, pk)
    if not can_comment(request.user, dispute):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comment_refused(request, dispute, form, 400)
    try:
        event = services.add_comment(request.user, dispute, form.cleaned_data["text"])
    except ValidationError as error:
        form.add_error(None, error)
        return _comment_refused(request, dispute, form, _status_of(error))
    if not request.htmx:
        return redirect(_detail_url(dispute, f"event-{event.pk}"))
    # The new entry goes at the end of the timeline; an empty form replaces the used one.
    event = DisputeEvent.objects.select_related("author").get(pk=event.pk)
    return render(
        request,
        "disputes/dispute_detail.html#comment_added",
        {"dispute": dispute, "event": event, "comment_form": CommentForm(), "may_comment": True},
    )


def _comment_refused(
    request: HtmxHttpRequest, dispute: Dispute, form: CommentForm, status: int
) -> HttpResponse:
    if request.htmx:
        # The form posts into the timeline list; its errors replace the form instead.
        response = render(
            request,
            "disputes/dispute_detail.html#comment_form",
            {"dispute": dispute, "comment_form": form, "may_comment": True},
            status=status,
        )
        return reswap(retarget(response, "#comment-form"), "outerHTML")
    return render(
        request,
        "disputes/dispute_detail.html",
        _detail_context(request, dispute, comment_form=form),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def dispute_visibility(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Make the dispute (positions, timeline, proposals) public or task-force only."""
    if not can_change_visibility(request.user):
        raise PermissionDenied
    dispute = get_dispute_for_user(request.user, pk)
    return visibility_page(
        request,
        record=dispute,
        what=_("Dispute: %(title)s, with its positions and timeline.") % {"title": dispute.title},
        back_url=_detail_url(dispute),
        change=lambda visibility, reason: services.change_visibility(
            request.user, dispute, visibility, reason
        ),
    )
