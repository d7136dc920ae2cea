"""Every change to a dispute: raising, moving it between statuses, positions and comments.

Each function is atomic, writes the dispute's history (django-simple-history) when the
dispute row changes, and appends a DisputeEvent to the timeline. The state machine lives
here (``ALLOWED_MOVES``); who may make a move is asked of
``tracker.accounts.permissions.can_move_dispute``. A move the state machine does not allow
raises ValidationError with the reason, and nothing is written. Each function takes the moment
it happens as the keyword ``at`` (default: now): the timeline entry, the raising and resolution
dates and the history rows carry it.

Decisions taken here:
- A resolved or withdrawn dispute is final: no further moves, positions or comments, so the
  record the governments read ends with its outcome.
- The timeline opens with the raising itself (a status change into ``raised``).
- The responding party may record its position again; the dispute keeps the latest text and
  the timeline keeps every version.
- Resolving and withdrawing take two keys (tracker.core.twokey): ``propose_decision`` records a
  co-chair's proposal (a ``proposal`` entry on the timeline) and the dispute keeps its status;
  ``concur`` by a co-chair of the other party makes the move (a status change on the
  timeline, linked to the proposal); ``reject`` closes the proposal with a reason (a
  ``rejection`` entry). ``move_dispute`` refuses resolved and withdrawn.
- A new proposal supersedes the open one (a counter-proposal); so does any other status move
  (acknowledging, consultation, escalation), since the proposal was made on a dispute in
  another state. Positions and comments do not: they are the discussion of the proposal.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import User
from tracker.accounts.permissions import (
    can_change_visibility,
    can_comment,
    can_decide_proposal,
    can_move_dispute,
    can_propose_decision,
    can_raise_dispute,
    can_record_position,
)
from tracker.core import events, twokey
from tracker.core import services as core_services
from tracker.core.history import create_recorded, stamp
from tracker.core.models import Agreement, Party, Provision, Visibility
from tracker.disputes.models import (
    CLOSED_DISPUTE_STATUSES,
    RESPONSE_DAYS,
    Dispute,
    DisputeEvent,
    DisputeProposal,
    DisputeStatus,
)

S = DisputeStatus
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    S.RAISED: (S.ACKNOWLEDGED, S.WITHDRAWN),
    S.ACKNOWLEDGED: (S.UNDER_CONSULTATION, S.ESCALATED, S.RESOLVED, S.WITHDRAWN),
    S.UNDER_CONSULTATION: (S.ESCALATED, S.RESOLVED, S.WITHDRAWN),
    S.ESCALATED: (S.UNDER_CONSULTATION, S.RESOLVED, S.WITHDRAWN),
    S.RESOLVED: (),
    S.WITHDRAWN: (),
}
#: The moves that take two keys: a proposal and the other party's concurrence.
TWO_KEY_MOVES = (S.RESOLVED, S.WITHDRAWN)


def other_party(party: str) -> str:
    return Party.UA if party == Party.US else Party.US


def _label(status: str) -> str:
    return str(dict(DisputeStatus.choices).get(status, status))


def allowed_moves(dispute: Dispute) -> tuple[str, ...]:
    return ALLOWED_MOVES.get(dispute.status, ())


def moves_for(user: User, dispute: Dispute) -> list[str]:
    """The single-key moves this user may make now: allowed by the state machine and by their
    role."""
    return [
        status
        for status in allowed_moves(dispute)
        if status not in TWO_KEY_MOVES and can_move_dispute(user, dispute, status)
    ]


def proposals_for(user: User, dispute: Dispute) -> list[str]:
    """The decisions (resolved, withdrawn) this user may propose now."""
    return [
        status
        for status in allowed_moves(dispute)
        if status in TWO_KEY_MOVES and can_propose_decision(user, dispute, status)
    ]


def open_proposal(dispute: Dispute) -> DisputeProposal | None:
    return (
        dispute.proposals.filter(outcome=twokey.Outcome.OPEN).select_related("proposed_by").first()
    )


def _refuse_if_closed(dispute: Dispute) -> None:
    if dispute.status in CLOSED_DISPUTE_STATUSES:
        raise ValidationError(
            _("This dispute is %(status)s; its record is closed.")
            % {"status": _label(dispute.status).lower()},
            code="closed",
        )


def _locked(dispute: Dispute) -> Dispute:
    # Read the current row under a lock: the page the person acted on may be out of date.
    return Dispute.objects.select_for_update().get(pk=dispute.pk)


def _supersede_open_proposal(user: User, dispute: Dispute, at: datetime.datetime) -> None:
    """Called with the dispute's row locked, so no proposal of it is decided meanwhile."""
    for proposal in dispute.proposals.select_for_update().filter(outcome=twokey.Outcome.OPEN):
        stamp(proposal, by=user, at=at)
        twokey.decide(proposal, twokey.Outcome.SUPERSEDED, by=None, at=at)


