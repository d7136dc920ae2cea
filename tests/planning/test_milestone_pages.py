"""Adding, editing, re-planning and cancelling a milestone on the planning pages, and what
the milestone's own page shows of it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.conftest import make_milestone
from tests.planning.conftest import HTMX, body
from tracker.core.models import Category, Provision
from tracker.milestones import services
from tracker.milestones.models import Milestone, ProgressUpdate, Status


def url(name: str, *args) -> str:
    return reverse(f"planning:{name}", args=["test-agreement", *args])


@pytest.fixture
def us_provision(agreement) -> Provision:
    return Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title="Investment incentives",
        category=Category.INVESTMENT,
        responsible_party="US",
    )


def milestone_data(**overrides) -> dict:
    return {
        "title": "Publish the tender",
        "title_uk": "Оголосити тендер",
        "description": "",
        "description_uk": "",
        "responsible_party": "UA",
        "lead_organisation": "",
        "due_date": "2026-09-30",
        **overrides,
    }


# --- Adding ----------------------------------------------------------------------------------


def test_the_new_milestone_form_starts_with_the_provisions_party(login, chair_us, us_provision):
    page = body(login(chair_us).get(url("milestone_create", us_provision.pk)))
    assert (
        'type="radio" name="responsible_party" value="US" required id="id_responsible_party_0" '
        "checked" in page
    )
    assert 'type="date"' in page


def test_a_co_chair_adds_a_milestone_to_a_joint_provision(login, chair_ua, provision, organisation):
    response = login(chair_ua).post(
        url("milestone_create", provision.pk), milestone_data(lead_organisation=organisation.pk)
    )

    milestone = Milestone.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("provision", provision.pk)
    assert (milestone.baseline_due, milestone.lead_organisation) == (
        datetime.date(2026, 9, 30),
        organisation,
    )
    assert milestone.updates.get().kind == ProgressUpdate.Kind.PLANNED


def test_bad_milestone_input_is_shown_beside_its_fields(login, chair_ua, provision):
    make_milestone(provision, "UA", title="Publish the tender")

    response = login(chair_ua).post(
        url("milestone_create", provision.pk), milestone_data(due_date="2024-01-01"), **HTMX
    )

    page = body(response)
    assert response.status_code == 400
    assert "<html" not in page
    assert 'id="id_title_error"' in page and "Another milestone of P-01" in page
    assert 'id="id_due_date_error"' in page and "before the agreement was signed" in page
    assert 'value="Оголосити тендер"' in page
    assert Milestone.objects.count() == 1


def test_a_co_chair_of_the_other_party_may_not_add_milestones(login, chair_ua, us_provision):
    client = login(chair_ua)
    assert client.get(url("milestone_create", us_provision.pk)).status_code == 403
    assert (
        client.post(url("milestone_create", us_provision.pk), milestone_data()).status_code == 403
    )
    assert not Milestone.objects.exists()


# --- Editing ---------------------------------------------------------------------------------


def test_the_edit_form_has_no_due_date_and_saves_with_a_reason(login, chair_ua, milestone_ua):
    client = login(chair_ua)
    page = body(client.get(url("milestone_edit", milestone_ua.pk)))
    assert 'name="due_date"' not in page
    assert 'name="version" value="1"' in page

    data = milestone_data(title="Publish the survey tender", version=1, reason="Clearer title")
    data.pop("due_date")
    response = client.post(url("milestone_edit", milestone_ua.pk), data)

    milestone_ua.refresh_from_db()
    assert response.status_code == 302
    assert milestone_ua.title == "Publish the survey tender"
    assert milestone_ua.history.latest().history_change_reason == "Clearer title"


def test_a_stale_edit_is_refused_with_the_input_kept(login, chair_ua, chair_us, milestone_ua):
    services.edit_milestone(milestone_ua, chair_us, version=1, fields={"title": "Their title"})
    data = milestone_data(title="My title", version=1)

    response = login(chair_ua).post(url("milestone_edit", milestone_ua.pk), data, **HTMX)

    page = body(response)
    assert response.status_code == 409
    assert "Title: Their title" in page
    assert 'value="My title"' in page
    assert 'name="version" value="2"' in page
    milestone_ua.refresh_from_db()
    assert milestone_ua.title == "Their title"


# --- Re-planning -----------------------------------------------------------------------------


def test_the_replan_page_shows_the_baseline_and_the_history(login, chair_ua, milestone_ua):
    services.replan_milestone(
        milestone_ua, chair_ua, version=1, due_date=datetime.date(2026, 8, 31), reason="Late data"
    )

    page = body(login(chair_ua).get(url("milestone_replan", milestone_ua.pk)))

    assert '<time datetime="2026-06-30">' in page  # the baseline
    assert "62 days of slip" in page
    assert "Late data" in page
    assert 'name="reason"' in page


def test_a_co_chair_replans_with_a_reason(login, chair_ua, milestone_ua):
    response = login(chair_ua).post(
        url("milestone_replan", milestone_ua.pk),
        {"version": 1, "due_date": "2026-10-15", "reason": "Tender re-run"},
        **HTMX,
    )

    milestone_ua.refresh_from_db()
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/milestones/{milestone_ua.pk}/"
    assert (milestone_ua.due_date, milestone_ua.baseline_due) == (
        datetime.date(2026, 10, 15),
        datetime.date(2026, 6, 30),
    )


def test_replanning_without_a_reason_saves_nothing(login, chair_ua, milestone_ua):
    response = login(chair_ua).post(
        url("milestone_replan", milestone_ua.pk), {"version": 1, "due_date": "2026-10-15"}
    )

    page = body(response)
    assert response.status_code == 400
    assert "Give the reason for moving the due date." in page
    assert 'id="id_reason_error"' in page
    assert 'value="2026-10-15"' in page
    milestone_ua.refresh_from_db()
    assert milestone_ua.due_date == datetime.date(2026, 6, 30)


def test_a_stale_replan_shows_the_current_due_date(login, chair_ua, chair_us, milestone_ua):
    services.replan_milestone(
        milestone_ua, chair_us, version=1, due_date=datetime.date(2026, 7, 31), reason="Theirs"
    )

    response = login(chair_ua).post(
        url("milestone_replan", milestone_ua.pk),
        {"version": 1, "due_date": "2026-10-15", "reason": "Mine"},
        **HTMX,
    )

    page = body(response)
    assert response.status_code == 409
    assert '<time datetime="2026-07-31">' in page[page.index('id="current-due"') :][:200]
    assert 'name="version" value="2"' in page
    milestone_ua.refresh_from_db()
    assert milestone_ua.due_date == datetime.date(2026, 7, 31)


@pytest.mark.parametrize("person", ["member_ua", "monitor", "observer"])
def test_only_planners_replan(request, login, person, milestone_ua):
    client = login(request.getfixturevalue(person))
    target = url("milestone_replan", milestone_ua.pk)
    assert client.get(target).status_code == 403
    data = {"version": 1, "due_date": "2026-10-15", "reason": "Later"}
    assert client.post(target, data, **HTMX).status_code == 403
    milestone_ua.refresh_from_db()
    assert milestone_ua.due_date == datetime.date(2026, 6, 30)


# --- Cancelling ------------------------------------------------------------------------------


def test_a_staff_admin_cancels_with_a_reason(login, staff_admin, milestone_ua):
    response = login(staff_admin).post(
        url("milestone_cancel", milestone_ua.pk), {"version": 1, "reason": "Merged"}
    )

    milestone_ua.refresh_from_db()
    assert response.status_code == 302
    assert milestone_ua.status == Status.CANCELLED


def test_cancelling_without_a_reason_is_refused_beside_the_field(login, chair_ua, milestone_ua):
    response = login(chair_ua).post(
        url("milestone_cancel", milestone_ua.pk), {"version": 1, "reason": ""}, **HTMX
    )
    assert response.status_code == 400
    assert 'id="id_reason_error"' in body(response)
    milestone_ua.refresh_from_db()
    assert milestone_ua.status == Status.NOT_STARTED


def test_cancelling_a_cancelled_milestone_says_why(login, chair_ua, milestone_ua):
    services.cancel_milestone(milestone_ua, chair_ua, version=1, reason="Merged")
    response = login(chair_ua).post(
        url("milestone_cancel", milestone_ua.pk), {"version": 2, "reason": "Again"}
    )
    assert response.status_code == 400
    assert "This milestone is already cancelled." in body(response)


def test_the_milestone_forms_answer_get_and_post_only(login, chair_ua, milestone_ua):
    client = login(chair_ua)
    for name in ("milestone_edit", "milestone_replan", "milestone_cancel"):
        assert client.patch(url(name, milestone_ua.pk)).status_code == 405


def test_a_milestone_of_another_agreement_is_404(login, chair_ua, milestone_ua):
    target = reverse("planning:milestone_replan", args=["another", milestone_ua.pk])
    assert login(chair_ua).get(target).status_code == 404


# --- The milestone's own page ----------------------------------------------------------------


def test_the_milestone_page_shows_the_baseline_the_slip_and_each_replan(
    login, monitor, chair_ua, milestone_ua
):
    services.replan_milestone(
        milestone_ua, chair_ua, version=1, due_date=datetime.date(2026, 8, 31), reason="Late data"
    )
    services.replan_milestone(
        milestone_ua, chair_ua, version=2, due_date=datetime.date(2026, 7, 31), reason="Caught up"
    )

    page = body(login(monitor).get(f"/milestones/{milestone_ua.pk}/"))

    baseline = page[page.index('id="milestone-baseline"') :][:300]
    assert '<time datetime="2026-06-30">' in baseline
    assert "31 days of slip" in baseline
    replans = page[page.index('id="replans-heading"') :]
    assert replans.index("Caught up") < replans.index("Late data")
    assert "Re-planned" in page  # the progress log names the planning entries
    assert f"/agreements/test-agreement/milestones/{milestone_ua.pk}/replan/" not in page


def test_the_milestone_page_links_planners_to_the_planning_forms(login, chair_ua, milestone_ua):
    page = body(login(chair_ua).get(f"/milestones/{milestone_ua.pk}/"))
    assert f"/agreements/test-agreement/milestones/{milestone_ua.pk}/replan/" in page
    assert f"/agreements/test-agreement/milestones/{milestone_ua.pk}/cancel/" in page
    assert "The due date has not moved since it was planned." in page
