"""POST /milestones/<pk>/update/: the inline row form and the full form on the milestone page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_milestone
from tests.milestones.conftest import HTMX, pdf, snapshot
from tracker.core.models import Evidence
from tracker.milestones.models import ProgressUpdate, Status


def url(milestone) -> str:
    return f"/milestones/{milestone.pk}/update/"


def form(milestone, **fields) -> dict:
    data = {
        "version": milestone.version,
        "status": Status.IN_PROGRESS,
        "percent_complete": 40,
        "note": "",
        "next": "/milestones/",
    }
    data.update(fields)
    return data


def selected_status(body: str) -> str:
    return re.search(r'<option value="(\w+)" selected>', body).group(1)


# --- htmx: the row --------------------------------------------------------------------------


def test_inline_update_answers_the_row_with_counters_and_message(
    login, member_ua, milestone_ua, milestone_us
):
    response = login(member_ua).post(
        url(milestone_ua), form(milestone_ua, note="Tender drafted"), headers=HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(f'<tr id="milestone-{milestone_ua.pk}"')
    assert "badge-in_progress" in body
    assert 'name="version" value="2"' in body
    assert '<div id="milestone-counters" class="counters" hx-swap-oob="true">' in body
    assert re.search(r'data-status="in_progress">.*?status-count">1<', body)
    assert re.search(r'data-status="not_started">.*?status-count">1<', body)
    assert (
        '<div id="messages" class="messages" role="status" aria-live="polite" hx-swap-oob="true">'
        in body
    )
    assert "Saved “Publish survey tender”: In progress, 40 %." in body
    milestone_ua.refresh_from_db()
    assert milestone_ua.status == Status.IN_PROGRESS


def test_counters_after_an_inline_update_follow_the_filter_of_the_page(
    login, member_ua, milestone_ua, milestone_us
):
    response = login(member_ua).post(
        url(milestone_ua),
        form(milestone_ua, note="Tender drafted", next="/milestones/?responsible_party=UA"),
        headers=HTMX,
    )

    body = response.content.decode()
    assert "1 milestone matches" in body
    assert re.search(r'data-status="not_started">.*?status-count">0<', body)


def test_counters_after_an_update_on_the_provision_page_count_its_milestones(
    login, member_ua, milestone_ua, milestone_us, provision
):
    response = login(member_ua).post(
        url(milestone_ua),
        form(milestone_ua, note="Drafted", next=f"/provisions/{provision.pk}/"),
        headers=HTMX,
    )

    body = response.content.decode()
    assert "2 milestones" in body
    assert 'name="next" value="/provisions/' in body


def test_invalid_inline_update_shows_the_reason_in_the_row_and_saves_nothing(
    login, member_ua, milestone_ua
):
    before = snapshot(milestone_ua)

    response = login(member_ua).post(
        url(milestone_ua),
        form(milestone_ua, status=Status.COMPLETED, percent_complete=90, note=""),
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in body
    assert "Write a note saying what was completed." in body
    assert selected_status(body) == Status.COMPLETED  # what the person chose is kept
    assert 'value="90"' in body
    assert 'aria-invalid="true"' in body
    assert "hx-swap-oob" in body  # the messages region is refreshed (emptied)
    assert "milestone-counters" not in body
    assert snapshot(milestone_ua) == before


def test_inline_update_with_a_non_number_percent_is_refused(login, member_ua, milestone_ua):
    before = snapshot(milestone_ua)

    response = login(member_ua).post(
        url(milestone_ua), form(milestone_ua, percent_complete="lots"), headers=HTMX
    )

    assert response.status_code == 400
    assert "Percent complete: Enter a whole number from 0 to 100." in response.content.decode()
    assert snapshot(milestone_ua) == before


def test_member_cannot_update_other_partys_milestone_inline(login, member_us, milestone_ua):
    before = snapshot(milestone_ua)

    response = login(member_us).post(url(milestone_ua), form(milestone_ua, note="x"), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 403
    assert "<html" not in body
    assert "Only the responsible party&#x27;s delegation may update this." in body
    assert "<form" not in body
    assert snapshot(milestone_ua) == before


def test_observer_cannot_update_a_milestone(login, observer, milestone_ua):
    before = snapshot(milestone_ua)

    response = login(observer).post(url(milestone_ua), form(milestone_ua, note="x"))

    assert response.status_code == 403
    assert snapshot(milestone_ua) == before


def test_user_without_role_is_refused(login, outsider, milestone_ua):
    before = snapshot(milestone_ua)

    response = login(outsider).post(url(milestone_ua), form(milestone_ua, note="x"))

    assert response.status_code == 403
    assert snapshot(milestone_ua) == before


def test_update_refuses_get(login, member_ua, milestone_ua):
    assert login(member_ua).get(url(milestone_ua)).status_code == 405


def test_update_of_a_missing_milestone_is_404(login, member_ua, db):
    response = login(member_ua).post("/milestones/999999/update/", {"version": 1})

    assert response.status_code == 404


# --- conflicts: two people, one milestone -------------------------------------------------


def test_second_inline_save_on_a_stale_version_is_refused_with_current_values(
    login, member_ua, chair_ua, milestone_ua
):
    first, second = login(member_ua), login(chair_ua)
    # Both render the list while the milestone is at version 1.
    assert 'name="version" value="1"' in first.get("/milestones/").content.decode()
    assert 'name="version" value="1"' in second.get("/milestones/").content.decode()
    first.post(url(milestone_ua), form(milestone_ua, percent_complete=25, note="Started"))
    after_first = snapshot(milestone_ua)

    response = second.post(
        url(milestone_ua),
        form(milestone_ua, version=1, status=Status.ON_HOLD, percent_complete=70, note="Waiting"),
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "<html" not in body
    assert "someone else changed this milestone" in body
    assert "Last saved by Member Ua." in body
    assert "It is now In progress, 25 %." in body  # the current values
    assert '<td class="num cell-percent" data-label="Progress">25 %</td>' in body
    assert selected_status(body) == Status.ON_HOLD  # the person's own input is kept
    assert 'value="70"' in body
    assert 'value="Waiting"' in body
    assert 'name="version" value="2"' in body  # saving again goes through
    assert snapshot(milestone_ua) == after_first


def test_saving_again_after_a_conflict_goes_through(login, member_ua, chair_ua, milestone_ua):
    first, second = login(member_ua), login(chair_ua)
    first.post(url(milestone_ua), form(milestone_ua, percent_complete=25, note="Started"))
    second.post(url(milestone_ua), form(milestone_ua, version=1, note="Mine"), headers=HTMX)

    response = second.post(url(milestone_ua), form(milestone_ua, version=2, note="Mine"))

    assert response.status_code == 302
    milestone_ua.refresh_from_db()
    assert milestone_ua.version == 3


def test_stale_full_form_is_refused_with_current_values_and_input_kept(
    login, member_ua, chair_ua, milestone_ua
):
    first, second = login(member_ua), login(chair_ua)
    first.post(url(milestone_ua), form(milestone_ua, percent_complete=25, note="Started"))
    after_first = snapshot(milestone_ua)

    response = second.post(
        url(milestone_ua),
        form(
            milestone_ua,
            version=1,
            status=Status.IN_PROGRESS,
            percent_complete=60,
            note="My long account",
            next=f"/milestones/{milestone_ua.pk}/",
        ),
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "<html" in body
    assert "Not saved: someone else changed this milestone in the meantime" in body
    assert '<dd id="milestone-percent">25 %</dd>' in body
    assert "My long account</textarea>" in body
    assert 'value="60"' in body
    assert 'name="version" value="2"' in body
    assert snapshot(milestone_ua) == after_first


# --- plain POST (no JavaScript) -----------------------------------------------------------


def test_plain_update_redirects_back_to_the_page_it_came_from(login, member_ua, milestone_ua):
    client = login(member_ua)

    response = client.post(
        url(milestone_ua), form(milestone_ua, note="Drafted", next="/milestones/?status=")
    )

    assert response.status_code == 302
    assert response["Location"] == "/milestones/?status="
    assert "Saved “Publish survey tender”" in client.get(response["Location"]).content.decode()


def test_plain_update_never_redirects_off_site(login, member_ua, milestone_ua):
    response = login(member_ua).post(
        url(milestone_ua), form(milestone_ua, note="Drafted", next="https://evil.example/")
    )

    assert response["Location"] == f"/milestones/{milestone_ua.pk}/"


def test_invalid_plain_update_shows_the_milestone_page_with_errors(login, member_ua, milestone_ua):
    before = snapshot(milestone_ua)

    response = login(member_ua).post(
        url(milestone_ua), form(milestone_ua, status=Status.CANCELLED, note="")
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" in body
    assert "Give the reason for cancelling the milestone." in body
    assert '<option value="cancelled" selected>' in body
    assert snapshot(milestone_ua) == before


def test_refused_plain_update_answers_403_with_the_reason(login, member_us, milestone_ua):
    before = snapshot(milestone_ua)

    response = login(member_us).post(url(milestone_ua), form(milestone_ua, note="x"))

    assert response.status_code == 403
    assert "Only the responsible party&#x27;s delegation may update this." in (
        response.content.decode()
    )
    assert snapshot(milestone_ua) == before


def test_missing_version_is_refused(login, member_ua, milestone_ua):
    before = snapshot(milestone_ua)
    data = form(milestone_ua, note="x")
    del data["version"]

    response = login(member_ua).post(url(milestone_ua), data, headers=HTMX)

    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    assert snapshot(milestone_ua) == before


# --- evidence through the full form -------------------------------------------------------


def test_full_form_attaches_several_evidence_files(login, member_ua, milestone_ua):
    response = login(member_ua).post(
        url(milestone_ua),
        {
            **form(milestone_ua, status=Status.COMPLETED, note="Tender published"),
            "evidence": [pdf("tender.pdf"), pdf("annex.pdf", b"%PDF-1.7 annex")],
        },
    )

    assert response.status_code == 302
    entry = ProgressUpdate.objects.get(milestone=milestone_ua)
    assert sorted(e.original_name for e in entry.evidence.all()) == ["annex.pdf", "tender.pdf"]
    milestone_ua.refresh_from_db()
    assert milestone_ua.status == Status.COMPLETED


def test_a_refused_file_is_named_next_to_the_field_and_nothing_is_saved(
    login, member_ua, milestone_ua
):
    before = snapshot(milestone_ua)
    fake = pdf("minutes.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")

    response = login(member_ua).post(
        url(milestone_ua), {**form(milestone_ua, note="Minutes"), "evidence": [fake]}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "minutes.pdf is not an allowed type." in body
    assert "Minutes</textarea>" in body
    assert snapshot(milestone_ua) == before
    assert Evidence.objects.count() == 0


# Session, user, milestone; the transaction (lock, log entry and its history row, update,
# history); the row again,
# the counters of the page (its filter options are not read: no provision, mineral or
# organisation value to validate), the header's unread count out of band. The session is not
# saved (renewed less than a minute ago). The log entry's history and the milestone's each
# append an audit entry (tracker/audit/chain.py): lock the chain's head, insert, move the head;
# the log entry's history reads its (empty) evidence links, the milestone's its previous record.
UPDATE_QUERIES = 21


@pytest.mark.parametrize("count", [1, 20])
def test_inline_update_query_count_is_fixed(
    login, member_ua, provision, milestone_ua, count, django_assert_num_queries
):
    for index in range(count):
        make_milestone(provision, "UA", title=f"Other {index}")
    client = login(member_ua)

    with django_assert_num_queries(UPDATE_QUERIES):
        response = client.post(
            url(milestone_ua),
            form(milestone_ua, note="x", next="/milestones/?status=in_progress"),
            headers=HTMX,
        )

    assert response.status_code == 200


def test_files_over_the_total_of_one_request_are_refused_beside_the_field(
    login, member_ua, milestone_ua, settings
):
    before = snapshot(milestone_ua)
    settings.EVIDENCE_MAX_REQUEST_BYTES = 20

    response = login(member_ua).post(
        url(milestone_ua),
        {**form(milestone_ua, note="Minutes"), "evidence": [pdf("a.pdf"), pdf("b.pdf")]},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "one upload may hold at most 20\xa0bytes" in body
    assert "Minutes</textarea>" in body
    assert snapshot(milestone_ua) == before
    assert Evidence.objects.count() == 0