def _refuse_unless_allowed(dispute: Dispute, to_status: str) -> None:
    allowed = allowed_moves(dispute)
    if to_status in allowed:
        return
    if not allowed:
        _refuse_if_closed(dispute)
    raise ValidationError(
        _("A dispute that is %(current)s cannot become %(target)s. It can become: %(allowed)s.")
        % {
            "current": _label(dispute.status).lower(),
            "target": _label(to_status).lower(),
            "allowed": ", ".join(_label(status).lower() for status in allowed),
        },
        code="not_allowed",
    )


@transaction.atomic
def raise_dispute(
    user: User,
    *,
    agreement: Agreement,
    provisions: Iterable[Provision],
    raised_by_party: str,
    title: str,
    description: str,
    raising_position: str,
    visibility: str = Visibility.TASK_FORCE,
    at: datetime.datetime | None = None,
) -> Dispute:
    """A delegate raises a dispute for their own party; the other party is to respond. It is
    task-force only (with its positions and timeline) unless ``visibility`` makes it public."""
    if not can_raise_dispute(user, raised_by_party):
        raise PermissionDenied
    provisions = list(provisions)
    if not provisions:
        raise ValidationError({"provisions": _("Choose at least one provision.")})
    if any(provision.agreement_id != agreement.pk for provision in provisions):
        raise ValidationError(
            {"provisions": _("Choose provisions of the agreement the dispute is about.")}
        )
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read it.")})
    at = at or timezone.now()
    raised_on = timezone.localdate(at)
    dispute = Dispute(
        visibility=visibility,
        agreement=agreement,
        raised_by_party=raised_by_party,
        responding_party=other_party(raised_by_party),
        raised_by=user,
        raised_on=raised_on,
        response_due=raised_on + datetime.timedelta(days=RESPONSE_DAYS),
        title=title,
        description=description,
        raising_position=raising_position,
        status=DisputeStatus.RAISED,
        created_at=at,
    )
    stamp(dispute, by=user, at=at)
    dispute.save()
    dispute.provisions.set(provisions)
    event = create_recorded(
        DisputeEvent,
        by=user,
        at=at,
        dispute=dispute,
        kind=DisputeEvent.Kind.TRANSITION,
        author=user,
        created_at=at,
        to_status=DisputeStatus.RAISED,
        text=description,
    )
    events.dispute_raised.send(Dispute, dispute=dispute, event=event, actor=user, at=at)
    return dispute


@transaction.atomic
def move_dispute(
    user: User,
    dispute: Dispute,
    to_status: str,
    text: str = "",
    *,
    at: datetime.datetime | None = None,
) -> Dispute:
    """The one way a dispute changes status by one party alone (not resolved, withdrawn)."""
    dispute = _locked(dispute)
    at = at or timezone.now()
    if to_status not in DisputeStatus.values:
        raise ValidationError({"to_status": _("Choose a status.")})
    _refuse_unless_allowed(dispute, to_status)
    if to_status in TWO_KEY_MOVES:
        raise ValidationError(
            _(
                "Resolving or withdrawing a dispute takes both parties: propose it, and it "
                "takes effect when a co-chair of the other party concurs."
            ),
            code="two_key",
        )
    if not can_move_dispute(user, dispute, to_status):
        raise PermissionDenied
    text = text.strip()
    _supersede_open_proposal(user, dispute, at)
    return _apply_move(user, dispute, to_status, text, at=at)


def _apply_move(
    user: User,
    dispute: Dispute,
    to_status: str,
    text: str,
    *,
    at: datetime.datetime,
    proposal: DisputeProposal | None = None,
) -> Dispute:
    """Write a move the caller has checked: the row (with its history), the timeline, the
    signal. A concurred proposal brings the resolution."""
    from_status = dispute.status
    dispute.status = to_status
    fields = ["status"]
    if to_status == DisputeStatus.RESOLVED and proposal is not None:
        dispute.resolution = proposal.text
        dispute.resolved_on = timezone.localdate(at)
        fields += ["resolution", "resolved_on"]
    stamp(dispute, by=user, at=at, reason=text)
    dispute.save(update_fields=fields)
    event = create_recorded(
        DisputeEvent,
        by=user,
        at=at,
        dispute=dispute,
        kind=DisputeEvent.Kind.TRANSITION,
        author=user,
        created_at=at,
        from_status=from_status,
        to_status=to_status,
        text=text,
        proposal=proposal,
    )
    events.dispute_moved.send(Dispute, dispute=dispute, event=event, actor=user, at=at)
    return dispute


