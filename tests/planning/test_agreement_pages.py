"""The agreement pages: the list, an agreement with its provisions, create and edit."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.planning.conftest import HTMX, body
from tracker.core.models import Agreement, Category, Provision

LIST = "/agreements/"
NEW = "/agreements/new/"


def agreement_data(**overrides) -> dict:
    return {
        "title": "Second cooperation agreement",
        "title_uk": "Друга угода про співпрацю",
        "short_name": "second",
        "signed_on": "2026-01-15",
        "place": "Kyiv",
        "place_uk": "Київ",
        "summary": "",
        "summary_uk": "",
        "source": "",
        **overrides,
    }


def make_agreements(count: int) -> None:
    for index in range(count):
        agreement = Agreement.objects.create(
            title=f"Agreement {index}",
            short_name=f"agreement-{index}",
            signed_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
            place="Kyiv",
        )
        Provision.objects.create(
            agreement=agreement,
            reference="P-01",
            title="First",
            category=Category.GEOLOGICAL_SURVEY,
            responsible_party="US",
        )


# --- The list --------------------------------------------------------------------------------


def test_every_role_reads_the_list_newest_signed_first(login, observer, agreement):
    make_agreements(2)

    response = login(observer).get(LIST)

    page = body(response)
    assert response.status_code == 200
    assert "<html" in page
    # Signed 30 Apr 2025, 2 Jan 2025 and 1 Jan 2025.
    assert page.index(agreement.title) < page.index("Agreement 1") < page.index("Agreement 0")
    assert 'href="/agreements/test-agreement/"' in page
    assert "New agreement" not in page


def test_a_staff_admin_is_offered_a_new_agreement(login, staff_admin, agreement):
    assert 'href="/agreements/new/"' in body(login(staff_admin).get(LIST))


def test_searching_with_htmx_swaps_the_results_only(login, observer, agreement):
    make_agreements(2)

    response = login(observer).get(LIST, {"q": "Agreement 1"}, **HTMX)

    page = body(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="results"')
    assert "Agreement 1" in page
    assert "Agreement 0" not in page
    assert "HX-Request" in response["Vary"]


def test_the_list_sorts_by_its_columns(login, observer, agreement):
    make_agreements(2)
    page = body(login(observer).get(LIST, {"sort": "short_name"}))
    assert page.index("agreement-0") < page.index("agreement-1") < page.index("test-agreement")


def test_the_list_answers_only_get(login, observer):
    assert login(observer).post(LIST).status_code == 405


def test_a_person_without_a_role_is_refused_the_list(login, outsider):
    assert login(outsider).get(LIST).status_code == 403


@pytest.mark.parametrize("count", [1, 12])
def test_the_lists_query_count_does_not_grow(login, observer, count, django_assert_num_queries):
    make_agreements(count)
    client = login(observer)
    # Session, user, the page's count, the page's rows, the header's unread count.
    with django_assert_num_queries(5):
        assert client.get(LIST).status_code == 200


# --- An agreement's page ---------------------------------------------------------------------


def test_the_agreement_page_lists_its_provisions_only(login, observer, agreement, provision):
    make_agreements(1)

    response = login(observer).get(f"/agreements/{agreement.short_name}/")

    page = body(response)
    assert response.status_code == 200
    assert "Joint geological surveys" in page
    assert f'href="/agreements/test-agreement/provisions/{provision.pk}/"' in page
    assert "First" not in page  # the other agreement's provision
    assert "Edit the agreement" not in page
    assert "Import from a spreadsheet" not in page


def test_planners_see_their_actions_on_the_agreement_page(login, staff_admin, chair_us, agreement):
    admin_page = body(login(staff_admin).get(f"/agreements/{agreement.short_name}/"))
    chair_page = body(login(chair_us).get(f"/agreements/{agreement.short_name}/"))
    assert "Edit the agreement" in admin_page and "Add a provision" in admin_page
    assert "Import from a spreadsheet" in admin_page
    assert "Edit the agreement" not in chair_page
    assert "Import from a spreadsheet" in chair_page


def test_the_agreement_pages_provisions_filter_with_htmx(login, observer, agreement, provision):
    Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title="Investment incentives",
        category=Category.INVESTMENT,
        responsible_party="US",
    )

    response = login(observer).get(
        f"/agreements/{agreement.short_name}/", {"responsible_party": "US"}, **HTMX
    )

    page = body(response)
    assert "<html" not in page
    assert "Investment incentives" in page
    assert "Joint geological surveys" not in page


def test_an_unknown_agreement_is_404(login, observer):
    assert login(observer).get("/agreements/nothing-here/").status_code == 404


def test_the_agreement_page_answers_only_get(login, observer, agreement):
    assert login(observer).post(f"/agreements/{agreement.short_name}/").status_code == 405


@pytest.mark.parametrize("count", [1, 15])
def test_the_agreement_pages_query_count_does_not_grow(
    login, observer, agreement, count, django_assert_num_queries
):
    for index in range(count):
        Provision.objects.create(
            agreement=agreement,
            reference=f"P-{index:02}",
            title=f"Provision {index}",
            category=Category.GEOLOGICAL_SURVEY,
            responsible_party="JOINT",
        )
    client = login(observer)
    # Session, user, agreement, provisions' count and rows, the agreement's history, the
    # header's unread count.
    with django_assert_num_queries(7):
        assert client.get(f"/agreements/{agreement.short_name}/").status_code == 200


# --- Creating --------------------------------------------------------------------------------


def test_the_new_agreement_form_puts_each_language_pair_side_by_side(login, staff_admin):
    response = login(staff_admin).get(NEW)

    page = body(response)
    assert response.status_code == 200
    assert page.count('class="bilingual"') == 3
    pair = page[page.index('class="bilingual"') :]
    assert pair.index('name="title"') < pair.index('name="title_uk"')


def test_a_staff_admin_creates_an_agreement(login, staff_admin):
    response = login(staff_admin).post(NEW, agreement_data())

    agreement = Agreement.objects.get(short_name="second")
    assert response.status_code == 302
    assert response["Location"] == "/agreements/second/"
    assert agreement.title_uk == "Друга угода про співпрацю"
    assert agreement.history.get().history_user == staff_admin


def test_with_htmx_a_created_agreement_sends_the_browser_to_its_page(login, staff_admin):
    response = login(staff_admin).post(NEW, agreement_data(), **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/agreements/second/"


def test_bad_input_is_shown_beside_its_field_and_kept(login, staff_admin, agreement):
    response = login(staff_admin).post(
        NEW, agreement_data(short_name=agreement.short_name, signed_on="30/04/2025")
    )

    page = body(response)
    assert response.status_code == 400
    assert "Another agreement has this short name" in page
    assert 'id="id_short_name_error"' in page
    assert 'id="id_signed_on_error"' in page
    assert 'value="Second cooperation agreement"' in page
    assert Agreement.objects.count() == 1


def test_new_is_not_a_short_name(login, staff_admin):
    response = login(staff_admin).post(NEW, agreement_data(short_name="new"))
    assert response.status_code == 400
    assert "names a page of its own" in body(response)
    assert not Agreement.objects.exists()


def test_with_htmx_bad_input_returns_the_form_alone(login, staff_admin):
    response = login(staff_admin).post(NEW, agreement_data(title=""), **HTMX)

    page = body(response)
    assert response.status_code == 400
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="plan-form"')
    assert "This field is required." in page


@pytest.mark.parametrize("person", ["chair_us", "member_ua", "monitor", "observer"])
def test_only_staff_admins_create_agreements(request, login, person):
    client = login(request.getfixturevalue(person))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, agreement_data()).status_code == 403
    assert not Agreement.objects.exists()


def test_the_new_agreement_form_answers_get_and_post_only(login, staff_admin):
    assert login(staff_admin).put(NEW).status_code == 405


# --- Editing ---------------------------------------------------------------------------------


def edit_url(agreement) -> str:
    return reverse("planning:agreement_edit", args=[agreement.short_name])


def test_the_edit_form_starts_from_the_current_values_and_version(login, staff_admin, agreement):
    page = body(login(staff_admin).get(edit_url(agreement)))
    assert 'value="Test cooperation agreement"' in page
    assert 'name="version" value="1"' in page


def test_a_staff_admin_edits_an_agreement(login, staff_admin, agreement):
    data = agreement_data(short_name=agreement.short_name, title="Amended", version=1)

    response = login(staff_admin).post(edit_url(agreement), data)

    agreement.refresh_from_db()
    assert response.status_code == 302
    assert (agreement.title, agreement.version) == ("Amended", 2)


def test_an_edit_on_a_stale_page_is_refused_with_the_current_values(login, staff_admin, agreement):
    client = login(staff_admin)
    client.post(
        edit_url(agreement), agreement_data(short_name="test-agreement", title="First", version=1)
    )

    response = client.post(
        edit_url(agreement), agreement_data(short_name="test-agreement", title="Second", version=1)
    )

    page = body(response)
    agreement.refresh_from_db()
    assert response.status_code == 409
    assert "someone else changed this" in page
    assert "Title: First" in page
    assert 'value="Second"' in page  # the input is kept
    assert 'name="version" value="2"' in page  # saving again goes through
    assert agreement.title == "First"


def test_a_chair_may_not_edit_an_agreement(login, chair_us, agreement):
    client = login(chair_us)
    assert client.get(edit_url(agreement)).status_code == 403
    data = agreement_data(short_name=agreement.short_name, title="Mine", version=1)
    assert client.post(edit_url(agreement), data, **HTMX).status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Test cooperation agreement"
