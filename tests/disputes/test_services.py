import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.disputes.conftest import make_dispute, set_status, snapshot
from tracker.disputes import services
from tracker.disputes.models import Dispute, DisputeEvent, DisputeStatus

S = DisputeStatus


def test_raising_sets_the_other_party_and_a_response_date_thirty_days_on(member_us, provision):
    dispute = make_dispute(member_us, provision)

    assert (dispute.raised_by_party, dispute.responding_party, dispute.status) == (
        "US",
        "UA",
        "raised",
    )
    assert dispute.response_due - dispute.raised_on == datetime.timedelta(days=30)
    assert list(dispute.provisions.all()) == [provision]
    event = dispute.events.get()
    assert (event.kind, event.from_status, event.to_status, event.author) == (
        "transition",
        "",
        "raised",
        member_us,
    )
    assert {record.history_user for record in dispute.history.all()} == {member_us}


def test_nobody_raises_a_dispute_for_the_other_party(member_us, provision):
    with pytest.raises(PermissionDenied):
        make_dispute(member_us, provision, raised_by_party="UA")
    assert not Dispute.objects.exists()


def test_monitor_cannot_raise_a_dispute(monitor, provision):
    with pytest.raises(PermissionDenied):
        make_dispute(monitor, provision, raised_by_party="US")


def test_provisions_must_belong_to_the_agreement(member_us, provision, agreement):
    from tracker.core.models import Agreement

    other = Agreement.objects.create(
        title="Another", short_name="another", signed_on=datetime.date(2024, 1, 1), place="Kyiv"
    )
    with pytest.raises(ValidationError):
        make_dispute(member_us, provision, agreement=other)
    assert not Dispute.objects.exists()


# Who makes each allowed single-key move in these tests, for a dispute raised by the US.
# Resolving and withdrawing take two keys: tests/disputes/test_two_key.py.
MOVER = {
    S.ACKNOWLEDGED: "chair_ua",
    S.UNDER_CONSULTATION: "chair_us",
    S.ESCALATED: "chair_ua",
}
GRAPH = [
    (source, target) for source, targets in services.ALLOWED_MOVES.items() for target in targets
]
ALLOWED = [(source, target) for source, target in GRAPH if target in MOVER]
REFUSED = [
    (source, target)
    for source in S.values
    for target in S.values
    if target != S.RAISED and (source, target) not in GRAPH
]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_move_changes_status_and_writes_history_and_event(request, dispute, source, target):
    user = request.getfixturevalue(MOVER[target])
    set_status(dispute, source)
    history_before = dispute.history.count()

    moved = services.move_dispute(user, dispute, target, "Note on the move")

    assert moved.status == target
    assert dispute.history.count() == history_before + 1
    assert dispute.history.first().history_user == user
    event = dispute.events.last()
    assert (event.kind, event.from_status, event.to_status, event.author) == (
        "transition",
        source,
        target,
        user,
    )
    assert event.text.startswith("Note on the move")


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_move_outside_the_graph_is_refused_with_the_reason_and_changes_nothing(
    chair_us, chair_ua, dispute, source, target
):
    set_status(dispute, source)
    before = snapshot(dispute)

    with pytest.raises(ValidationError) as refused:
        services.move_dispute(chair_ua, dispute, target, "Try")

    message = " ".join(refused.value.messages)
    assert "cannot become" in message or "record is closed" in message
    assert snapshot(dispute) == before


@pytest.mark.parametrize("user", ["chair_us", "member_ua", "member_us", "monitor", "observer"])
def test_only_the_responding_partys_co_chair_acknowledges(request, dispute, user):
    before = snapshot(dispute)
    with pytest.raises(PermissionDenied):
        services.move_dispute(request.getfixturevalue(user), dispute, S.ACKNOWLEDGED)
    assert snapshot(dispute) == before


@pytest.mark.parametrize("target", [S.UNDER_CONSULTATION, S.ESCALATED])
def test_members_cannot_consult_or_escalate(member_us, member_ua, dispute, target):
    set_status(dispute, S.ACKNOWLEDGED)
    before = snapshot(dispute)
    for member in (member_us, member_ua):
        with pytest.raises(PermissionDenied):
            services.move_dispute(member, dispute, target)
    assert snapshot(dispute) == before


@pytest.mark.parametrize("target", [S.RESOLVED, S.WITHDRAWN])
def test_nobody_resolves_or_withdraws_a_dispute_in_one_step(chair_us, chair_ua, dispute, target):
    set_status(dispute, S.UNDER_CONSULTATION)
    before = snapshot(dispute)
    for chair in (chair_us, chair_ua):
        with pytest.raises(ValidationError) as refused:
            services.move_dispute(chair, dispute, target, "Settled")
        assert refused.value.code == "two_key"
    assert snapshot(dispute) == before


