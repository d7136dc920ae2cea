"""The moment a check or corrective action is written: `at`, as a replay of past events passes
it, dates the rows and the history, and is the day a check may not be dated after."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tracker.monitoring import services
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

PAST = datetime.datetime(2026, 2, 17, 14, 0, tzinfo=datetime.UTC)


def check_fields(provision, **fields) -> dict:
    return {
        "provision": provision,
        "criterion": "Impact assessments include a public consultation",
        "checked_on": datetime.date(2026, 2, 17),
        "result": "non_compliant",
        "severity": "major",
        "finding": "Three hearings were missing.",
        **fields,
    }


ACTION = {
    "description": "Repeat the consultations",
    "owner_party": "UA",
    "due_date": datetime.date(2026, 5, 31),
}


def test_a_check_recorded_at_a_past_moment_is_dated_then_with_its_first_action(monitor, provision):
    check = services.record_check(monitor, check_fields(provision), first_action=ACTION, at=PAST)

    assert check.created_at == PAST
    record = check.history.get()
    assert (record.history_date, record.history_user) == (PAST, monitor)
    action = check.corrective_actions.get()
    assert action.history.get().history_date == PAST


def test_a_check_may_not_be_dated_after_the_day_it_is_recorded(monitor, provision):
    day_after = datetime.date(2026, 2, 18)

    with pytest.raises(ValidationError) as excinfo:
        services.record_check(monitor, check_fields(provision, checked_on=day_after), at=PAST)

    assert "checked_on" in excinfo.value.message_dict
    assert not MonitoringCheck.objects.exists()


def test_a_past_moment_changes_no_rule(member_ua, provision):
    with pytest.raises(PermissionDenied):
        services.record_check(member_ua, check_fields(provision), at=PAST)
    assert not MonitoringCheck.objects.exists()


def test_a_correction_and_a_new_action_at_a_past_moment_are_dated_then(monitor, provision):
    check = services.record_check(monitor, check_fields(provision), at=PAST)
    later = PAST + datetime.timedelta(days=2)

    services.update_check(
        monitor, check, check_fields(provision, finding="Two."), version=check.version, at=later
    )
    action = services.add_corrective_action(monitor, check, ACTION, at=later)

    assert check.history.latest().history_date == later
    assert check.history.latest().finding == "Two."
    assert action.history.get().history_date == later


def test_an_action_closed_at_a_past_moment_is_dated_then(monitor, provision):
    check = services.record_check(monitor, check_fields(provision), first_action=ACTION, at=PAST)
    closed = datetime.datetime(2026, 5, 20, 12, 0, tzinfo=datetime.UTC)

    action = check.corrective_actions.get()
    action = services.close_corrective_action(
        monitor, action, "Consultations repeated.", version=action.version, at=closed
    )

    action.refresh_from_db()
    assert (action.state, action.closed_at, action.closed_by) == (
        CorrectiveAction.State.DONE,
        closed,
        monitor,
    )
    record = action.history.latest()
    assert (record.history_date, record.history_change_reason) == (
        closed,
        "Consultations repeated.",
    )


def test_without_a_moment_a_check_is_dated_now(monitor, provision):
    now = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        check = services.record_check(monitor, check_fields(provision))

    assert check.created_at == now
    assert check.history.get().history_date == now
