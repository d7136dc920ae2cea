"""Every list of evidence shows each file's SHA-256 beside it: the first 12 hex digits, the
whole value on hover (`title`) and in a `<code>` a reader can select and copy, with a word on
how to check a downloaded copy (`sha256sum`)."""

from __future__ import annotations

import hashlib
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.milestones.conftest import pdf
from tests.monitoring.test_check_create import _data
from tracker.milestones import services
from tracker.milestones.models import Status
from tracker.monitoring.models import MonitoringCheck

NOTES = b"Site visit notes, 12 May"


def assert_digest_shown(body: str, content: bytes) -> None:
    digest = hashlib.sha256(content).hexdigest()
    body = html.unescape(body)
    assert f'<code class="digest-short" title="{digest}">{digest[:12]}…</code>' in body
    assert re.search(rf'<code class="digest" id="sha256-\d+">{digest}</code>', body)
    assert re.search(
        r'<button type="button" [^>]*data-copy="sha256-\d+"[^>]* hidden>Copy</button>', body
    )
    assert "sha256sum" in body


@pytest.fixture
def update_with_file(member_ua, milestone_ua):
    return services.update_progress(
        milestone_ua,
        member_ua,
        version=1,
        status=Status.IN_PROGRESS,
        percent=35,
        note="Tender drafted",
        files=[pdf("draft.pdf")],
    )


def test_milestone_page_shows_the_digest_of_each_file(
    login, monitor, milestone_ua, update_with_file
):
    content = update_with_file.evidence.get().file.read()

    body = login(monitor).get(f"/milestones/{milestone_ua.pk}/").content.decode()

    assert_digest_shown(body, content)


def test_activity_page_shows_the_digest_of_each_file(login, monitor, update_with_file):
    content = update_with_file.evidence.get().file.read()

    body = login(monitor).get("/activity/").content.decode()

    assert_digest_shown(body, content)


def test_check_page_shows_the_digest_of_each_file(login, monitor, provision):
    data = _data(provision, evidence=[SimpleUploadedFile("notes.txt", NOTES, "text/plain")])
    assert login(monitor).post("/checks/new/", data).status_code == 302
    check = MonitoringCheck.objects.get()

    body = login(monitor).get(f"/checks/{check.pk}/").content.decode()

    assert_digest_shown(body, NOTES)