@transaction.atomic
def propose_decision(
    user: User,
    dispute: Dispute,
    decision: str,
    text: str,
    *,
    at: datetime.datetime | None = None,
) -> DisputeProposal:
    """The first key: a co-chair proposes resolving (``text`` is the resolution) or
    withdrawing (``text`` is the reason) the dispute. The dispute keeps its status."""
    dispute = _locked(dispute)
    at = at or timezone.now()
    if decision not in TWO_KEY_MOVES:
        raise ValidationError({"decision": _("Choose a decision.")})
    _refuse_unless_allowed(dispute, decision)
    if not can_propose_decision(user, dispute, decision):
        raise PermissionDenied
    text = text.strip()
    if not text:
        if decision == DisputeStatus.RESOLVED:
            message = _("Write the resolution you propose: resolving needs it.")
        else:
            message = _("Give the reason for withdrawing the dispute.")
        raise ValidationError({"text": message})
    _supersede_open_proposal(user, dispute, at)
    proposal = DisputeProposal(
        dispute=dispute,
        decision=decision,
        proposed_by=user,
        proposer_party=user.party,
        proposed_at=at,
        text=text,
    )
    stamp(proposal, by=user, at=at, reason=text)
    proposal.save()
    create_recorded(
        DisputeEvent,
        by=user,
        at=at,
        dispute=dispute,
        kind=DisputeEvent.Kind.PROPOSAL,
        author=user,
        created_at=at,
        to_status=decision,
        text=text,
        proposal=proposal,
    )
    events.decision_proposed.send(Dispute, dispute=dispute, proposal=proposal, actor=user, at=at)
    return proposal


def _locked_proposal(proposal: DisputeProposal) -> tuple[Dispute, DisputeProposal]:
    # The dispute first, as every service of a dispute locks it first: no deadlock.
    dispute = _locked(proposal.dispute)
    return dispute, DisputeProposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def concur(
    user: User,
    proposal: DisputeProposal,
    note: str = "",
    *,
    at: datetime.datetime | None = None,
) -> Dispute:
    """The second key: a co-chair of the other party concurs, and the decision takes effect."""
    dispute, proposal = _locked_proposal(proposal)
    at = at or timezone.now()
    if not can_decide_proposal(user, proposal):
        raise PermissionDenied
    note = note.strip()
    stamp(proposal, by=user, at=at, reason=note)
    twokey.decide(proposal, twokey.Outcome.CONCURRED, by=user, at=at, note=note)
    # An open proposal is superseded by every other move, so its move is still allowed.
    _refuse_unless_allowed(dispute, proposal.decision)
    return _apply_move(user, dispute, proposal.decision, note, at=at, proposal=proposal)


@transaction.atomic
def reject(
    user: User,
    proposal: DisputeProposal,
    reason: str,
    *,
    at: datetime.datetime | None = None,
) -> DisputeProposal:
    """The other party's co-chair rejects the proposal, with the reason; nothing else moves."""
    dispute, proposal = _locked_proposal(proposal)
    at = at or timezone.now()
    if not can_decide_proposal(user, proposal):
        raise PermissionDenied
    stamp(proposal, by=user, at=at, reason=reason.strip())
    twokey.decide(proposal, twokey.Outcome.REJECTED, by=user, at=at, note=reason)
    create_recorded(
        DisputeEvent,
        by=user,
        at=at,
        dispute=dispute,
        kind=DisputeEvent.Kind.REJECTION,
        author=user,
        created_at=at,
        text=proposal.decision_note,
        proposal=proposal,
    )
    events.decision_rejected.send(Dispute, dispute=dispute, proposal=proposal, actor=user, at=at)
    return proposal


@transaction.atomic
def record_position(
    user: User, dispute: Dispute, position: str, *, at: datetime.datetime | None = None
) -> DisputeEvent:
    """The responding party states (or restates) its position."""
    if not can_record_position(user, dispute):
        raise PermissionDenied
    dispute = _locked(dispute)
    at = at or timezone.now()
    _refuse_if_closed(dispute)
    position = position.strip()
    if not position:
        raise ValidationError({"responding_position": _("Write the position.")})
    dispute.responding_position = position
    stamp(dispute, by=user, at=at, reason=position)
    dispute.save(update_fields=["responding_position"])
    event = create_recorded(
        DisputeEvent,
        by=user,
        at=at,
        dispute=dispute,
        kind=DisputeEvent.Kind.POSITION,
        author=user,
        created_at=at,
        text=position,
    )
    events.dispute_moved.send(Dispute, dispute=dispute, event=event, actor=user, at=at)
    return event


@transaction.atomic
def add_comment(
    user: User, dispute: Dispute, text: str, *, at: datetime.datetime | None = None
) -> DisputeEvent:
    if not can_comment(user, dispute):
        raise PermissionDenied
    dispute = _locked(dispute)
    at = at or timezone.now()
    _refuse_if_closed(dispute)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    return create_recorded(
        DisputeEvent,
        by=user,
        at=at,
        dispute=dispute,
        kind=DisputeEvent.Kind.COMMENT,
        author=user,
        created_at=at,
        text=text,
    )


@transaction.atomic
def change_visibility(
    user: User,
    dispute: Dispute,
    visibility: str,
    reason: str,
    *,
    at: datetime.datetime | None = None,
) -> bool:
    """A co-chair or a monitor makes a dispute (with its positions, timeline and proposals)
    public or task-force only, with the reason in its history."""
    if not can_change_visibility(user):
        raise PermissionDenied
    return core_services.change_visibility(
        Dispute, dispute.pk, visibility, reason, user=user, at=at
    )[1]
