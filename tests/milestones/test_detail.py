"""The milestone page: details, progress log, audit history, forms; verify and return."""

from __future__ import annotations

import pytest

from tests.milestones.conftest import HTMX, completed, pdf, snapshot
from tracker.milestones import services
from tracker.milestones.models import Status


def page(milestone) -> str:
    return f"/milestones/{milestone.pk}/"


# --- the page -----------------------------------------------------------------------------


def test_page_shows_the_progress_log_entry_with_evidence(login, member_ua, monitor, milestone_ua):
    services.update_progress(
        milestone_ua,
        member_ua,
        version=1,
        status=Status.IN_PROGRESS,
        percent=35,
        note="Tender drafted",
        files=[pdf("draft.pdf")],
    )

    body = login(monitor).get(page(milestone_ua)).content.decode()

    log = body[body.index('id="log-heading"') :]
    assert "Member Ua" in log
    assert "Not started → In progress" in log
    assert "0 → 35 %" in log
    assert "Tender drafted" in log
    assert "draft.pdf" in log
    assert '<a class="evidence-link" href="/evidence/' in log


def test_page_shows_the_audit_history_with_reason_and_changed_fields(
    login, member_ua, monitor, milestone_ua
):
    services.update_progress(
        milestone_ua, member_ua, version=1, status=Status.ON_HOLD, percent=10, note="No funds"
    )

    body = login(monitor).get(page(milestone_ua)).content.decode()

    history = body[body.index('id="history-heading"') :]
    assert 'Member Ua · Changed · <q class="reason">No funds</q>' in history
    assert "Status: Not started → On hold" in history
    assert "Percent complete: 0 → 10" in history
    assert "Version" not in history  # bookkeeping columns are left out


def test_history_names_the_verifier(login, chair_us, monitor, milestone_ua):
    completed(milestone_ua)
    services.verify(milestone_ua, chair_us, version=milestone_ua.version)

    body = login(monitor).get(page(milestone_ua)).content.decode()

    assert "Verified by: — → Chair Us" in body


def test_responsible_member_gets_the_full_update_form(login, member_ua, milestone_ua):
    body = login(member_ua).get(page(milestone_ua)).content.decode()

    assert 'enctype="multipart/form-data"' in body
    assert '<input type="file" name="evidence" multiple' in body
    assert 'name="version" value="1"' in body


def test_observer_gets_no_forms(login, observer, milestone_ua):
    completed(milestone_ua)

    body = login(observer).get(page(milestone_ua)).content.decode()

    assert '<form class="progress-form"' not in body
    assert "/verify/" not in body


def test_verification_controls_for_the_other_partys_co_chair(login, chair_us, milestone_ua):
    completed(milestone_ua)

    body = login(chair_us).get(page(milestone_ua)).content.decode()

    assert f'action="/milestones/{milestone_ua.pk}/verify/"' in body
    assert f'action="/milestones/{milestone_ua.pk}/return/"' in body


@pytest.mark.parametrize("user_fixture", ["chair_ua", "member_us", "observer"])
def test_no_verification_controls_for_others(request, login, user_fixture, milestone_ua):
    completed(milestone_ua)

    body = login(request.getfixturevalue(user_fixture)).get(page(milestone_ua)).content.decode()

    assert "/verify/" not in body


def test_no_verification_controls_before_completion(login, chair_us, milestone_ua):
    body = login(chair_us).get(page(milestone_ua)).content.decode()

    assert "/verify/" not in body


def test_detail_refuses_post(login, monitor, milestone_ua):
    assert login(monitor).post(page(milestone_ua)).status_code == 405


def test_detail_refuses_a_user_without_a_role(login, outsider, milestone_ua):
    assert login(outsider).get(page(milestone_ua)).status_code == 403


def test_detail_of_a_missing_milestone_is_404(login, monitor, db):
    assert login(monitor).get("/milestones/999999/").status_code == 404


@pytest.mark.parametrize("updates", [1, 15])
def test_detail_query_count_does_not_grow_with_the_log(
    login, member_ua, chair_us, milestone_ua, updates, django_assert_num_queries
):
    for index in range(updates):
        services.update_progress(
            milestone_ua,
            member_ua,
            version=milestone_ua.version + index,
            status=Status.IN_PROGRESS,
            percent=index + 1,
            note=f"Step {index}",
            files=[pdf(f"step-{index}.pdf")],
        )
    milestone_ua.refresh_from_db()
    services.update_progress(
        milestone_ua,
        member_ua,
        version=milestone_ua.version,
        status=Status.COMPLETED,
        percent=100,
        note="Done",
    )
    milestone_ua.refresh_from_db()
    services.verify(milestone_ua, chair_us, version=milestone_ua.version)
    client = login(member_ua)

    # Session, user, milestone, the agreements (for the header's switcher), log entries, their
    # evidence, their translations, history (with the re-planning history and the verifier's
    # name), the header's unread count.
    with django_assert_num_queries(9):
        response = client.get(page(milestone_ua))

    assert response.status_code == 200


# --- verify ----------------------------------------------------------------------------------


