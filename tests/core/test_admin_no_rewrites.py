"""No silent rewrites: the admin shows workflow records and their history, and changes none.

Milestones, progress updates, evidence, checks, corrective actions, disputes and their
events: no change, no delete, no history revert (a POST to the past version's page included).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.accounts.scenarios import database_snapshot
from tracker.core.models import Evidence
from tracker.disputes.models import Dispute, DisputeEvent
from tracker.milestones import services
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

WORKFLOW_MODELS = [
    Milestone,
    ProgressUpdate,
    Evidence,
    MonitoringCheck,
    CorrectiveAction,
    Dispute,
    DisputeEvent,
]


@pytest.fixture
def records(sample_data, milestone_ua, member_ua):
    milestone_ua.refresh_from_db()
    services.update_progress(
        milestone_ua,
        member_ua,
        version=milestone_ua.version,
        status=Status.IN_PROGRESS,
        percent=40,
        note="Minutes attached",
        files=[SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n% minutes\n")],
    )
    return {model: model.objects.order_by("pk").last() for model in WORKFLOW_MODELS}


def admin_url(obj, view: str) -> str:
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/{view}/"


@pytest.mark.parametrize("model", WORKFLOW_MODELS, ids=lambda model: model.__name__)
def test_the_admin_shows_the_record_and_its_history_but_offers_no_change(
    login, staff_admin, records, model
):
    obj = records[model]
    client = login(staff_admin)

    change = client.get(admin_url(obj, "change"))
    history = client.get(admin_url(obj, "history"))

    assert change.status_code == 200
    body = change.content.decode()
    assert 'name="_save"' not in body
    assert 'class="deletelink"' not in body
    assert history.status_code == 200
    assert "Revert" not in history.content.decode()
    opts = model._meta
    listing = client.get(f"/admin/{opts.app_label}/{opts.model_name}/").content.decode()
    assert 'value="delete_selected"' not in listing


@pytest.mark.parametrize("model", WORKFLOW_MODELS, ids=lambda model: model.__name__)
def test_change_delete_and_revert_posts_change_nothing(login, staff_admin, records, model):
    obj = records[model]
    record = obj.history.order_by("history_id").first()
    client = login(staff_admin)
    before = database_snapshot()

    change = client.post(admin_url(obj, "change"), {"_save": "Save"})
    delete = client.post(admin_url(obj, "delete"), {"post": "yes"})
    revert = client.post(f"{admin_url(obj, 'history')}{record.history_id}/", {"_save": "Save"})

    assert (change.status_code, delete.status_code, revert.status_code) == (403, 403, 403)
    assert database_snapshot() == before


def test_revert_is_refused_even_where_the_record_may_be_edited(login, staff_admin, organisation):
    """Reference data stays editable with a reason; its past versions are read, not restored."""
    record = organisation.history.get()
    page = login(staff_admin).get(
        f"/admin/core/organisation/{organisation.pk}/history/{record.history_id}/"
    )
    response = login(staff_admin).post(
        f"/admin/core/organisation/{organisation.pk}/history/{record.history_id}/",
        {"name": "Reverted", "kind": "agency", "affiliation": "UA", "_save": "Save"},
    )

    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "State Geological Service"
