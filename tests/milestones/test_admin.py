"""The admin keeps reference data; workflow fields change only through the transitions."""

from __future__ import annotations

from tracker.milestones import services
from tracker.milestones.models import Status


def test_admin_lists_and_shows_milestones_read_only(login, staff_admin, milestone_ua):
    client = login(staff_admin)

    listing = client.get("/admin/milestones/milestone/")
    change = client.get(f"/admin/milestones/milestone/{milestone_ua.pk}/change/")

    assert listing.status_code == 200
    assert change.status_code == 200
    body = change.content.decode()
    assert "Publish survey tender" in body
    assert 'name="title"' not in body
    assert 'name="status"' not in body
    assert 'name="_save"' not in body
    assert "/delete/" not in body


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


def _change_data(milestone, **fields) -> dict:
    return {
        "provision": milestone.provision_id,
        "title": milestone.title,
        "title_uk": milestone.title_uk,
        "description": milestone.description,
        "description_uk": milestone.description_uk,
        "responsible_party": milestone.responsible_party,
        "lead_organisation": "",
        "_save": "Save",
        **fields,
    }


def test_admin_post_changes_nothing(login, staff_admin, milestone_ua):
    response = login(staff_admin).post(
        f"/admin/milestones/milestone/{milestone_ua.pk}/change/",
        _change_data(milestone_ua, title="Publish the survey tender", due_date="2031-12-31"),
    )

    assert response.status_code == 403
    milestone_ua.refresh_from_db()
    assert milestone_ua.title == "Publish survey tender"
    assert milestone_ua.due_date.isoformat() == "2026-06-30"
    assert milestone_ua.history.count() == 1


def test_admin_adds_no_milestone(login, staff_admin, provision):
    """Milestones are added on the planning pages, which check the rules and keep a baseline."""
    client = login(staff_admin)

    page = client.get("/admin/milestones/milestone/add/")
    response = client.post(
        "/admin/milestones/milestone/add/",
        {
            "provision": provision.pk,
            "title": "Open the data room",
            "responsible_party": "JOINT",
            "due_date": "2027-01-31",
            "_save": "Save",
        },
    )

    assert (page.status_code, response.status_code) == (403, 403)
    assert not provision.milestones.exists()
