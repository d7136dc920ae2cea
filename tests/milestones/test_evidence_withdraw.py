"""Evidence is never deleted: a file recorded in error is withdrawn, with the reason, and
stays on record and downloadable, marked withdrawn wherever it is listed."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from tests.accounts.scenarios import database_snapshot
from tests.milestones.conftest import HTMX, PDF_BYTES, pdf
from tests.monitoring.conftest import make_check
from tracker.audit.models import AuditEntry
from tracker.core.evidence import store_evidence, withdraw_evidence
from tracker.core.models import Evidence
from tracker.milestones import services
from tracker.milestones.models import Status


@pytest.fixture
def evidence(milestone_ua, member_ua) -> Evidence:
    """A file a UA member attached to a progress update of a UA milestone."""
    update = services.update_progress(
        milestone_ua,
        member_ua,
        version=milestone_ua.version,
        status=Status.IN_PROGRESS,
        percent=20,
        note="Minutes attached",
        files=[pdf("minutes.pdf")],
    )
    return update.evidence.get()


def url(evidence: Evidence, next_url: str = "") -> str:
    query = f"?next={next_url}" if next_url else ""
    return f"/evidence/{evidence.pk}/withdraw/{query}"


# --- the service ---------------------------------------------------------------------------


def test_withdrawing_keeps_the_file_and_records_who_when_and_why(evidence, chair_ua):
    at = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)

    withdrawn = withdraw_evidence(evidence, chair_ua, "  Wrong file: draft minutes.  ", at=at)

    evidence.refresh_from_db()
    assert (evidence.withdrawn_at, evidence.withdrawn_by) == (at, chair_ua)
    assert evidence.withdrawal_reason == "Wrong file: draft minutes."
    assert withdrawn.withdrawn
    with evidence.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    record = evidence.history.latest("history_id")
    assert (record.history_user, record.history_date) == (chair_ua, at)
    assert record.history_change_reason == "Wrong file: draft minutes."
    entry = AuditEntry.objects.get(model="core.evidence", change_type="~")
    assert entry.reason == "Wrong file: draft minutes."
    assert json.loads(entry.changes)["withdrawal_reason"] == ["", "Wrong file: draft minutes."]


def test_a_reason_is_required_and_nothing_is_saved_without_one(evidence, chair_ua):
    before = database_snapshot()

    with pytest.raises(ValidationError) as error:
        withdraw_evidence(evidence, chair_ua, "   ")

    assert "reason" in error.value.message_dict
    assert database_snapshot() == before


def test_a_file_is_withdrawn_once(evidence, chair_ua):
    withdraw_evidence(evidence, chair_ua, "Wrong file.")
    before = database_snapshot()

    with pytest.raises(ValidationError, match="already been withdrawn"):
        withdraw_evidence(evidence, chair_ua, "Again.")

    assert database_snapshot() == before


# --- the page and the htmx form -----------------------------------------------------------


def test_the_page_shows_the_form(login, chair_ua, evidence, milestone_ua):
    response = login(chair_ua).get(url(evidence, f"/milestones/{milestone_ua.pk}/"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "minutes.pdf" in body
    assert 'name="reason"' in body
    assert f'value="/milestones/{milestone_ua.pk}/"' in body


def test_htmx_get_gives_the_form_in_place_of_the_files_line(login, chair_ua, evidence):
    response = login(chair_ua).get(url(evidence), headers=HTMX)

    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith(f'<li class="evidence-item" id="evidence-{evidence.pk}">')
    assert 'name="reason"' in body


def test_a_plain_post_withdraws_and_goes_back(login, chair_ua, evidence, milestone_ua):
    back = f"/milestones/{milestone_ua.pk}/"

    response = login(chair_ua).post(url(evidence), {"reason": "Wrong file.", "next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    evidence.refresh_from_db()
    assert evidence.withdrawn


def test_a_foreign_next_is_not_followed(login, chair_ua, evidence):
    response = login(chair_ua).post(
        url(evidence), {"reason": "Wrong file.", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_an_htmx_post_gives_the_line_marked_withdrawn(login, chair_ua, evidence):
    response = login(chair_ua).post(url(evidence), {"reason": "Wrong file."}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="evidence-{evidence.pk}"' in body
    assert "evidence-withdrawn" in body
    assert "Wrong file." in body
    assert "Chair Ua" in body


def test_no_reason_is_refused_beside_the_field(login, chair_ua, evidence):
    client = login(chair_ua)
    before = database_snapshot()

    response = client.post(url(evidence), {"reason": ""}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="reason"' in body
    assert "This field is required." in body
    assert database_snapshot() == before


def test_a_second_withdrawal_is_refused_with_the_reason(login, chair_ua, evidence):
    withdraw_evidence(evidence, chair_ua, "Wrong file.")
    client = login(chair_ua)
    before = database_snapshot()

    response = client.post(url(evidence), {"reason": "Again"})

    assert response.status_code == 200
    assert "This file has already been withdrawn." in response.content.decode()
    assert database_snapshot() == before


def test_wrong_method_is_refused(login, chair_ua, evidence):
    assert login(chair_ua).put(url(evidence)).status_code == 405


@pytest.mark.parametrize("role", ["member_ua", "chair_us", "monitor", "observer", "staff_admin"])
def test_others_may_not_withdraw_a_delegations_file(request, login, evidence, role):
    client = login(request.getfixturevalue(role))
    before = database_snapshot()

    response = client.post(url(evidence), {"reason": "Mine now"})

    # A task-force file does not exist for an observer (404); the others are refused.
    assert response.status_code == (404 if role == "observer" else 403)
    assert database_snapshot() == before


def test_a_monitor_withdraws_a_monitors_file(login, monitor, provision, db):
    from tests.conftest import make_user
    from tracker.accounts.models import Role

    colleague = make_user("monitor-2", Role.MONITOR, "IND")
    check = make_check(provision, colleague)
    check.evidence.add(store_evidence(pdf("photo.pdf"), colleague))
    evidence = check.evidence.get()

    response = login(monitor).post(url(evidence), {"reason": "Photo of another site."})

    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.withdrawn_by == monitor
    page = login(monitor).get(f"/checks/{check.pk}/").content.decode()
    assert "evidence-withdrawn" in page
    assert "Photo of another site." in page


# --- where the file is listed -------------------------------------------------------------


def test_the_milestone_log_offers_the_link_to_those_who_may(login, chair_ua, member_ua, evidence):
    milestone = evidence.progress_updates.get().milestone
    chair_page = login(chair_ua).get(f"/milestones/{milestone.pk}/").content.decode()
    member_page = login(member_ua).get(f"/milestones/{milestone.pk}/").content.decode()

    withdraw = f'href="/evidence/{evidence.pk}/withdraw/?next=/milestones/{milestone.pk}/"'
    assert withdraw in chair_page
    assert f"/evidence/{evidence.pk}/withdraw/" not in member_page


def test_a_withdrawn_file_stays_listed_and_downloadable_marked(login, chair_ua, observer, evidence):
    withdraw_evidence(evidence, chair_ua, "Draft minutes, not the signed ones.")
    milestone = evidence.progress_updates.get().milestone
    # Public, with its note, so that the observer may read them (tests/core/test_confidentiality).
    evidence.progress_updates.update(visibility="public")
    type(evidence).objects.filter(pk=evidence.pk).update(visibility="public")
    client = login(observer)

    page = client.get(f"/milestones/{milestone.pk}/").content.decode()
    activity = client.get("/activity/").content.decode()
    download = client.get(f"/evidence/{evidence.pk}/")

    for body in (page, activity):
        assert "minutes.pdf" in body
        assert "evidence-withdrawn" in body
        assert "Draft minutes, not the signed ones." in body
    assert f"/evidence/{evidence.pk}/withdraw/" not in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
