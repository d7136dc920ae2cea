import re

import pytest
from django.test import Client

from tracker.core.models import Agreement, Category, Provision

URL = "/provisions/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def rows(html: str) -> list[str]:
    """The references in the table, in order."""
    return re.findall(r'data-label="Reference">(P-\d+)<', html)


def test_full_page_lists_every_provision_with_its_level(login, observer, sample_data):
    response = login(observer).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert rows(html) == [f"P-0{n}" for n in range(1, 9)]
    assert "8 provisions" in html
    assert "3 · Full" in html  # P-08: every milestone completed
    assert 'href="/provisions/' in html


def test_htmx_request_gets_only_the_results(login, observer, sample_data):
    response = login(observer).get(URL, {"category": Category.ESG}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="results"')
    assert rows(html) == ["P-05"]


def test_history_restore_gets_the_whole_page(login, observer, sample_data):
    response = login(observer).get(URL, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_response_varies_on_hx_request(login, observer):
    response = login(observer).get(URL)
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": Category.GOVERNANCE}, ["P-04"]),
        ({"responsible_party": "US"}, ["P-02", "P-06"]),
        ({"responsible_party": "JOINT", "category": Category.OVERSIGHT}, ["P-08"]),
        ({"q": "geological"}, ["P-01"]),
        ({"q": "p-07"}, ["P-07"]),
        ({"q": "надр"}, ["P-04"]),
        # Cyrillic ignores case on SQLite too: the title reads "Спільні геологічні ...".
        ({"q": "спільні геологічні"}, ["P-01"]),
        ({"q": "  СПІЛЬНІ ГЕОЛОГІЧНІ "}, ["P-01"]),
    ],
)
def test_filters_narrow_the_list(login, observer, sample_data, params, expected):
    html = login(observer).get(URL, params).content.decode()
    assert rows(html) == expected


def test_mineral_filter(login, observer, sample_data):
    cobalt = sample_data_mineral("Cobalt")
    html = login(observer).get(URL, {"mineral": cobalt.pk}).content.decode()
    assert rows(html) == ["P-03"]


def sample_data_mineral(name):
    from tracker.core.models import Mineral

    return Mineral.objects.get(name=name)


def test_an_unknown_filter_value_is_explained_and_ignored(login, observer, sample_data):
    response = login(observer).get(URL, {"category": "nonsense"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html
    assert len(rows(html)) == 8


def test_no_match_says_what_to_do(login, observer, sample_data):
    html = login(observer).get(URL, {"q": "no such provision"}).content.decode()
    assert "0 provisions" in html
    assert "Clear the filters" in html


def test_empty_tracker_says_who_adds_provisions(login, observer):
    html = login(observer).get(URL).content.decode()
    assert "No provisions yet" in html


def test_sorting_by_progress_descending_and_marking_the_header(login, observer, sample_data):
    html = login(observer).get(URL, {"sort": "-progress"}).content.decode()
    assert rows(html)[0] == "P-08"
    assert rows(html)[-1] == "P-03"
    assert 'aria-sort="descending"' in html
    # The next click on that header sorts ascending, and a filter change keeps the order.
    assert "?sort=progress" in html
    assert 'name="sort" value="-progress" form="provision-filters"' in html


def test_sort_links_keep_the_filters(login, observer, sample_data):
    html = login(observer).get(URL, {"responsible_party": "JOINT"}).content.decode()
    assert 'href="/provisions/?responsible_party=JOINT&amp;sort=reference"' in html


def test_page_works_without_javascript(login, observer, sample_data):
    html = login(observer).get(URL).content.decode()
    form = re.search(r'<form id="provision-filters"[^>]*>', html).group(0)
    assert 'method="get"' in form
    assert 'action="/provisions/"' in form
    assert '<button type="submit">Apply filters</button>' in html
    for link in re.findall(r"<a [^>]*hx-get[^>]*>", html):
        assert "href=" in link


def test_titles_follow_the_language(observer, sample_data):
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(observer)
    client.post("/i18n/setlang/", {"language": "uk"})
    html = client.get(URL).content.decode()
    assert "Спільні геологічні дослідження" in html


def test_many_provisions_are_paginated(login, observer, agreement):
    Provision.objects.bulk_create(
        Provision(
            agreement=agreement,
            reference=f"X-{n:03}",
            title=f"Provision {n}",
            category=Category.ESG,
            responsible_party="UA",
        )
        for n in range(60)
    )
    client = login(observer)
    first = client.get(URL).content.decode()
    assert "60 provisions" in first
    assert first.count('data-label="Reference"') == 50
    assert "Page 1 of 2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count('data-label="Reference"') == 10


@pytest.mark.parametrize("count", [2, 60])
def test_query_count_does_not_grow_with_the_rows(
    login, observer, agreement, count, django_assert_max_num_queries
):
    Provision.objects.bulk_create(
        Provision(
            agreement=agreement,
            reference=f"X-{n:03}",
            title=f"Provision {n}",
            category=Category.ESG,
            responsible_party="UA",
        )
        for n in range(count)
    )
    client = login(observer)
    # Session and user; the count, the agreement and mineral choices, the rows (figures
    # are subqueries of that one query).
    with django_assert_max_num_queries(7):  # 6 + the header's unread count
        assert client.get(URL).status_code == 200


def test_post_is_refused(login, observer):
    assert login(observer).post(URL).status_code == 405


def test_user_without_a_role_is_refused(login, outsider, sample_data):
    response = login(outsider).get(URL)
    assert response.status_code == 403
    assert "No access yet" in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_agreements_workspace_lists_none_of_the_samples_provisions(
    login, observer, sample_data
):
    Agreement.objects.create(
        title="Another agreement", short_name="another", signed_on="2026-01-01", place="Kyiv"
    )
    html = login(observer).get(URL, {"agreement": "another"}).content.decode()
    assert rows(html) == []
    # The header's switcher offers both agreements, this one chosen.
    assert '<option value="another" selected>Another agreement</option>' in html
