"""A provision's planning page with its milestones, and the provision forms."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.conftest import make_milestone
from tests.planning.conftest import HTMX, body
from tracker.core.models import Category, Provision
from tracker.milestones.models import Milestone, Status


def plan_url(provision) -> str:
    return reverse("planning:provision", args=[provision.agreement.short_name, provision.pk])


def new_url(agreement) -> str:
    return reverse("planning:provision_create", args=[agreement.short_name])


def edit_url(provision) -> str:
    return reverse("planning:provision_edit", args=[provision.agreement.short_name, provision.pk])


def provision_data(**overrides) -> dict:
    return {
        "reference": "P-02",
        "title": "Investment incentives",
        "title_uk": "Інвестиційні стимули",
        "text": "The US offers incentives.",
        "text_uk": "США пропонують стимули.",
        "category": Category.INVESTMENT,
        "responsible_party": "US",
        "value_chain_stages": ["extraction", "processing"],
        **overrides,
    }


# --- The planning page -----------------------------------------------------------------------


def test_the_plan_lists_milestones_with_baseline_and_slip(login, observer, provision):
    make_milestone(
        provision,
        "UA",
        title="Moved one",
        due_date=datetime.date(2026, 8, 10),
        baseline_due=datetime.date(2026, 6, 30),
    )

    response = login(observer).get(plan_url(provision))

    page = body(response)
    assert response.status_code == 200
    assert "<html" in page
    assert "Moved one" in page
    assert '<time datetime="2026-06-30">' in page
    assert '<td class="num">41</td>' in page
    assert "Add a milestone" not in page
    assert "/replan/" not in page


def test_planners_get_the_planning_actions(login, chair_ua, staff_admin, provision):
    milestone = make_milestone(provision, "UA", title="To plan")
    chair_page = body(login(chair_ua).get(plan_url(provision)))
    assert "Add a milestone" in chair_page
    assert reverse("planning:milestone_replan", args=["test-agreement", milestone.pk]) in chair_page
    assert "Edit the provision" not in chair_page
    assert "Edit the provision" in body(login(staff_admin).get(plan_url(provision)))


def test_closed_milestones_offer_no_replanning(login, chair_ua, provision):
    done = make_milestone(
        provision,
        "UA",
        title="Done",
        status=Status.COMPLETED,
        percent_complete=100,
        completed_on=datetime.date(2026, 1, 5),
    )
    page = body(login(chair_ua).get(plan_url(provision)))
    assert reverse("planning:milestone_replan", args=["test-agreement", done.pk]) not in page
    assert reverse("planning:milestone_cancel", args=["test-agreement", done.pk]) not in page


def test_the_re_planned_filter_keeps_moved_milestones_with_htmx(login, observer, provision):
    make_milestone(provision, "UA", title="Kept its date")
    make_milestone(
        provision,
        "UA",
        title="Moved one",
        due_date=datetime.date(2026, 8, 10),
        baseline_due=datetime.date(2026, 6, 30),
    )

    response = login(observer).get(plan_url(provision), {"replanned": "on"}, **HTMX)

    page = body(response)
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="results"')
    assert "Moved one" in page
    assert "Kept its date" not in page


def test_a_provision_of_another_agreement_is_404_here(login, observer, provision):
    url = reverse("planning:provision", args=["other-agreement", provision.pk])
    assert login(observer).get(url).status_code == 404


def test_the_plan_answers_only_get_and_refuses_people_without_a_role(
    login, observer, outsider, provision
):
    assert login(observer).post(plan_url(provision)).status_code == 405
    assert login(outsider).get(plan_url(provision)).status_code == 403


@pytest.mark.parametrize("count", [1, 20])
def test_the_plans_query_count_does_not_grow(
    login, observer, provision, organisation, count, django_assert_num_queries
):
    for index in range(count):
        make_milestone(provision, "UA", title=f"Milestone {index}", lead_organisation=organisation)
    client = login(observer)
    # Session, user, provision with its agreement, its minerals, the page's count and rows,
    # the header's unread count.
    with django_assert_num_queries(7):
        assert client.get(plan_url(provision)).status_code == 200


# --- Creating and editing --------------------------------------------------------------------


def test_the_provision_form_has_checkboxes_and_side_by_side_languages(
    login, staff_admin, agreement, lithium
):
    page = body(login(staff_admin).get(new_url(agreement)))
    assert page.count('class="bilingual"') == 2
    assert f'type="checkbox" name="minerals" value="{lithium.pk}"' in page
    assert 'type="checkbox" name="value_chain_stages" value="recycling"' in page
    assert 'type="radio" name="responsible_party" value="JOINT"' in page


def test_a_staff_admin_adds_a_provision(login, staff_admin, agreement, lithium):
    response = login(staff_admin).post(new_url(agreement), provision_data(minerals=[lithium.pk]))

    provision = Provision.objects.get(reference="P-02")
    assert response.status_code == 302
    assert response["Location"] == plan_url(provision)
    assert provision.value_chain_stages == ["extraction", "processing"]
    assert list(provision.minerals.all()) == [lithium]


def test_a_duplicate_reference_is_refused_beside_the_field(login, staff_admin, provision):
    response = login(staff_admin).post(
        new_url(provision.agreement), provision_data(reference="P-01")
    )
    page = body(response)
    assert response.status_code == 400
    assert "Another provision of this agreement has the reference P-01." in page
    assert 'id="id_reference_error"' in page
    assert 'value="Investment incentives"' in page
    assert Provision.objects.count() == 1


def test_with_htmx_an_invalid_provision_returns_the_form_alone(login, staff_admin, agreement):
    response = login(staff_admin).post(
        new_url(agreement), provision_data(category="", value_chain_stages=["mining"]), **HTMX
    )
    page = body(response)
    assert response.status_code == 400
    assert "<html" not in page
    assert 'id="id_category_error"' in page
    assert 'id="id_value_chain_stages_error"' in page


def test_a_staff_admin_edits_a_provision(login, staff_admin, provision, lithium):
    response = login(staff_admin).post(
        edit_url(provision),
        provision_data(reference="P-01", minerals=[lithium.pk], version=1),
        **HTMX,
    )

    provision.refresh_from_db()
    assert response.status_code == 200
    assert response["HX-Redirect"] == plan_url(provision)
    assert (provision.title, provision.responsible_party, provision.version) == (
        "Investment incentives",
        "US",
        2,
    )


def test_the_provision_edit_form_checks_the_stored_stages(login, staff_admin, provision):
    provision.value_chain_stages = ["processing"]
    provision.save()
    page = body(login(staff_admin).get(edit_url(provision)))
    assert (
        'name="value_chain_stages" value="processing" id="id_value_chain_stages_2" checked' in page
    )


def test_a_stale_provision_edit_shows_the_current_values(login, staff_admin, provision):
    client = login(staff_admin)
    client.post(edit_url(provision), provision_data(reference="P-01", version=1))

    response = client.post(
        edit_url(provision), provision_data(reference="P-01", title="Other title", version=1)
    )

    assert response.status_code == 409
    assert "Title: Investment incentives" in body(response)
    provision.refresh_from_db()
    assert provision.title == "Investment incentives"


@pytest.mark.parametrize("person", ["chair_us", "member_us", "monitor", "observer"])
def test_only_staff_admins_add_and_edit_provisions(request, login, person, provision):
    client = login(request.getfixturevalue(person))
    assert client.get(new_url(provision.agreement)).status_code == 403
    assert client.post(new_url(provision.agreement), provision_data()).status_code == 403
    assert client.get(edit_url(provision)).status_code == 403
    assert client.post(edit_url(provision), provision_data(version=1)).status_code == 403
    assert Provision.objects.count() == 1
    provision.refresh_from_db()
    assert provision.version == 1


def test_the_provision_forms_answer_get_and_post_only(login, staff_admin, provision):
    assert login(staff_admin).delete(edit_url(provision)).status_code == 405
    assert Milestone.objects.count() == 0
