"""Reasons are kept and shown whole: a note of several hundred characters is not cut at 100
in the history, the audit log or the milestone's history, and a long word wraps instead of
widening the page."""

from __future__ import annotations

import html
import re
from pathlib import Path

from django.conf import settings

from tests.disputes.conftest import make_dispute
from tracker.audit.models import AuditEntry
from tracker.disputes.services import record_position
from tracker.milestones import services
from tracker.milestones.models import Status

LONG_NOTE = (
    "Survey tender published in the official gazette after the procurement board approved "
    "the revised terms of reference; the bidders' questions were answered in writing and the "
    "answers published beside the tender, so that every bidder reads the same conditions. "
    "End of the note."
)


def test_a_long_progress_note_is_the_whole_reason_in_history_and_audit(
    login, chair_us, monitor, milestone_ua, member_ua
):
    assert len(LONG_NOTE) > 250
    services.update_progress(
        milestone_ua,
        member_ua,
        version=milestone_ua.version,
        status=Status.IN_PROGRESS,
        percent=40,
        note=LONG_NOTE,
    )

    assert milestone_ua.history.latest().history_change_reason == LONG_NOTE
    assert AuditEntry.objects.filter(reason=LONG_NOTE).exists()
    audit = html.unescape(login(chair_us).get("/audit/").content.decode())
    assert LONG_NOTE in audit
    detail = html.unescape(login(monitor).get(f"/milestones/{milestone_ua.pk}/").content.decode())
    assert f'<q class="reason">{LONG_NOTE}</q>' in detail


def test_a_long_position_is_the_whole_reason_in_the_audit_log(
    login, chair_us, member_us, chair_ua, provision
):
    dispute = make_dispute(member_us, provision)
    position = "The data was shared on time. " * 12

    record_position(chair_ua, dispute, position)

    assert dispute.history.latest().history_change_reason == position.strip()
    audit = html.unescape(login(chair_us).get("/audit/").content.decode())
    assert position.strip() in audit


def test_reasons_wrap_rather_than_widen_the_page():
    audit = (Path(settings.BASE_DIR) / "templates/audit/audit_list.html").read_text()
    assert re.search(r'<td class="[^"]*\breason\b[^"]*">{{ entry.reason', audit)
    css = (Path(settings.BASE_DIR) / "static/css/tracker.css").read_text()
    rule = re.search(r"\.reason\s*{[^}]*}", css)
    assert rule and "overflow-wrap: anywhere" in rule.group(0)


def test_the_activity_page_shows_a_long_note_whole(login, monitor, milestone_ua, member_ua):
    services.update_progress(
        milestone_ua,
        member_ua,
        version=milestone_ua.version,
        status=Status.IN_PROGRESS,
        percent=40,
        note=LONG_NOTE,
    )

    body = html.unescape(login(monitor).get("/activity/").content.decode())

    assert f'<td class="reason">{LONG_NOTE}</td>' in body