def test_co_chair_verifies_and_is_sent_back_to_the_page(login, chair_us, milestone_ua):
    completed(milestone_ua)
    client = login(chair_us)

    response = client.post(f"/milestones/{milestone_ua.pk}/verify/", {"version": 1})

    assert response.status_code == 302
    assert response["Location"] == page(milestone_ua)
    milestone_ua.refresh_from_db()
    assert milestone_ua.verified_by == chair_us
    body = client.get(page(milestone_ua)).content.decode()
    assert "Verified “Publish survey tender”." in body
    assert "by Chair Us" in body


def test_htmx_verify_answers_the_row(login, monitor, milestone_ua):
    completed(milestone_ua)

    response = login(monitor).post(
        f"/milestones/{milestone_ua.pk}/verify/", {"version": 1}, headers=HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(f'<tr id="milestone-{milestone_ua.pk}"')
    assert "badge-verified" in body


def test_responsible_partys_co_chair_cannot_verify(login, chair_ua, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    response = login(chair_ua).post(f"/milestones/{milestone_ua.pk}/verify/", {"version": 1})

    assert response.status_code == 403
    assert "Only the other party&#x27;s co-chair or a monitor" in response.content.decode()
    assert snapshot(milestone_ua) == before


def test_refused_htmx_verify_is_a_fragment(login, member_us, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    response = login(member_us).post(
        f"/milestones/{milestone_ua.pk}/verify/", {"version": 1}, headers=HTMX
    )

    assert response.status_code == 403
    assert "<html" not in response.content.decode()
    assert snapshot(milestone_ua) == before


def test_verifying_an_unfinished_milestone_is_refused_with_the_reason(
    login, chair_us, milestone_ua
):
    before = snapshot(milestone_ua)

    response = login(chair_us).post(f"/milestones/{milestone_ua.pk}/verify/", {"version": 1})

    assert response.status_code == 400
    assert "Only a completed milestone that is not yet verified" in response.content.decode()
    assert snapshot(milestone_ua) == before


def test_verifying_a_stale_page_answers_409(login, chair_us, member_ua, milestone_ua):
    completed(milestone_ua)
    services.update_progress(
        milestone_ua, member_ua, version=1, status=Status.COMPLETED, percent=100, note="Annex"
    )
    before = snapshot(milestone_ua)

    response = login(chair_us).post(f"/milestones/{milestone_ua.pk}/verify/", {"version": 1})

    assert response.status_code == 409
    assert "someone else changed this milestone" in response.content.decode()
    assert snapshot(milestone_ua) == before


def test_verify_refuses_get(login, chair_us, milestone_ua):
    assert login(chair_us).get(f"/milestones/{milestone_ua.pk}/verify/").status_code == 405


# --- return ----------------------------------------------------------------------------------


def test_co_chair_returns_a_milestone_with_a_reason(login, chair_us, milestone_ua):
    completed(milestone_ua)

    response = login(chair_us).post(
        f"/milestones/{milestone_ua.pk}/return/", {"version": 1, "reason": "Annex missing"}
    )

    assert response.status_code == 302
    milestone_ua.refresh_from_db()
    assert milestone_ua.status == Status.IN_PROGRESS
    assert milestone_ua.updates.get().note == "Annex missing"


def test_returning_without_a_reason_shows_the_error_under_the_field(login, chair_us, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    response = login(chair_us).post(
        f"/milestones/{milestone_ua.pk}/return/", {"version": 1, "reason": ""}
    )

    assert response.status_code == 400
    assert "Give the reason for returning the milestone." in response.content.decode()
    assert snapshot(milestone_ua) == before


def test_member_cannot_return_a_milestone(login, member_us, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    response = login(member_us).post(
        f"/milestones/{milestone_ua.pk}/return/", {"version": 1, "reason": "No"}
    )

    assert response.status_code == 403
    assert snapshot(milestone_ua) == before


def test_htmx_return_answers_the_row(login, chair_us, milestone_ua):
    completed(milestone_ua)

    response = login(chair_us).post(
        f"/milestones/{milestone_ua.pk}/return/",
        {"version": 1, "reason": "Annex missing"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "badge-in_progress" in response.content.decode()


def test_return_refuses_get(login, chair_us, milestone_ua):
    assert login(chair_us).get(f"/milestones/{milestone_ua.pk}/return/").status_code == 405


def test_a_long_log_shows_the_newest_entries_and_links_to_the_whole_log(
    login, member_ua, milestone_ua, monkeypatch
):
    from tracker.milestones import views

    monkeypatch.setattr(views, "LOG_LIMIT", 3)
    for index in range(4):
        services.update_progress(
            milestone_ua,
            member_ua,
            version=index + 1,
            status=Status.IN_PROGRESS,
            percent=index + 1,
            note=f"Step {index}",
        )

    body = login(member_ua).get(page(milestone_ua)).content.decode()

    assert "Step 3" in body and "Step 1" in body
    assert '<td class="prose">Step 0</td>' not in body
    assert f'href="/activity/?milestone={milestone_ua.pk}"' in body
