import datetime

from tests.monitoring.conftest import make_action
from tracker.monitoring.models import CorrectiveAction

HTMX = {"HTTP_HX_REQUEST": "true"}
ACTION = {"description": "Publish the minutes", "owner_party": "JOINT", "due_date": "2027-03-01"}


def _state(action: CorrectiveAction) -> tuple:
    action.refresh_from_db()
    return (action.state, action.closed_by_id, action.closing_note, action.history.count())


def test_monitor_adds_a_corrective_action(login, monitor, check):
    response = login(monitor).post(f"/checks/{check.pk}/actions/", ACTION)

    assert response.status_code == 302
    assert response["Location"] == f"/checks/{check.pk}/#actions"
    action = check.corrective_actions.get()
    assert (action.owner_party, action.due_date, action.state) == (
        "JOINT",
        datetime.date(2027, 3, 1),
        "open",
    )
    assert action.history.get().history_user == monitor


def test_htmx_add_returns_the_actions_fragment(login, monitor, check):
    response = login(monitor).post(f"/checks/{check.pk}/actions/", ACTION, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="actions"')
    assert "Publish the minutes" in body
    assert "Corrective action added." in body


def test_action_due_before_the_check_is_refused(login, monitor, check):
    response = login(monitor).post(
        f"/checks/{check.pk}/actions/", {**ACTION, "due_date": "2025-12-31"}
    )
    assert response.status_code == 400
    assert "cannot be before the check" in response.context["action_form"].errors["due_date"][0]
    assert not CorrectiveAction.objects.exists()


def test_htmx_invalid_action_returns_the_fragment_with_errors(login, monitor, check):
    response = login(monitor).post(
        f"/checks/{check.pk}/actions/", {**ACTION, "description": ""}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in body
    assert "This field is required." in body
    assert not CorrectiveAction.objects.exists()


def test_member_cannot_add_a_corrective_action(login, member_ua, check):
    response = login(member_ua).post(f"/checks/{check.pk}/actions/", ACTION)
    assert response.status_code == 403
    assert not CorrectiveAction.objects.exists()


def test_add_action_answers_get_with_405(login, monitor, check):
    assert login(monitor).get(f"/checks/{check.pk}/actions/").status_code == 405


def test_monitor_closes_an_action_with_a_note(login, monitor, action):
    response = login(monitor).post(
        f"/checks/actions/{action.pk}/close/",
        {"closing_note": "Minutes published on 3 March.", "version": 1},
    )

    assert response.status_code == 302
    assert _state(action) == ("done", monitor.pk, "Minutes published on 3 March.", 2)
    assert action.closed_at is not None
    latest = action.history.first()
    assert latest.history_user == monitor
    assert latest.history_change_reason == "Minutes published on 3 March."


def test_htmx_close_returns_the_actions_fragment(login, monitor, action):
    response = login(monitor).post(
        f"/checks/actions/{action.pk}/close/", {"closing_note": "Done.", "version": 1}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="actions"')
    assert "badge-done" in body


def test_closing_without_a_note_is_refused_and_changes_nothing(login, monitor, action):
    before = _state(action)

    response = login(monitor).post(
        f"/checks/actions/{action.pk}/close/", {"closing_note": "  ", "version": 1}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "closing an action needs a note" in page
    assert "<details open>" in page
    assert _state(action) == before


def test_closing_a_closed_action_is_a_conflict(login, monitor, action):
    client = login(monitor)
    client.post(f"/checks/actions/{action.pk}/close/", {"closing_note": "First.", "version": 1})
    before = _state(action)

    response = client.post(
        f"/checks/actions/{action.pk}/close/", {"closing_note": "Second.", "version": 1}
    )

    assert response.status_code == 409
    assert "already closed" in response.content.decode()
    assert _state(action) == before


def test_party_member_cannot_close_their_own_action(login, member_ua, action):
    before = _state(action)
    response = login(member_ua).post(
        f"/checks/actions/{action.pk}/close/", {"closing_note": "We did it.", "version": 1}
    )
    assert response.status_code == 403
    assert _state(action) == before


def test_close_answers_get_with_405(login, monitor, action):
    assert login(monitor).get(f"/checks/actions/{action.pk}/close/").status_code == 405


def test_overdue_flag_only_for_open_actions_past_due(check, monitor):
    past = make_action(check, due_date=datetime.date(2026, 2, 1))
    future = make_action(check, due_date=datetime.date(2099, 2, 1))
    closed = make_action(
        check,
        due_date=datetime.date(2026, 2, 1),
        state="done",
        closed_by=monitor,
        closed_at=check.created_at,
        closing_note="Done",
    )
    assert (past.is_overdue, future.is_overdue, closed.is_overdue) == (True, False, False)


def test_closing_from_a_stale_form_is_refused_with_the_note_kept(login, monitor, action):
    # Changed since the page was rendered (as a correction in the admin would).
    CorrectiveAction.objects.filter(pk=action.pk).update(version=2)
    before = _state(action)

    response = login(monitor).post(
        f"/checks/actions/{action.pk}/close/",
        {"closing_note": "Minutes published on 3 March.", "version": 1},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "someone changed this corrective action in the meantime" in page
    assert "Minutes published on 3 March.</textarea>" in page
    assert 'name="version" value="2"' in page
    assert _state(action) == before


def test_closing_raises_the_version(login, monitor, action):
    login(monitor).post(
        f"/checks/actions/{action.pk}/close/", {"closing_note": "Done.", "version": 1}
    )
    action.refresh_from_db()
    assert (action.state, action.version) == ("done", 2)


def test_closing_without_a_version_is_refused(login, monitor, action):
    before = _state(action)
    response = login(monitor).post(f"/checks/actions/{action.pk}/close/", {"closing_note": "Done."})
    assert response.status_code == 400
    assert _state(action) == before
