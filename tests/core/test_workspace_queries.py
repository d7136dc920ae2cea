"""Workspaces cost the same whatever the data: each page runs a fixed number of queries, the
same with one agreement as with two, and the same at two sizes of data; and a page of one
agreement is the same page whether or not the tracker holds another agreement."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.agreements import AgreementRows, build_agreement, grow
from tests.core.test_workspace import switcher

# Page → the queries it runs: the session and the user, the agreements (one query for the
# resolver and the header's switcher), the header's unread notifications, then the page's own.
# The dashboard's re-plans and the report's baselines and re-planned section add theirs
# (tracker/planning); the milestone's re-planning history comes with its history's one query.
PAGES = {
    "dashboard": 17,
    "provision_list": 7,
    "milestone_list": 8,
    "check_list": 8,
    "dispute_list": 8,
    "activity": 9,
    "report": 20,
    "check_create": 7,
    "dispute_create": 6,
    "provision_detail": 13,
    # The detail pages read the translations of their free text, one query per model of
    # records shown (the check's and its actions'; the dispute's and its timeline's).
    "milestone_detail": 9,
    "check_detail": 15,
    "dispute_detail": 10,  # with the open two-key proposal
}


def url_of(name: str, rows: AgreementRows) -> str:
    detail = {
        "provision_detail": ("provision_detail", rows.provision.pk),
        "milestone_detail": ("milestones:detail", rows.milestone.pk),
        "check_detail": ("monitoring:detail", rows.checks[0].pk),
        "dispute_detail": ("disputes:detail", rows.disputes[0].pk),
    }
    if name in detail:
        view, pk = detail[name]
        return reverse(view, args=[pk])
    return {
        "dashboard": "/",
        "provision_list": "/provisions/",
        "milestone_list": "/milestones/",
        "check_list": "/checks/",
        "dispute_list": "/disputes/",
        "activity": "/activity/",
        "report": "/reports/compliance/",
        "check_create": "/checks/new/",
        "dispute_create": "/disputes/new/",
    }[name]


def queries(client, url: str, params: dict) -> int:
    # The first visit may remember the agreement in the session (one write); the count is of
    # the page as people read it, the visit after.
    assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def reader(login, name: str, monitor, chair_us):
    """Someone who may open the page: a monitor (who also records checks), or for the form
    that raises a dispute a co-chair."""
    return login(monitor if name != "dispute_create" else chair_us)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_is_fixed_whatever_the_agreements_and_the_data(
    name, login, member_ua, monitor, member_us, chair_us
):
    alpha = build_agreement("alpha", author=member_ua, monitor=monitor, raiser=member_us)
    # A check on each provision: the provision page lists recent checks only when there are.
    grow(alpha, 2)
    client = reader(login, name, monitor, chair_us)
    url = url_of(name, alpha)
    counts = {"one agreement": queries(client, url, {})}

    bravo = build_agreement("bravo", author=member_ua, monitor=monitor, raiser=member_us)
    grow(bravo, 2)
    params = {} if name.endswith("_detail") else {"agreement": "alpha"}
    counts["two agreements"] = queries(client, url, params)
    grow(alpha, 25)
    grow(bravo, 40)
    counts["two agreements, more data"] = queries(client, url, params)
    if name == "activity":
        counts["all agreements"] = queries(client, url, {"agreement": "all"})

    assert counts == dict.fromkeys(counts, PAGES[name])


def normalised(html: str, short_name: str) -> str:
    """The page less what varies by request (the CSRF token, the CSP nonce, the report's
    generation time) and, with several agreements, the switcher and the parameter."""
    html = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r'\1"-"', html)
    html = re.sub(r'nonce="[^"]+"', 'nonce="-"', html)
    html = re.sub(r"<dt>Generated at</dt><dd>.*?</dd>", "", html)
    html = html.replace(switcher(html), "")
    html = html.replace(f'<input type="hidden" name="agreement" value="{short_name}">', "")
    html = html.replace(f"agreement={short_name}&amp;", "")
    html = re.sub(rf"(&amp;|\?)agreement={short_name}(?=\")", "", html)
    # The report's agreement field lists every agreement: only this one is compared.
    return re.sub(r'<option value="bravo">[^<]*</option>\s*', "", html)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_of_one_agreement_is_the_same_beside_another_agreement(
    name, login, member_ua, monitor, member_us, chair_us
):
    alpha = build_agreement("alpha", author=member_ua, monitor=monitor, raiser=member_us)
    client = reader(login, name, monitor, chair_us)
    url = url_of(name, alpha)
    alone = client.get(url).content.decode()

    build_agreement("bravo", author=member_ua, monitor=monitor, raiser=member_us)
    params = {} if name.endswith("_detail") else {"agreement": "alpha"}
    beside = client.get(url, params).content.decode()

    assert 'id="workspace-switch"' not in alone
    assert 'id="workspace-switch"' in beside
    assert normalised(beside, "alpha") == normalised(alone, "alpha")
