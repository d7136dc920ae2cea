"""Confidentiality: task-force records and public ones, on every page an observer meets.

Each record type is made twice through its service, once task-force only (the default) and
once public; the observer sees the public one and never the other (a task-force record
answers 404), while the task force sees both.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tracker.core.models import Evidence
from tracker.disputes import services as disputes
from tracker.disputes.models import Dispute
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone, ProgressUpdate
from tracker.monitoring import services as monitoring
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _check(monitor, provision, criterion: str, visibility: str) -> MonitoringCheck:
    fields = {
        "provision": provision,
        "milestone": None,
        "criterion": criterion,
        "criterion_uk": "",
        "checked_on": datetime.date(2026, 1, 10),
        "result": "non_compliant",
        "severity": "major",
        "finding": f"Finding of {criterion}.",
        "follows_up": None,
    }
    action = {
        "description": f"Remedy of {criterion}",
        "owner_party": "UA",
        "due_date": datetime.date(2027, 1, 10),
    }
    return monitoring.record_check(
        monitor, fields, [_upload(f"{criterion}.pdf")], action, visibility=visibility
    )


def _dispute(member_ua, provision, title: str, visibility: str) -> Dispute:
    return disputes.raise_dispute(
        member_ua,
        agreement=provision.agreement,
        provisions=[provision],
        raised_by_party="UA",
        title=title,
        description=f"About {title}.",
        raising_position=f"Position on {title}.",
        visibility=visibility,
    )


@pytest.fixture
def records(provision, member_ua, monitor):
    milestone = Milestone.objects.create(
        provision=provision,
        title="Publish the survey",
        responsible_party="UA",
        due_date=datetime.date(2027, 6, 30),
    )
    secret = milestones.update_progress(
        milestone,
        member_ua,
        version=milestone.version,
        status="in_progress",
        percent=20,
        note="Secret note",
        files=[_upload("secret-annex.pdf")],
    )
    milestone.refresh_from_db()
    public = milestones.update_progress(
        milestone,
        member_ua,
        version=milestone.version,
        status="in_progress",
        percent=30,
        note="Public note",
        files=[_upload("public-annex.pdf")],
        visibility="public",
    )
    return SimpleNamespace(
        milestone=milestone,
        secret_update=secret,
        public_update=public,
        secret_file=secret.evidence.get(),
        public_file=public.evidence.get(),
        secret_check=_check(monitor, provision, "Secret criterion", "task_force"),
        public_check=_check(monitor, provision, "Public criterion", "public"),
        secret_dispute=_dispute(member_ua, provision, "Secret dispute", "task_force"),
        public_dispute=_dispute(member_ua, provision, "Public dispute", "public"),
    )


def test_records_are_task_force_only_unless_made_public(records):
    assert records.secret_update.visibility == "task_force"
    assert records.secret_file.visibility == "task_force"
    assert (records.public_update.visibility, records.public_file.visibility) == (
        "public",
        "public",
    )
    assert records.public_check.corrective_actions.get().visibility == "public"
    assert records.public_check.evidence.get().visibility == "public"
    assert records.secret_dispute.visibility == "task_force"


def test_observer_gets_404_for_task_force_evidence_and_the_file_for_public_evidence(
    login, observer, records
):
    client = login(observer)
    assert client.get(f"/evidence/{records.secret_file.pk}/").status_code == 404
    response = client.get(f"/evidence/{records.public_file.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # The check's file follows its check.
    check_file = records.secret_check.evidence.get()
    assert client.get(f"/evidence/{check_file.pk}/").status_code == 404


def test_task_force_downloads_task_force_evidence(login, member_us, records):
    response = login(member_us).get(f"/evidence/{records.secret_file.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_observer_gets_404_for_a_task_force_dispute_and_check(login, observer, records):
    client = login(observer)
    assert client.get(f"/disputes/{records.secret_dispute.pk}/").status_code == 404
    assert client.get(f"/checks/{records.secret_check.pk}/").status_code == 404
    assert client.get(f"/disputes/{records.public_dispute.pk}/").status_code == 200
    page = client.get(f"/checks/{records.public_check.pk}/").content.decode()
    assert "Remedy of Public criterion" in page
    assert "Public criterion.pdf" in page


def test_observer_lists_show_only_public_records(login, observer, records, provision):
    client = login(observer)
    pages = {
        "disputes": client.get("/disputes/").content.decode(),
        "checks": client.get("/checks/").content.decode(),
        "activity": client.get("/activity/").content.decode(),
        "milestone": client.get(f"/milestones/{records.milestone.pk}/").content.decode(),
        "provision": client.get(f"/provisions/{provision.pk}/").content.decode(),
        "dashboard": client.get("/").content.decode(),
    }
    for name, page in pages.items():
        for secret in (
            "Secret note",
            "secret-annex.pdf",
            "Finding of Secret criterion",
            "Secret dispute",
            "Remedy of Secret criterion",
            f'href="/checks/{records.secret_check.pk}/"',
            f'href="/disputes/{records.secret_dispute.pk}/"',
        ):
            assert secret not in page, (name, secret)
        if name != "provision":
            assert "Secret criterion" not in page, name
    # The provision's compliance state is an aggregate: every criterion's latest result is
    # in it, but only the public check can be opened.
    assert "Secret criterion" in pages["provision"]
    assert f'href="/checks/{records.public_check.pk}/"' in pages["provision"]
    assert "Public dispute" in pages["disputes"]
    assert "Public criterion" in pages["checks"]
    assert "Public note" in pages["activity"]
    assert "Public note" in pages["milestone"] and "public-annex.pdf" in pages["milestone"]
    assert "Public dispute" in pages["provision"]
    assert "Public dispute" in pages["dashboard"]


def test_the_task_force_sees_both(login, member_us, records):
    client = login(member_us)
    disputes_page = client.get("/disputes/").content.decode()
    activity = client.get("/activity/").content.decode()
    assert "Secret dispute" in disputes_page and "Public dispute" in disputes_page
    assert "Secret note" in activity and "Public note" in activity


def test_aggregate_figures_count_every_record_for_observers(login, observer, records):
    figures = login(observer).get("/").context["figures"]
    assert figures.disputes_count == 2
    assert [item.title for item in figures.disputes] == ["Public dispute"]
    assert figures.open_actions_count == 2


def test_co_chair_makes_a_dispute_public_with_a_reason(login, chair_us, observer, records):
    dispute = records.secret_dispute
    client = login(chair_us)
    url = f"/disputes/{dispute.pk}/visibility/"
    assert client.get(url).status_code == 200

    refused = client.post(url, {"visibility": "public", "reason": ""})
    assert refused.status_code == 400
    assert "Give the reason for changing who may read it." in refused.content.decode()
    dispute.refresh_from_db()
    assert dispute.visibility == "task_force"

    response = client.post(url, {"visibility": "public", "reason": "Agreed to publish."})
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/{dispute.pk}/"
    dispute.refresh_from_db()
    assert dispute.visibility == "public"
    record = dispute.history.first()
    assert (record.history_user, record.history_change_reason) == (chair_us, "Agreed to publish.")
    assert login(observer).get(f"/disputes/{dispute.pk}/").status_code == 200


def test_making_a_note_task_force_only_takes_its_files_along(monitor, records):
    changed = milestones.change_update_visibility(
        monitor, records.public_update, "task_force", "Contains personal data."
    )
    assert changed
    records.public_file.refresh_from_db()
    assert records.public_file.visibility == "task_force"
    assert ProgressUpdate.objects.get(pk=records.public_update.pk).visibility == "task_force"
    assert Evidence.history.filter(id=records.public_file.pk).first().history_change_reason == (
        "Contains personal data."
    )


@pytest.mark.parametrize("person", ["member_ua", "observer", "staff_admin"])
def test_only_co_chairs_and_monitors_change_visibility(request, login, records, person):
    user = request.getfixturevalue(person)
    check = records.secret_check
    with pytest.raises(PermissionDenied):
        monitoring.change_check_visibility(user, check, "public", "Publish it.")
    response = login(user).post(
        f"/checks/{check.pk}/visibility/", {"visibility": "public", "reason": "Publish it."}
    )
    assert response.status_code in (403, 404)
    check.refresh_from_db()
    assert check.visibility == "task_force"


def test_a_public_action_of_a_task_force_check_stays_hidden(monitor, observer, records):
    action = records.secret_check.corrective_actions.get()
    monitoring.change_action_visibility(monitor, action, "public", "The remedy is public.")
    assert not CorrectiveAction.objects.visible_to(observer).filter(pk=action.pk).exists()
    monitoring.change_check_visibility(monitor, records.secret_check, "public", "Published.")
    assert CorrectiveAction.objects.visible_to(observer).filter(pk=action.pk).exists()


def test_an_unknown_visibility_is_refused(monitor, records):
    with pytest.raises(ValidationError):
        monitoring.change_check_visibility(monitor, records.secret_check, "secret", "Why not.")


def test_the_forms_offer_the_choice_and_record_it(login, monitor, provision):
    client = login(monitor)
    page = client.get("/checks/new/").content.decode()
    assert 'name="visibility"' in page
    client.post(
        "/checks/new/",
        {
            "provision": provision.pk,
            "criterion": "Tender published",
            "checked_on": "2026-01-05",
            "result": "compliant",
            "finding": "On the portal.",
            "visibility": "public",
        },
    )
    assert MonitoringCheck.objects.get(criterion="Tender published").visibility == "public"


@pytest.mark.parametrize("name", ["secret_update", "secret_file", "secret_check", "secret_dispute"])
def test_the_database_refuses_an_unknown_visibility(records, name):
    from django.db import IntegrityError, transaction

    record = getattr(records, name)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(visibility="secret")


def test_an_observers_pages_take_as_many_queries_whatever_the_data(
    login, observer, records, provision, member_ua, monitor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(observer)
    urls = ["/disputes/", "/checks/", "/activity/", f"/milestones/{records.milestone.pk}/", "/"]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for number in range(3):
        for visibility in ("task_force", "public"):
            _check(monitor, provision, f"More {visibility} {number}", visibility)
            _dispute(member_ua, provision, f"More {visibility} {number}", visibility)
    assert counts() == before
