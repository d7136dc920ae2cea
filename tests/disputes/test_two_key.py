"""Two-key decisions: resolving or withdrawing a dispute is a proposal by one party's co-chair
that takes effect only when a co-chair of the other party concurs (tracker.core.twokey)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.conftest import make_user
from tests.disputes.conftest import set_status, snapshot
from tracker.accounts.models import Role
from tracker.accounts.permissions import can_decide_proposal
from tracker.core.twokey import Outcome, holds_second_key
from tracker.disputes import services
from tracker.disputes.models import DisputeEvent, DisputeProposal, DisputeStatus

S = DisputeStatus


@pytest.fixture
def consulting(dispute):
    """Raised by the US, under consultation: either party's co-chair may propose to resolve."""
    return set_status(dispute, S.UNDER_CONSULTATION)


def test_a_proposal_leaves_the_dispute_as_it_was_until_the_other_party_concurs(
    chair_us, chair_ua, consulting
):
    proposal = services.propose_decision(chair_us, consulting, S.RESOLVED, " Data by May. ")

    consulting.refresh_from_db()
    assert (consulting.status, consulting.resolution, consulting.resolved_on) == (
        S.UNDER_CONSULTATION,
        "",
        None,
    )
    assert (proposal.outcome, proposal.proposer_party, proposal.text) == (
        Outcome.OPEN,
        "US",
        "Data by May.",
    )
    assert services.open_proposal(consulting) == proposal
    event = consulting.events.last()
    assert (event.kind, event.to_status, event.proposal, event.author) == (
        DisputeEvent.Kind.PROPOSAL,
        S.RESOLVED,
        proposal,
        chair_us,
    )

    resolved = services.concur(chair_ua, proposal, "Agreed.")

    assert (resolved.status, resolved.resolution) == (S.RESOLVED, "Data by May.")
    assert resolved.resolved_on is not None
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.decided_by, proposal.decision_note) == (
        Outcome.CONCURRED,
        chair_ua,
        "Agreed.",
    )
    event = resolved.events.last()
    assert (event.kind, event.from_status, event.to_status, event.proposal, event.author) == (
        DisputeEvent.Kind.TRANSITION,
        S.UNDER_CONSULTATION,
        S.RESOLVED,
        proposal,
        chair_ua,
    )
    assert resolved.history.first().history_user == chair_ua
    assert services.open_proposal(resolved) is None


def test_withdrawal_is_proposed_by_the_raising_party_and_concurred_by_the_other(
    chair_us, chair_ua, dispute
):
    proposal = services.propose_decision(chair_us, dispute, S.WITHDRAWN, "Data received.")
    dispute.refresh_from_db()
    assert dispute.status == S.RAISED

    withdrawn = services.concur(chair_ua, proposal)
    assert withdrawn.status == S.WITHDRAWN
    assert withdrawn.resolution == ""


@pytest.mark.parametrize("person", ["chair_us", "member_us", "member_ua", "monitor", "observer"])
def test_only_a_co_chair_of_the_other_party_concurs(request, chair_us, consulting, person):
    proposal = services.propose_decision(chair_us, consulting, S.RESOLVED, "Data by May.")
    before = snapshot(consulting)

    with pytest.raises(PermissionDenied):
        services.concur(request.getfixturevalue(person), proposal)
    with pytest.raises(PermissionDenied):
        services.reject(request.getfixturevalue(person), proposal, "No.")

    assert snapshot(consulting) == before
    proposal.refresh_from_db()
    assert proposal.outcome == Outcome.OPEN


def test_a_second_co_chair_of_the_proposing_party_does_not_hold_the_second_key(
    chair_us, consulting
):
    second_us_chair = make_user("chair-us-2", Role.CO_CHAIR, "US")
    proposal = services.propose_decision(chair_us, consulting, S.RESOLVED, "Data by May.")

    assert not holds_second_key("US", proposal)
    assert not can_decide_proposal(second_us_chair, proposal)
    with pytest.raises(PermissionDenied):
        services.concur(second_us_chair, proposal)


