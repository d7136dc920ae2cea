"""Every edit leaves a history row saying who changed what."""

from tracker.core.models import Organisation
from tracker.milestones.models import Status


def test_admin_edit_records_the_staff_user_and_the_changed_field(login, staff_admin, organisation):
    response = login(staff_admin).post(
        f"/admin/core/organisation/{organisation.pk}/change/",
        {
            "name": "State Service of Geology and Subsoil",
            "name_uk": "Державна служба геології та надр",
            "kind": Organisation.Kind.AGENCY,
            "affiliation": "UA",
            "reason": "Official name since the reform.",
            "seen_version": organisation.version,
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    latest, previous = organisation.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_user == staff_admin
    assert latest.history_type == "~"
    assert latest.history_change_reason == "Official name since the reform."
    # The edit also raises the version, so a directory form opened before it cannot overwrite it.
    assert set(latest.diff_against(previous).changed_fields) == {"name", "name_uk", "version"}


def test_refused_admin_edit_leaves_no_history(login, member_ua, organisation):
    before = organisation.history.count()
    response = login(member_ua).post(
        f"/admin/core/organisation/{organisation.pk}/change/",
        {"name": "Renamed", "kind": "agency", "affiliation": "UA", "_save": "Save"},
    )
    assert response.status_code == 302  # to the admin log-in: members are not staff
    organisation.refresh_from_db()
    assert organisation.name != "Renamed"
    assert organisation.history.count() == before


def test_history_records_who_moved_a_milestone_and_why(milestone_ua, member_ua):
    milestone_ua.status = Status.IN_PROGRESS
    milestone_ua.percent_complete = 30
    milestone_ua._history_user = member_ua
    milestone_ua._change_reason = "Tender published"
    milestone_ua.save()
    latest = milestone_ua.history.first()
    assert latest.history_user == member_ua
    assert latest.history_change_reason == "Tender published"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["status"] == (Status.NOT_STARTED, Status.IN_PROGRESS)
    assert changes["percent_complete"] == (0, 30)


def test_creation_is_the_first_history_row(provision):
    first = provision.history.earliest()
    assert first.history_type == "+"
    assert first.title == provision.title
