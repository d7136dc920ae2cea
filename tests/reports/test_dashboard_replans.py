"""The dashboard counts the milestones re-planned in the last 90 days, each once."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.conftest import make_milestone
from tracker.milestones import services
from tracker.reports.dashboard import dashboard_figures

TODAY = timezone.localdate()


def moved(milestone, user, days_ago: int, version: int, shift: int):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    services.replan_milestone(
        milestone,
        user,
        version=version,
        due_date=milestone.baseline_due + datetime.timedelta(days=shift),
        reason="Moved",
        at=moment,
    )


def test_milestones_re_planned_within_90_days_are_counted_once(chair_ua, provision):
    twice = make_milestone(provision, "UA", title="Moved twice")
    long_ago = make_milestone(provision, "UA", title="Moved long ago")
    make_milestone(provision, "UA", title="Never moved")
    moved(twice, chair_ua, 60, 1, 10)
    moved(twice, chair_ua, 2, 2, 20)
    moved(long_ago, chair_ua, 120, 1, 10)

    figures = dashboard_figures(TODAY)

    assert figures.replanned_count == 1
    assert figures.replanned_since == TODAY - datetime.timedelta(days=90)


def test_the_card_links_to_the_re_plans_in_activity(client, observer, chair_ua, provision):
    moved(make_milestone(provision, "UA", title="Moved"), chair_ua, 1, 1, 7)
    client.force_login(observer)

    page = client.get("/").content.decode()

    since = (TODAY - datetime.timedelta(days=90)).isoformat()
    assert f'href="/activity/?kind=replanned&amp;since={since}"' in page
    assert '<span class="figure" id="replanned-count">1</span>' in page