def test_the_other_party_rejects_with_a_reason_and_the_dispute_stays_open(
    chair_us, chair_ua, consulting
):
    proposal = services.propose_decision(chair_ua, consulting, S.RESOLVED, "Data by May.")
    before = snapshot(consulting)

    with pytest.raises(ValidationError) as refused:
        services.reject(chair_us, proposal, "  ")
    assert "decision_note" in refused.value.message_dict
    assert snapshot(consulting) == before

    services.reject(chair_us, proposal, "May is too late.")

    consulting.refresh_from_db()
    assert consulting.status == S.UNDER_CONSULTATION
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.decided_by, proposal.decision_note) == (
        Outcome.REJECTED,
        chair_us,
        "May is too late.",
    )
    event = consulting.events.last()
    assert (event.kind, event.text, event.proposal) == (
        DisputeEvent.Kind.REJECTION,
        "May is too late.",
        proposal,
    )
    # A decided proposal cannot be concurred with afterwards.
    with pytest.raises(ValidationError) as refused:
        services.concur(chair_us, proposal)
    assert refused.value.code == "decided"


def test_a_new_proposal_supersedes_the_open_one(chair_us, chair_ua, consulting):
    first = services.propose_decision(chair_us, consulting, S.RESOLVED, "Data by May.")
    counter = services.propose_decision(chair_ua, consulting, S.RESOLVED, "Data by April.")

    first.refresh_from_db()
    assert first.outcome == Outcome.SUPERSEDED
    assert first.decided_at is not None
    assert services.open_proposal(consulting) == counter
    with pytest.raises(ValidationError) as refused:
        services.concur(chair_ua, first)
    assert refused.value.code == "decided"

    services.concur(chair_us, counter)
    consulting.refresh_from_db()
    assert consulting.resolution == "Data by April."


def test_a_move_on_the_dispute_supersedes_the_open_proposal(chair_us, chair_ua, consulting):
    proposal = services.propose_decision(chair_us, consulting, S.RESOLVED, "Data by May.")
    services.move_dispute(chair_ua, consulting, S.ESCALATED, "Needs the ministers.")

    proposal.refresh_from_db()
    assert proposal.outcome == Outcome.SUPERSEDED
    with pytest.raises(ValidationError):
        services.concur(chair_ua, proposal)
    consulting.refresh_from_db()
    assert consulting.status == S.ESCALATED


def test_comments_and_positions_leave_the_proposal_open(chair_us, member_ua, monitor, consulting):
    proposal = services.propose_decision(chair_us, consulting, S.RESOLVED, "Data by May.")
    services.add_comment(monitor, consulting, "The portal shows the data.")
    services.record_position(member_ua, consulting, "We can do May.")
    proposal.refresh_from_db()
    assert proposal.outcome == Outcome.OPEN


@pytest.mark.parametrize(
    ("person", "decision"),
    [
        ("member_us", S.RESOLVED),
        ("member_us", S.WITHDRAWN),
        ("chair_ua", S.WITHDRAWN),  # the responding party does not withdraw the claim
        ("monitor", S.RESOLVED),
        ("observer", S.RESOLVED),
    ],
)
def test_who_may_not_propose(request, consulting, person, decision):
    before = snapshot(consulting)
    with pytest.raises(PermissionDenied):
        services.propose_decision(request.getfixturevalue(person), consulting, decision, "Text")
    assert snapshot(consulting) == before
    assert not DisputeProposal.objects.exists()


def test_a_proposal_needs_its_text_and_a_state_that_allows_the_decision(chair_us, dispute):
    with pytest.raises(ValidationError) as refused:
        services.propose_decision(chair_us, dispute, S.WITHDRAWN, "   ")
    assert "text" in refused.value.message_dict
    # A raised dispute is acknowledged before it can be resolved.
    with pytest.raises(ValidationError) as refused:
        services.propose_decision(chair_us, dispute, S.RESOLVED, "Data by May.")
    assert refused.value.code == "not_allowed"
    set_status(dispute, S.RESOLVED)
    with pytest.raises(ValidationError):
        services.propose_decision(chair_us, dispute, S.WITHDRAWN, "Never mind.")
    assert not DisputeProposal.objects.exists()


def test_the_database_holds_one_open_proposal_per_dispute(chair_us, consulting):
    services.propose_decision(chair_us, consulting, S.RESOLVED, "Data by May.")
    with pytest.raises(IntegrityError), transaction.atomic():
        DisputeProposal.objects.create(
            dispute=consulting,
            decision=S.RESOLVED,
            proposed_by=chair_us,
            proposer_party="US",
            text="A second open one",
        )
