"""Planning entries in Activity: planned, details edited, re-planned, cancelled; the kind
filter finds them."""

from __future__ import annotations

import datetime

from tracker.milestones import services

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_activity_shows_each_planning_move_with_its_dates(client, monitor, chair_ua, provision):
    milestone = services.create_milestone(
        provision,
        chair_ua,
        fields={"title": "Agree the protocol", "responsible_party": "JOINT"},
        due_date=datetime.date(2026, 9, 30),
    )
    services.replan_milestone(
        milestone, chair_ua, version=1, due_date=datetime.date(2026, 12, 1), reason="Late data"
    )
    services.cancel_milestone(milestone, chair_ua, version=2, reason="Merged into P-01.2")
    client.force_login(monitor)

    page = client.get("/activity/").content.decode()

    assert 'Planned: due <time datetime="2026-09-30">' in page
    assert (
        'Re-planned: <time datetime="2026-09-30">30 Sep 2026</time> → '
        '<time datetime="2026-12-01">1 Dec 2026</time>'
    ) in page
    assert "Not started → Cancelled" in page
    assert "Merged into P-01.2" in page


def test_the_kind_filter_keeps_the_re_plans(client, monitor, chair_ua, milestone_ua):
    services.update_progress(
        milestone_ua, chair_ua, version=1, status="in_progress", percent=10, note="Started"
    )
    services.replan_milestone(
        milestone_ua, chair_ua, version=2, due_date=datetime.date(2026, 8, 1), reason="Late data"
    )
    client.force_login(monitor)

    page = client.get("/activity/", {"kind": "replanned"}, **HTMX).content.decode()

    assert "<html" not in page
    assert "Late data" in page
    assert "Started" not in page