def test_a_stale_move_reads_the_current_status(chair_ua, chair_us, dispute):
    stale = Dispute.objects.get(pk=dispute.pk)
    services.move_dispute(chair_ua, dispute, S.ACKNOWLEDGED)
    with pytest.raises(ValidationError):
        services.move_dispute(chair_ua, stale, S.ACKNOWLEDGED)
    assert dispute.events.filter(to_status=S.ACKNOWLEDGED).count() == 1


def test_responding_party_records_its_position(member_ua, dispute):
    event = services.record_position(member_ua, dispute, "  We will share it in April.  ")
    dispute.refresh_from_db()
    assert dispute.responding_position == "We will share it in April."
    assert (event.kind, event.text) == ("position", "We will share it in April.")
    assert dispute.history.first().history_user == member_ua


def test_raising_party_cannot_record_the_responding_position(member_us, dispute):
    before = snapshot(dispute)
    with pytest.raises(PermissionDenied):
        services.record_position(member_us, dispute, "Not ours to say")
    assert snapshot(dispute) == before


@pytest.mark.parametrize("user", ["member_ua", "chair_us", "monitor"])
def test_delegates_and_monitors_comment(request, dispute, user):
    event = services.add_comment(request.getfixturevalue(user), dispute, "A comment")
    assert (event.kind, event.text) == (DisputeEvent.Kind.COMMENT, "A comment")


def test_observer_cannot_comment(observer, dispute):
    with pytest.raises(PermissionDenied):
        services.add_comment(observer, dispute, "A comment")


@pytest.mark.parametrize("final", [S.RESOLVED, S.WITHDRAWN])
def test_a_closed_dispute_takes_no_comment_or_position(member_ua, dispute, final):
    set_status(dispute, final)
    before = snapshot(dispute)
    with pytest.raises(ValidationError):
        services.add_comment(member_ua, dispute, "Late comment")
    with pytest.raises(ValidationError):
        services.record_position(member_ua, dispute, "Late position")
    assert snapshot(dispute) == before


def test_response_is_overdue_only_while_still_raised_after_the_due_date(dispute):
    Dispute.objects.filter(pk=dispute.pk).update(
        raised_on=datetime.date(2026, 1, 1), response_due=datetime.date(2026, 1, 31)
    )
    dispute.refresh_from_db()
    assert dispute.response_overdue
    assert not set_status(dispute, S.ACKNOWLEDGED).response_overdue


def test_moves_for_lists_only_what_the_user_may_do_now(chair_ua, chair_us, member_us, dispute):
    assert services.moves_for(chair_ua, dispute) == [S.ACKNOWLEDGED]
    assert services.moves_for(member_us, dispute) == []
    assert services.proposals_for(chair_us, dispute) == [S.WITHDRAWN]
    assert services.proposals_for(chair_ua, dispute) == []
    set_status(dispute, S.UNDER_CONSULTATION)
    assert services.proposals_for(chair_ua, dispute) == [S.RESOLVED]
    assert services.proposals_for(member_us, dispute) == []
    set_status(dispute, S.RESOLVED)
    assert services.moves_for(chair_ua, dispute) == []
    assert services.proposals_for(chair_us, dispute) == []


# --- the moment of each change -------------------------------------------------------------

# A past moment, as a replay of earlier events passes it: 22:30 UTC is the next day in Kyiv.
PAST = datetime.datetime(2026, 10, 5, 22, 30, tzinfo=datetime.UTC)


def test_a_dispute_raised_at_a_past_moment_is_dated_then(member_us, provision):
    dispute = make_dispute(member_us, provision, at=PAST)

    assert dispute.raised_on == timezone.localdate(PAST) == datetime.date(2026, 10, 6)
    assert dispute.response_due == datetime.date(2026, 11, 5)
    assert dispute.created_at == PAST
    assert dispute.events.get().created_at == PAST
    assert {record.history_date for record in dispute.history.all()} == {PAST}


def test_moves_positions_and_comments_at_past_moments_are_dated_then(
    chair_ua, chair_us, member_ua, monitor, dispute
):
    moments = [PAST + datetime.timedelta(days=n) for n in (1, 2, 3, 4, 5)]

    services.move_dispute(chair_ua, dispute, S.ACKNOWLEDGED, "Received.", at=moments[0])
    services.record_position(member_ua, dispute, "Our view.", at=moments[1])
    services.add_comment(monitor, dispute, "Noted.", at=moments[2])
    proposal = services.propose_decision(
        chair_ua, dispute, S.RESOLVED, "Agreed schedule.", at=moments[3]
    )
    dispute = services.concur(chair_us, proposal, at=moments[4])

    events = list(dispute.events.order_by("id"))
    assert [event.created_at for event in events[1:]] == moments
    assert dispute.resolved_on == timezone.localdate(moments[4])
    proposal.refresh_from_db()
    assert (proposal.proposed_at, proposal.decided_at) == (moments[3], moments[4])
    # The dispute was raised today; the three changes of its row follow in the order made.
    history = dispute.history.order_by("history_id")
    assert [record.history_date for record in history][-3:] == [
        moments[0],
        moments[1],
        moments[4],
    ]
