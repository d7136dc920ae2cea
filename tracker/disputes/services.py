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
    can_comment,
    can_move_dispute,
    can_raise_dispute,
    can_record_position,
)
from tracker.core import events
from tracker.core.history import create_recorded
from tracker.core.models import Agreement, Party, Provision
from tracker.disputes.models import (
    CLOSED_DISPUTE_STATUSES,
    RESPONSE_DAYS,
    Dispute,
    DisputeEvent,
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
# The history's reason column is short; the full text is on the row and in the timeline.
REASON_LENGTH = 100


def other_party(party: str) -> str:
    return Party.UA if party == Party.US else Party.US


def _label(status: str) -> str:
    return str(dict(DisputeStatus.choices).get(status, status))


def allowed_moves(dispute: Dispute) -> tuple[str, ...]:
    return ALLOWED_MOVES.get(dispute.status, ())


def moves_for(user: User, dispute: Dispute) -> list[str]:
    """The moves this user may make now: allowed by the state machine and by their role."""
    return [status for status in allowed_moves(dispute) if can_move_dispute(user, dispute, status)]


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
    at: datetime.datetime | None = None,
) -> Dispute:
    """A delegate raises a dispute for their own party; the other party is to respond."""
    if not can_raise_dispute(user, raised_by_party):
        raise PermissionDenied
    provisions = list(provisions)
    if not provisions:
        raise ValidationError({"provisions": _("Choose at least one provision.")})
    if any(provision.agreement_id != agreement.pk for provision in provisions):
        raise ValidationError(
            {"provisions": _("Choose provisions of the agreement the dispute is about.")}
        )
    at = at or timezone.now()
    raised_on = timezone.localdate(at)
    dispute = Dispute(
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
    dispute._history_user = user
    dispute._history_date = at
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
    resolution: str = "",
    *,
    at: datetime.datetime | None = None,
) -> Dispute:
    """The one way a dispute changes status."""
    dispute = _locked(dispute)
    at = at or timezone.now()
    if to_status not in DisputeStatus.values:
        raise ValidationError({"to_status": _("Choose a status.")})
    if to_status not in allowed_moves(dispute):
        allowed = allowed_moves(dispute)
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
    if not can_move_dispute(user, dispute, to_status):
        raise PermissionDenied
    text, resolution = text.strip(), resolution.strip()
    if to_status == DisputeStatus.RESOLVED and not resolution:
        raise ValidationError(
            {"resolution": _("Write the resolution the parties agreed: resolving needs it.")}
        )
    from_status = dispute.status
    dispute.status = to_status
    fields = ["status"]
    if to_status == DisputeStatus.RESOLVED:
        dispute.resolution = resolution
        dispute.resolved_on = timezone.localdate(at)
        fields += ["resolution", "resolved_on"]
    dispute._history_user = user
    dispute._history_date = at
    dispute._change_reason = (text or resolution)[:REASON_LENGTH] or None
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
        text="\n\n".join(part for part in (text, resolution) if part),
    )
    events.dispute_moved.send(Dispute, dispute=dispute, event=event, actor=user, at=at)
    return dispute


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
    dispute._history_user = user
    dispute._history_date = at
    dispute._change_reason = position[:REASON_LENGTH]
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
