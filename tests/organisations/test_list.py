"""The directory's list: filters, search in both languages, sorting, counts, paging."""

from __future__ import annotations

from tests.conftest import make_user
from tests.organisations.conftest import lead, make_organisation
from tracker.accounts.models import Role

HTMX = {"HTTP_HX_REQUEST": "true"}


def names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page"].object_list]


def test_list_shows_every_organisation_with_kind_and_party(login, observer, directory):
    response = login(observer).get("/organisations/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert "4 organisations match" in page
    for organisation in directory.values():
        assert organisation.name in page
    row = page.split("Clean Subsoil")[1].split("</tr>")[0]
    assert "NGO" in row
    assert "Independent" in row


def test_list_is_sorted_by_name_by_default(login, observer, directory):
    response = login(observer).get("/organisations/")

    assert names(response) == sorted(names(response))


def test_htmx_filter_request_gets_only_the_results(login, observer, directory):
    response = login(observer).get("/organisations/?kind=ngo", **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert "Clean Subsoil" in body
    assert "Atlantic Minerals" not in body
    assert response["Vary"].count("HX-Request") == 1


def test_filter_by_kind(login, observer, directory):
    response = login(observer).get("/organisations/?kind=company")

    assert names(response) == ["Atlantic Minerals Inc."]


def test_filter_by_party(login, observer, directory):
    response = login(observer).get("/organisations/?party=IND")

    assert names(response) == ["Clean Subsoil", "Mining Standards Initiative"]


def test_search_finds_either_language_ignoring_case(login, observer, directory):
    client = login(observer)

    assert names(client.get("/organisations/?q=SUBSOIL")) == ["Clean Subsoil"]
    assert names(client.get("/organisations/?q=надра")) == ["Clean Subsoil"]
    assert names(client.get("/organisations/?q=міністерство")) == ["Ministry of Economy"]


def test_filters_combine_and_keep_what_was_chosen(login, observer, directory):
    response = login(observer).get("/organisations/?party=IND&kind=international")

    assert names(response) == ["Mining Standards Initiative"]
    page = response.content.decode()
    assert '<option value="international" selected>' in page


def test_an_unknown_filter_value_is_explained_not_an_error(login, observer, directory):
    response = login(observer).get("/organisations/?kind=bank")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_counts_of_milestones_led_and_people(login, observer, organisation, provision, directory):
    lead(organisation, provision, 3)
    lead(directory["company"], provision, 1)
    make_user("olena", Role.MEMBER, "UA", organisation=organisation)
    make_user("gone", Role.MEMBER, "UA", organisation=organisation, is_active=False)
    make_user("waiting", "", "IND", organisation=organisation)

    response = login(observer).get("/organisations/?sort=-milestones")

    rows = response.context["page"].object_list
    assert [(row.name, row.milestone_count) for row in rows[:2]] == [
        ("State Geological Service", 3),
        ("Atlantic Minerals Inc.", 1),
    ]
    # Only people who can act: not the disabled account, not the one still without a role.
    assert rows[0].people_count == 1


def test_sort_by_kind_follows_the_shown_labels(login, observer, directory):
    response = login(observer).get("/organisations/?sort=kind")

    # Company, Government agency, International organisation, NGO.
    assert names(response) == [
        "Atlantic Minerals Inc.",
        "Ministry of Economy",
        "Mining Standards Initiative",
        "Clean Subsoil",
    ]
    page = response.content.decode()
    assert 'aria-sort="ascending"' in page


def test_sort_descending_by_name(login, observer, directory):
    response = login(observer).get("/organisations/?sort=-name")

    assert names(response) == sorted(names(response), reverse=True)


def test_list_pages_by_fifty(login, observer):
    for number in range(55):
        make_organisation(f"Organisation {number:02d}")

    client = login(observer)
    first = client.get("/organisations/")
    second = client.get("/organisations/?page=2")

    assert len(names(first)) == 50
    assert names(second) == [f"Organisation {number}" for number in range(50, 55)]
    assert "page=2" in first.content.decode()


def test_add_button_is_shown_to_those_who_may_add(
    login, chair_us, staff_admin, member_us, observer
):
    for person, shown in (
        (chair_us, True),
        (staff_admin, True),
        (member_us, False),
        (observer, False),
    ):
        page = login(person).get("/organisations/").content.decode()
        assert ('href="/organisations/new/"' in page) is shown, person.username


def test_directory_is_in_the_main_navigation(login, member_ua):
    page = login(member_ua).get("/organisations/").content.decode()

    assert '<a href="/organisations/" aria-current="page">Organisations</a>' in page


def test_list_answers_post_with_405(login, observer):
    assert login(observer).post("/organisations/").status_code == 405


def test_user_without_a_role_is_refused(login, outsider, directory):
    response = login(outsider).get("/organisations/")

    assert response.status_code == 403
    assert "Clean Subsoil" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/organisations/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _list_queries(client, django_assert_max_num_queries) -> int:
    # Session, user, the header's unread count, the count and the rows.
    with django_assert_max_num_queries(5) as captured:
        response = client.get("/organisations/?party=UA&sort=-milestones")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_stays_the_same_with_many_rows(
    login, observer, provision, django_assert_max_num_queries
):
    client = login(observer)
    first = make_organisation("First agency")
    lead(first, provision, 2)
    few = _list_queries(client, django_assert_max_num_queries)

    for number in range(60):
        organisation = make_organisation(f"Agency {number:02d}")
        lead(organisation, provision, 3)
        make_user(f"person-{number}", Role.MEMBER, "UA", organisation=organisation)

    assert _list_queries(client, django_assert_max_num_queries) == few
