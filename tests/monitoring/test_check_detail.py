import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.monitoring.conftest import make_action, make_check
from tracker.monitoring import services
from tracker.monitoring.models import MonitoringCheck

HTMX = {"HTTP_HX_REQUEST": "true"}


def _data(check: MonitoringCheck, **overrides) -> dict:
    data = {
        "provision": check.provision_id,
        "milestone": check.milestone_id or "",
        "criterion": check.criterion,
        "criterion_uk": check.criterion_uk,
        "checked_on": check.checked_on.isoformat(),
        "result": check.result,
        "severity": check.severity,
        "finding": check.finding,
        "follows_up": check.follows_up_id or "",
        "version": check.version,
    }
    return {**data, **overrides}


def _row(check: MonitoringCheck) -> dict:
    check.refresh_from_db()
    return {
        "result": check.result,
        "severity": check.severity,
        "finding": check.finding,
        "history": check.history.count(),
    }


def test_detail_shows_the_check_its_actions_and_history(login, staff_admin, check, monitor):
    make_action(check, due_date=datetime.date(2026, 2, 1))
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    unchanged = {name: getattr(check, name) for name in services.CHECK_FIELDS}
    services.update_check(monitor, check, unchanged, [upload], version=check.version)

    response = login(staff_admin).get(f"/checks/{check.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert check.criterion in page
    assert "The assessment was not published." in page
    assert "minutes.pdf" in page
    assert "Publish the assessment in Ukrainian and English" in page
    assert "badge-overdue" in page
    assert "Check recorded" in page
    assert "Corrective action added" in page
    # An staff_admin sees no form to change anything.
    assert "Correct this check" not in page
    assert "Add a corrective action" not in page


def test_monitor_sees_the_forms_to_correct_and_act(login, monitor, check):
    make_action(check)
    page = login(monitor).get(f"/checks/{check.pk}/").content.decode()
    assert "Correct this check" in page
    assert "Add a corrective action" in page
    assert "Close this action" in page
    assert f"/checks/new/?follows_up={check.pk}" in page


def test_detail_shows_the_whole_follow_up_chain(login, staff_admin, provision, monitor):
    first = make_check(
        provision, monitor, criterion="Tailings", checked_on=datetime.date(2026, 1, 1)
    )
    second = make_check(
        provision,
        monitor,
        criterion="Tailings",
        follows_up=first,
        checked_on=datetime.date(2026, 3, 1),
    )
    third = make_check(
        provision,
        monitor,
        criterion="Tailings",
        follows_up=second,
        checked_on=datetime.date(2026, 5, 1),
    )
    make_check(provision, monitor, criterion="Unrelated")

    response = login(staff_admin).get(f"/checks/{second.pk}/")

    assert [link.pk for link in response.context["chain"]] == [first.pk, second.pk, third.pk]
    assert 'aria-current="true"' in response.content.decode()


def test_a_check_without_follow_ups_has_no_chain(login, monitor, check):
    assert login(monitor).get(f"/checks/{check.pk}/").context["chain"] == []


def test_detail_answers_post_with_405(login, monitor, check):
    assert login(monitor).post(f"/checks/{check.pk}/").status_code == 405


def test_detail_refuses_a_user_without_a_role(login, outsider, check):
    assert login(outsider).get(f"/checks/{check.pk}/").status_code == 403


def test_unknown_check_is_404(login, monitor):
    assert login(monitor).get("/checks/999/").status_code == 404


def test_monitor_corrects_a_check(login, monitor, check):
    response = login(monitor).post(
        f"/checks/{check.pk}/edit/",
        _data(check, result="partially_compliant", severity="minor", finding="Published late."),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/checks/{check.pk}/"
    assert _row(check) == {
        "result": "partially_compliant",
        "severity": "minor",
        "finding": "Published late.",
        "history": 2,
    }
    page = login(monitor).get(f"/checks/{check.pk}/").content.decode()
    assert "Check changed: result, severity, finding" in page


def test_htmx_correction_returns_the_check_fragment(login, monitor, check):
    response = login(monitor).post(
        f"/checks/{check.pk}/edit/", _data(check, finding="Updated finding."), **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="check"')
    assert "Updated finding." in body
    assert 'id="messages"' in body and 'hx-swap-oob="true"' in body


def test_invalid_correction_changes_nothing_and_keeps_the_input(login, monitor, check):
    before = _row(check)

    response = login(monitor).post(
        f"/checks/{check.pk}/edit/",
        _data(check, result="compliant", severity="major", finding="Typed but refused"),
    )

    assert response.status_code == 400
    assert "Leave severity empty" in response.context["edit_form"].errors["severity"][0]
    page = response.content.decode()
    assert "Typed but refused" in page
    assert '<details class="edit-panel" open>' in page
    assert _row(check) == before


def test_follow_up_of_a_later_check_is_refused(login, monitor, check):
    later = make_check(check.provision, monitor, checked_on=check.checked_on)
    before = _row(check)

    response = login(monitor).post(f"/checks/{check.pk}/edit/", _data(check, follows_up=later.pk))

    assert response.status_code == 400
    assert response.context["edit_form"].errors["follows_up"] == [
        "Choose a check recorded before this one."
    ]
    assert _row(check) == before


def test_a_followed_up_check_stays_with_its_provision(login, monitor, check, other_provision):
    make_check(check.provision, monitor, follows_up=check)
    response = login(monitor).post(
        f"/checks/{check.pk}/edit/", _data(check, provision=other_provision.pk)
    )
    assert response.status_code == 400
    assert response.context["edit_form"].errors["provision"]


def test_member_cannot_correct_a_check(login, member_ua, check):
    before = _row(check)
    response = login(member_ua).post(f"/checks/{check.pk}/edit/", _data(check, result="compliant"))
    assert response.status_code == 403
    assert _row(check) == before


def test_update_answers_get_with_405(login, monitor, check):
    assert login(monitor).get(f"/checks/{check.pk}/edit/").status_code == 405


# --- two monitors correcting the same check ---------------------------------------------------


def test_a_stale_correction_is_refused_with_the_current_values_and_the_input_kept(
    login, monitor, check
):
    from tests.conftest import make_user

    stale = _data(check, finding="My reading of the site visit.")
    other = make_user("monitor-2", "monitor", "IND", first_name="Second")
    services.update_check(
        other,
        check,
        {
            **{name: getattr(check, name) for name in services.CHECK_FIELDS},
            "finding": "Their reading.",
        },
        version=check.version,
    )

    response = login(monitor).post(f"/checks/{check.pk}/edit/", stale)

    page = response.content.decode()
    check.refresh_from_db()
    assert response.status_code == 409
    assert check.finding == "Their reading."  # nothing overwritten
    assert check.version == 2
    assert "Not saved: someone else changed this check in the meantime" in page
    assert "Last saved by Second" in page
    assert '<dd class="prose">Their reading.' in page  # the current values
    assert "My reading of the site visit.</textarea>" in page  # the input kept
    assert 'name="version" value="2"' in page  # saving again is a deliberate choice


def test_saving_again_after_a_conflict_goes_through(login, monitor, check):
    from tests.conftest import make_user

    other = make_user("monitor-2", "monitor", "IND")
    services.update_check(
        other,
        check,
        {
            **{name: getattr(check, name) for name in services.CHECK_FIELDS},
            "finding": "Their reading.",
        },
        version=check.version,
    )
    client = login(monitor)
    client.post(f"/checks/{check.pk}/edit/", _data(check, version=1, finding="Mine."))

    response = client.post(f"/checks/{check.pk}/edit/", _data(check, version=2, finding="Mine."))

    check.refresh_from_db()
    assert response.status_code == 302
    assert (check.finding, check.version) == ("Mine.", 3)


def test_a_stale_htmx_correction_answers_the_check_fragment_with_409(login, monitor, check):
    MonitoringCheck.objects.filter(pk=check.pk).update(version=5)

    response = login(monitor).post(
        f"/checks/{check.pk}/edit/", _data(check, version=4, finding="Mine."), **HTMX
    )

    assert response.status_code == 409
    assert "<html" not in response.content.decode()
    assert "someone else changed this check" in response.content.decode()


def test_a_correction_without_a_version_is_refused(login, monitor, check):
    data = _data(check, finding="Mine.")
    del data["version"]

    response = login(monitor).post(f"/checks/{check.pk}/edit/", data)

    check.refresh_from_db()
    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    assert check.finding != "Mine."


def test_each_correction_raises_the_version(login, monitor, check):
    client = login(monitor)
    client.post(f"/checks/{check.pk}/edit/", _data(check, finding="One."))
    check.refresh_from_db()
    assert check.version == 2
    assert 'name="version" value="2"' in client.get(f"/checks/{check.pk}/").content.decode()


def test_new_evidence_alone_raises_the_version_and_the_history_records_only_the_link(
    monitor, check
):
    unchanged = {name: getattr(check, name) for name in services.CHECK_FIELDS}
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    records = check.history.count()

    services.update_check(monitor, check, unchanged, [upload], version=check.version)

    check.refresh_from_db()
    assert check.version == 2
    assert check.evidence.count() == 1
    # The check's history keeps its evidence links (and so the audit log has them); the new
    # record differs from the one before only in them (and the version they raised).
    assert check.history.count() == records + 1
    newest, before = check.history.order_by("-history_id")[:2]
    delta = newest.diff_against(before, excluded_fields=["version"])
    assert [change.field for change in delta.changes] == ["evidence"]
