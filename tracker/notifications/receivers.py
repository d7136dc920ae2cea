"""The domain apps' events (tracker.core.events) turned into notifications.

Each receiver runs inside the transaction of the service that sent the event (see
tracker.core.events for why), works out who hears of it (tracker.notifications.recipients)
and writes the notifications with notify(). The key of an event's notification names the
event's own row (the progress update, the dispute timeline entry, the corrective action), so
each event is told once.
"""

from __future__ import annotations

from tracker.core import events
from tracker.notifications import recipients
from tracker.notifications.models import Kind
from tracker.notifications.services import Event, notify


def milestone_completed(sender, *, milestone, update, actor, at, **kwargs) -> None:
    event = Event(
        Kind.AWAITING_VERIFICATION,
        f"awaiting_verification:{milestone.pk}:{update.pk}",
        milestone_id=milestone.pk,
        actor=actor,
        note=update.note,
        at=at,
    )
    notify(event, recipients.verifiers(milestone.responsible_party))


def _to_the_party(kind: str, milestone, update, actor, at) -> None:
    event = Event(
        kind,
        f"{kind}:{milestone.pk}:{update.pk}",
        milestone_id=milestone.pk,
        actor=actor,
        note=update.note,
        at=at,
    )
    notify(event, recipients.delegates(*recipients.parties_of(milestone.responsible_party)))


def milestone_verified(sender, *, milestone, update, actor, at, **kwargs) -> None:
    _to_the_party(Kind.MILESTONE_VERIFIED, milestone, update, actor, at)


def milestone_returned(sender, *, milestone, update, actor, at, **kwargs) -> None:
    _to_the_party(Kind.MILESTONE_RETURNED, milestone, update, actor, at)


def milestone_replanned(sender, *, milestone, old_due_date, actor, at, note="", **kwargs) -> None:
    event = Event(
        Kind.MILESTONE_REPLANNED,
        f"milestone_replanned:{milestone.pk}:{milestone.due_date.isoformat()}:{at.isoformat()}",
        milestone_id=milestone.pk,
        actor=actor,
        note=note,
        due_date=milestone.due_date,
        at=at,
    )
    notify(event, recipients.delegates(*recipients.parties_of(milestone.responsible_party)))


def dispute_raised(sender, *, dispute, event, actor, at, **kwargs) -> None:
    told = Event(
        Kind.DISPUTE_RAISED,
        f"dispute_raised:{dispute.pk}:{event.pk}",
        dispute_id=dispute.pk,
        actor=actor,
        note=dispute.description,
        due_date=dispute.response_due,
        at=at,
    )
    notify(told, recipients.delegates(dispute.responding_party))


def dispute_moved(sender, *, dispute, event, actor, at, **kwargs) -> None:
    told = Event(
        Kind.DISPUTE_MOVED,
        f"dispute_moved:{dispute.pk}:{event.pk}",
        dispute_id=dispute.pk,
        actor=actor,
        note=event.text,
        status=event.to_status,
        at=at,
    )
    notify(told, recipients.delegates(dispute.raised_by_party, dispute.responding_party))


def _decision(kind: str, dispute, proposal, actor, at, *, note: str, to_party: str) -> None:
    told = Event(
        kind,
        f"{kind}:{proposal.pk}",
        dispute_id=dispute.pk,
        actor=actor,
        note=note,
        status=proposal.decision,
        at=at,
    )
    notify(told, recipients.co_chairs(to_party))


def decision_proposed(sender, *, dispute, proposal, actor, at, **kwargs) -> None:
    _decision(
        Kind.DECISION_PROPOSED,
        dispute,
        proposal,
        actor,
        at,
        note=proposal.text,
        to_party=proposal.second_party,
    )


def decision_rejected(sender, *, dispute, proposal, actor, at, **kwargs) -> None:
    _decision(
        Kind.DECISION_REJECTED,
        dispute,
        proposal,
        actor,
        at,
        note=proposal.decision_note,
        to_party=proposal.proposer_party,
    )


def corrective_action_added(sender, *, action, actor, at, **kwargs) -> None:
    event = Event(
        Kind.ACTION_ADDED,
        f"action_added:{action.pk}",
        corrective_action_id=action.pk,
        actor=actor,
        due_date=action.due_date,
        at=at,
    )
    notify(event, recipients.delegates(*recipients.parties_of(action.owner_party)))


def connect() -> None:
    for signal, receiver in (
        (events.milestone_completed, milestone_completed),
        (events.milestone_verified, milestone_verified),
        (events.milestone_returned, milestone_returned),
        (events.milestone_replanned, milestone_replanned),
        (events.dispute_raised, dispute_raised),
        (events.dispute_moved, dispute_moved),
        (events.decision_proposed, decision_proposed),
        (events.decision_rejected, decision_rejected),
        (events.corrective_action_added, corrective_action_added),
    ):
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
