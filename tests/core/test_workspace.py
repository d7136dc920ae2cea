"""Agreement workspaces (tracker/core/workspace.py): which agreement a page shows, the
redirect that puts it in the URL, the unknown short name, the header's switcher, and the
pages of a tracker that holds a single agreement."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.agreements import build_agreement
from tracker.core.models import Agreement
from tracker.core.workspace import SESSION_KEY, within
from tracker.disputes.models import Dispute
from tracker.milestones.models import Milestone, ProgressUpdate
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

# Every page that shows one agreement's rows and names it in its URL.
LIST_PAGES = [
    "/",
    "/provisions/",
    "/milestones/",
    "/checks/",
    "/disputes/",
    "/activity/",
    "/reports/compliance/",
    "/checks/new/",
    "/disputes/new/",
]
HTMX = {"HX-Request": "true"}


def user_for(request, url: str):
    """Someone who may open the page: a monitor records checks, a co-chair does the rest."""
    return request.getfixturevalue("monitor" if url == "/checks/new/" else "chair_us")


def switcher(html: str) -> str:
    found = re.search(r'<div id="workspace-switch".*?</form>\s*</div>', html, re.S)
    return found.group(0) if found else ""


def without_switcher(html: str) -> str:
    return html.replace(switcher(html), "")


def selected_agreement(html: str) -> str:
    return re.search(r'<option value="([^"]+)" selected>', switcher(html)).group(1)


# --- One agreement: nothing changes ---------------------------------------------------------


@pytest.mark.parametrize("url", LIST_PAGES)
def test_with_one_agreement_no_page_redirects_or_shows_a_switcher(request, login, alpha, url):
    response = login(user_for(request, url)).get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="workspace-switch"' not in html
    # The report's own agreement field aside, no link or form names the agreement.
    html = re.sub(r'<select name="agreement".*?</select>', "", html, flags=re.S)
    assert not re.search(r"[?&;]agreement=", html)
    assert 'name="agreement" value=' not in html


def test_with_one_agreement_the_session_is_not_written(login, monitor, alpha):
    client = login(monitor)
    client.get("/milestones/")
    client.get(reverse("milestones:detail", args=[alpha.milestone.pk]))

    assert SESSION_KEY not in client.session


def test_with_one_agreement_its_short_name_in_the_url_is_accepted(login, monitor, alpha):
    response = login(monitor).get("/milestones/", {"agreement": "alpha"})

    assert response.status_code == 200
    assert "Alpha overdue tender" in response.content.decode()


# --- Several agreements: the URL names the agreement ---------------------------------------


@pytest.mark.parametrize("url", LIST_PAGES)
def test_a_page_without_the_parameter_redirects_once_to_the_most_recently_signed(
    request, login, bravo, url
):
    client = login(user_for(request, url))
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{url}?agreement=bravo"
    assert client.get(response["Location"]).status_code == 200


def test_the_redirect_keeps_the_filters_and_the_page(login, monitor, bravo):
    response = login(monitor).get("/milestones/", {"status": "in_progress", "page": "2"})

    assert response["Location"] == "/milestones/?status=in_progress&page=2&agreement=bravo"


def test_an_empty_parameter_counts_as_none(login, monitor, bravo):
    response = login(monitor).get("/checks/", {"agreement": "", "result": "compliant"})

    assert response["Location"] == "/checks/?agreement=bravo&result=compliant"


def test_the_agreement_last_chosen_is_the_default_of_the_session(login, monitor, bravo):
    client = login(monitor)
    client.get("/checks/", {"agreement": "alpha"})

    assert client.session[SESSION_KEY] == "alpha"
    assert client.get("/disputes/")["Location"] == "/disputes/?agreement=alpha"
    assert client.get("/")["Location"] == "/?agreement=alpha"


def test_a_detail_page_makes_its_agreement_the_default(login, monitor, alpha, bravo):
    client = login(monitor)
    client.get("/milestones/", {"agreement": "bravo"})
    client.get(reverse("monitoring:detail", args=[alpha.checks[0].pk]))

    # The navigation's links name no agreement: they open the one the person was looking at.
    assert client.get("/milestones/")["Location"] == "/milestones/?agreement=alpha"


def test_a_forgotten_agreement_falls_back_to_the_most_recently_signed(login, monitor, bravo):
    Agreement.objects.create(title="Empty", short_name="empty", signed_on="2020-01-01", place="-")
    client = login(monitor)
    client.get("/milestones/", {"agreement": "empty"})
    Agreement.objects.filter(short_name="empty").delete()

    assert client.get("/milestones/")["Location"] == "/milestones/?agreement=bravo"


def test_an_htmx_fragment_is_not_redirected(login, monitor, alpha, bravo):
    client = login(monitor)
    client.get("/milestones/", {"agreement": "alpha"})

    response = client.get("/milestones/", {"status": "in_progress"}, headers=HTMX)

    # It does not change the address bar; the session's agreement answers it.
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Alpha overdue tender" in response.content.decode()
    assert "Bravo overdue tender" not in response.content.decode()


def test_a_post_without_the_parameter_is_not_redirected(login, member_us, alpha, bravo):
    client = login(member_us)
    client.get("/disputes/", {"agreement": "alpha"})
    data = {
        "agreement": alpha.agreement.pk,
        "provisions": [alpha.provision.pk],
        "raised_by_party": "US",
        "title": "Raised in the remembered agreement",
        "description": "Something.",
        "raising_position": "Something else.",
    }

    response = client.post("/disputes/new/", data)

    assert response.status_code == 302
    assert Dispute.objects.get(title="Raised in the remembered agreement").agreement == (
        alpha.agreement
    )


# --- Unknown short names ------------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_PAGES)
def test_an_unknown_short_name_answers_404_with_the_known_agreements(login, monitor, bravo, url):
    response = login(monitor).get(url, {"agreement": "no-such-agreement", "page": "3"})

    assert response.status_code == 404
    html = response.content.decode()
    assert "Agreement not found" in html
    assert "no short name “no-such-agreement”" in html or "“no-such-agreement”" in html
    # Links to the same page of each known agreement, the page number left out.
    assert f'href="{url}?agreement=alpha"' in html
    assert f'href="{url}?agreement=bravo"' in html


def test_an_unknown_short_name_answers_404_with_one_agreement_too(login, monitor, alpha):
    response = login(monitor).get("/milestones/", {"agreement": "bravo"})

    assert response.status_code == 404
    assert 'href="/milestones/?agreement=alpha"' in response.content.decode()


def test_an_unknown_short_name_is_escaped(login, monitor, alpha):
    response = login(monitor).get("/milestones/", {"agreement": "<script>x</script>"})

    assert response.status_code == 404
    assert "<script>x</script>" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


@pytest.mark.parametrize("url", [page for page in LIST_PAGES if page != "/activity/"])
def test_all_agreements_is_offered_by_the_activity_feed_only(login, monitor, bravo, url):
    assert login(monitor).get(url, {"agreement": "all"}).status_code == 404


def test_a_person_without_a_role_learns_nothing_about_agreements(login, outsider, alpha):
    response = login(outsider).get("/milestones/", {"agreement": "no-such-agreement"})

    assert response.status_code == 403
    assert "Alpha" not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_first(client, bravo):
    response = client.get("/milestones/", {"agreement": "no-such-agreement"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_no_agreement_may_be_called_all(db):
    agreement = Agreement(title="All", short_name="all", signed_on="2025-01-01", place="Kyiv")

    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()

    assert "short_name" in refused.value.message_dict


# --- The header's switcher ----------------------------------------------------------------


def test_the_switcher_is_a_labelled_get_form_that_keeps_the_page_and_its_filters(
    login, monitor, alpha, bravo
):
    html = (
        login(monitor)
        .get(
            "/milestones/",
            {"agreement": "alpha", "status": "in_progress", "page": "2", "provision": "1"},
        )
        .content.decode()
    )
    form = switcher(html)

    assert '<form class="wrap workspace-switch" method="get" action="/milestones/">' in form
    assert '<label for="workspace-select">Agreement</label>' in form
    assert '<select id="workspace-select" name="agreement">' in form
    assert '<input type="hidden" name="status" value="in_progress">' in form
    # The page number and the filters that name one agreement's rows are dropped.
    assert 'name="page"' not in form
    assert 'name="provision"' not in form
    assert '<option value="alpha" selected>Alpha cooperation agreement</option>' in form
    assert '<option value="bravo">Bravo cooperation agreement</option>' in form
    assert "All agreements" not in form
    assert '<button type="submit"' in form
    # Nothing the strict CSP would refuse.
    assert "<script" not in form and "style=" not in form and "hx-on" not in form


def test_the_activity_switcher_offers_all_agreements(login, monitor, bravo):
    html = login(monitor).get("/activity/", {"agreement": "all"}).content.decode()

    assert '<option value="all" selected>All agreements</option>' in switcher(html)


def test_the_switcher_of_a_detail_page_shows_its_agreement_and_opens_the_list(
    login, monitor, alpha, bravo
):
    client = login(monitor)
    pages = {
        reverse("provision_detail", args=[alpha.provision.pk]): "/provisions/",
        reverse("milestones:detail", args=[alpha.milestone.pk]): "/milestones/",
        reverse("monitoring:detail", args=[alpha.checks[0].pk]): "/checks/",
        reverse("disputes:detail", args=[alpha.disputes[0].pk]): "/disputes/",
    }
    for url, list_url in pages.items():
        # The page's own object decides, whatever the URL or the session say.
        html = client.get(url, {"agreement": "bravo"}).content.decode()
        form = switcher(html)
        assert selected_agreement(html) == "alpha", url
        assert f'action="{list_url}"' in form, url
        assert 'type="hidden"' not in form, url


def test_detail_pages_link_back_to_the_lists_of_their_agreement(
    login, chair_us, monitor, alpha, bravo
):
    client = login(chair_us)
    provision = client.get(reverse("provision_detail", args=[alpha.provision.pk]))
    html = provision.content.decode()
    pk = alpha.provision.pk
    assert 'href="/provisions/?agreement=alpha"' in html
    assert f'href="/milestones/?provision={pk}&amp;agreement=alpha"' in html
    assert f'href="/disputes/new/?provision={pk}&amp;agreement=alpha"' in html
    as_monitor = login(monitor).get(reverse("provision_detail", args=[pk])).content.decode()
    assert f'href="/checks/new/?provision={pk}&amp;agreement=alpha"' in as_monitor

    check = client.get(reverse("monitoring:detail", args=[alpha.checks[0].pk])).content.decode()
    assert 'href="/checks/?agreement=alpha"' in check
    dispute = client.get(reverse("disputes:detail", args=[alpha.disputes[0].pk]))
    assert 'href="/disputes/?agreement=alpha"' in dispute.content.decode()
    milestone = client.get(reverse("milestones:detail", args=[alpha.milestone.pk]))
    assert 'href="/milestones/?agreement=alpha"' in milestone.content.decode()


def test_a_list_fragment_brings_the_switcher_with_the_new_filters(login, monitor, bravo):
    response = login(monitor).get(
        "/checks/",
        {"agreement": "alpha", "result": "non_compliant"},
        headers={**HTMX, "HX-Current-URL": "http://testserver/checks/?agreement=alpha"},
    )
    html = response.content.decode()

    assert "<html" not in html
    form = switcher(html)
    assert 'hx-swap-oob="true"' in form
    assert '<input type="hidden" name="result" value="non_compliant">' in form


def test_a_fragment_for_another_page_leaves_the_switcher_alone(login, monitor, alpha, bravo):
    # The check page's edit form asks the record page for the milestones of a provision.
    response = login(monitor).get(
        "/checks/new/",
        {"provision": alpha.provision.pk},
        headers={
            **HTMX,
            "HX-Current-URL": f"http://testserver/checks/{alpha.checks[0].pk}/",
        },
    )

    assert response.status_code == 200
    assert 'id="workspace-switch"' not in response.content.decode()


# --- Narrowing ----------------------------------------------------------------------------


def test_within_narrows_every_kind_of_row_to_one_agreement(alpha, bravo):
    for model in (Milestone, ProgressUpdate, MonitoringCheck, CorrectiveAction, Dispute):
        for rows in (alpha, bravo):
            narrowed = within(model.objects.all(), rows.agreement)
            by_name = within(model.objects.all(), rows.short_name)
            assert set(narrowed) == set(by_name)
            assert narrowed.count() == model.objects.count() / 2, model
        assert within(model.objects.all(), None).count() == model.objects.count()


def test_within_refuses_a_model_that_belongs_to_no_agreement(alpha):
    with pytest.raises(TypeError):
        within(Agreement.objects.all(), alpha.agreement)


def test_a_third_agreement_is_offered_in_signing_order(
    login, staff_admin, member_ua, monitor, member_us, bravo
):
    build_agreement(
        "charlie", author=member_ua, monitor=monitor, raiser=member_us, signed_on="2024-01-01"
    )
    html = login(staff_admin).get("/", {"agreement": "charlie"}).content.decode()

    assert re.findall(r'<option value="([^"]+)"', switcher(html)) == ["bravo", "alpha", "charlie"]


def test_agreement_titles_are_shown_escaped(login, monitor, alpha):
    payload = '"><img src=x onerror=alert(1)>'
    Agreement.objects.create(
        title=f"Hostile {payload}", short_name="hostile", signed_on="2026-06-01", place="-"
    )
    client = login(monitor)

    for response in (
        client.get("/milestones/", {"agreement": "alpha"}),
        client.get("/milestones/", {"agreement": "no-such-agreement"}),
    ):
        html = response.content.decode()
        assert payload not in html
        assert "Hostile &quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
