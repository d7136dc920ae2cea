"""The admin keeps reference data; workflow fields change only through the transitions."""

from __future__ import annotations

from tracker.milestones import services
from tracker.milestones.models import Status


def test_admin_lists_and_opens_milestones_with_workflow_fields_read_only(
    login, staff_admin, milestone_ua
):
    client = login(staff_admin)

    listing = client.get("/admin/milestones/milestone/")
    change = client.get(f"/admin/milestones/milestone/{milestone_ua.pk}/change/")

    assert listing.status_code == 200
    assert change.status_code == 200
    body = change.content.decode()
    assert 'name="title"' in body
    assert 'name="status"' not in body
    assert 'name="version"' not in body


def test_admin_cannot_edit_the_progress_log(login, staff_admin, member_ua, milestone_ua):
    entry = services.update_progress(
        milestone_ua, member_ua, version=1, status=Status.IN_PROGRESS, percent=5, note="Begun"
    )
    client = login(staff_admin)

    assert client.get("/admin/milestones/progressupdate/").status_code == 200
    assert client.get("/admin/milestones/progressupdate/add/").status_code == 403
    response = client.post(
        f"/admin/milestones/progressupdate/{entry.pk}/change/", {"note": "Rewritten"}
    )
    entry.refresh_from_db()
    assert entry.note == "Begun"
    assert response.status_code == 403
