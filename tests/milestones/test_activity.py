"""/activity/: every progress update, verification and return, newest first, filterable."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.conftest import make_milestone
from tests.milestones.conftest import HTMX, completed, pdf
from tracker.core.models import Category, Provision
from tracker.milestones import services
from tracker.milestones.models import ProgressUpdate, Status

URL = "/activity/"


def notes(response) -> list[str]:
    body = response.content.decode()
    body = body[body.index('id="results"') :]
    return re.findall(r'<td class="reason">(Note [^<]*)</td>', body)


@pytest.fixture
def log(member_ua, member_us, chair_us, provision, agreement, milestone_ua, milestone_us):
    second = Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title="Fund",
        category=Category.INVESTMENT,
        responsible_party="US",
    )
    other = make_milestone(second, "US", title="Fund charter")
    services.update_progress(
        milestone_ua, member_ua, version=1, status=Status.IN_PROGRESS, percent=10, note="Note A"
    )
    services.update_progress(
        milestone_us, member_us, version=1, status=Status.IN_PROGRESS, percent=20, note="Note B"
    )
    services.update_progress(
        other,
        member_us,
        version=1,
        status=Status.ON_HOLD,
        percent=0,
        note="Note C",
        files=[pdf("charter.pdf")],
    )
    # Spread the entries over three days, oldest first.
    now = timezone.now()
    for days_ago, note in ((2, "Note A"), (1, "Note B"), (0, "Note C")):
        ProgressUpdate.objects.filter(note=note).update(
            created_at=now - datetime.timedelta(days=days_ago)
        )
    return {"second": second}


def test_activity_lists_everything_newest_first(login, monitor, log):
    response = login(monitor).get(URL)

    assert response.status_code == 200
    assert notes(response) == ["Note C", "Note B", "Note A"]
    assert "3 entries" in response.content.decode()
    assert "charter.pdf" in response.content.decode()


def test_activity_filters_by_party_person_and_provision(login, monitor, member_ua, log):
    client = login(monitor)

    assert notes(client.get(URL, {"party": "UA"})) == ["Note A"]
    assert notes(client.get(URL, {"author": member_ua.pk})) == ["Note A"]
    assert notes(client.get(URL, {"provision": log["second"].pk})) == ["Note C"]


def test_activity_filters_by_date(login, monitor, log):
    today = timezone.localdate()
    client = login(monitor)

    since_yesterday = client.get(URL, {"since": (today - datetime.timedelta(days=1)).isoformat()})
    until_yesterday = client.get(URL, {"until": (today - datetime.timedelta(days=1)).isoformat()})

    assert notes(since_yesterday) == ["Note C", "Note B"]
    assert notes(until_yesterday) == ["Note B", "Note A"]


def test_activity_shows_verifications(login, monitor, chair_us, milestone_ua):
    completed(milestone_ua)
    services.verify(milestone_ua, chair_us, version=milestone_ua.version)

    body = login(monitor).get(URL).content.decode()

    assert "Chair Us" in body
    assert "Verified" in body


def test_htmx_activity_request_answers_the_results_fragment(login, monitor, log):
    response = login(monitor).get(URL, {"party": "US"}, headers=HTMX)

    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert notes(response) == ["Note C", "Note B"]


def test_activity_refuses_post(login, monitor):
    assert login(monitor).post(URL).status_code == 405


def test_activity_refuses_a_user_without_a_role(login, outsider):
    assert login(outsider).get(URL).status_code == 403


@pytest.mark.parametrize("entries", [2, 60])
def test_activity_query_count_is_fixed(
    login, monitor, member_ua, milestone_ua, entries, django_assert_num_queries
):
    for index in range(entries):
        services.update_progress(
            milestone_ua,
            member_ua,
            version=index + 1,
            status=Status.IN_PROGRESS,
            percent=index % 100,
            note=f"Step {index}",
            files=[pdf()] if index % 10 == 0 else [],
        )
    client = login(monitor)

    # Session, user, the agreements (tracker.core.workspace), the people and provision options
    # (one query), count, the page's ids, its rows, their evidence, the header's unread count.
    with django_assert_num_queries(9):
        response = client.get(URL, {"party": "UA", "author": member_ua.pk})

    assert response.status_code == 200


def test_activity_of_one_milestone_keeps_that_filter_in_the_form(login, monitor, milestone_ua, log):
    response = login(monitor).get(URL, {"milestone": milestone_ua.pk})

    body = response.content.decode()
    assert notes(response) == ["Note A"]
    assert f'<input type="hidden" name="milestone" value="{milestone_ua.pk}"' in body
