"""The audit page: every change, filterable, with the chain's state; for those who answer
for the record."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from tests.conftest import make_milestone, make_user
from tracker.accounts.models import Role
from tracker.audit.models import AuditEntry
from tracker.core.models import Organisation
from tracker.milestones import services
from tracker.milestones.models import Status

HTMX = {"HTTP_HX_REQUEST": "true"}


def seqs(response) -> list[int]:
    return [entry.seq for entry in response.context["page"].object_list]


def progress(milestone, user, percent: int, note: str):
    milestone.refresh_from_db()
    services.update_progress(
        milestone,
        user,
        version=milestone.version,
        status=Status.IN_PROGRESS,
        percent=percent,
        note=note,
    )


@pytest.mark.parametrize("role", ["chair_us", "monitor", "staff_admin"])
def test_co_chairs_monitors_and_staff_admins_read_the_audit_log(request, login, role, milestone_ua):
    user = request.getfixturevalue(role)

    response = login(user).get("/audit/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert "Audit log" in body
    assert "Publish survey tender" in body
    assert 'href="/audit/"' in body  # the header's link


@pytest.mark.parametrize("role", ["member_us", "observer", "outsider"])
def test_others_are_refused(request, login, role, milestone_ua):
    user = request.getfixturevalue(role)

    response = login(user).get("/audit/")

    assert response.status_code == 403
    assert "Publish survey tender" not in response.content.decode()


def test_the_header_hides_the_link_from_members(login, member_us):
    body = login(member_us).get("/").content.decode()

    assert 'href="/audit/"' not in body


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_post_is_not_allowed(login, chair_us):
    assert login(chair_us).post("/audit/").status_code == 405


def test_htmx_filter_request_gets_only_the_results(login, chair_us, milestone_ua, milestone_us):
    response = login(chair_us).get(
        f"/audit/?model=milestones.milestone&object_id={milestone_us.pk}", **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert "Open investment window" in body
    assert "Publish survey tender" not in body


def test_newest_first_and_every_change_shows_before_and_after_and_reason(
    login, chair_us, member_ua, milestone_ua
):
    progress(milestone_ua, member_ua, 40, "Tender drafted")

    response = login(chair_us).get("/audit/?model=milestones.milestone")

    entries = list(response.context["page"].object_list)
    assert seqs(response) == sorted(seqs(response), reverse=True)
    assert entries[0].change_type == "~"
    row = response.content.decode().split(f'<td class="num">{entries[0].seq}</td>')[1]
    row = row.split("</tr>")[0]
    assert "Member Ua" in row
    assert "<del>not_started</del> → <ins>in_progress</ins>" in row
    assert "<del>0</del> → <ins>40</ins>" in row
    assert "Tender drafted" in row


def test_filters_by_who_type_object_change_and_text(
    login, chair_us, member_ua, member_us, milestone_ua, milestone_us
):
    progress(milestone_ua, member_ua, 10, "Survey vessels chartered")
    progress(milestone_us, member_us, 20, "Window opened")
    client = login(chair_us)

    by_who = client.get(f"/audit/?actor={member_us.pk}")
    by_type = client.get("/audit/?model=milestones.progressupdate")
    by_object = client.get(f"/audit/?model=milestones.milestone&object_id={milestone_ua.pk}")
    by_change = client.get("/audit/?model=milestones.milestone&change_type=~")
    by_text = client.get("/audit/?q=VESSELS")

    assert {entry.actor for entry in by_who.context["page"]} == {member_us}
    assert {entry.model for entry in by_type.context["page"]} == {"milestones.progressupdate"}
    assert len(by_type.context["page"]) == 2
    assert {entry.object_id for entry in by_object.context["page"]} == {str(milestone_ua.pk)}
    assert len(by_object.context["page"]) == 2
    assert len(by_change.context["page"]) == 2
    assert {entry.model for entry in by_text.context["page"]} == {
        "milestones.milestone",
        "milestones.progressupdate",
    }


def test_filters_by_date_range(login, chair_us, member_ua, milestone_ua):
    services.update_progress(
        milestone_ua,
        member_ua,
        version=1,
        status=Status.IN_PROGRESS,
        percent=5,
        note="Backdated",
        at=datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC),
    )
    client = login(chair_us)

    january = client.get("/audit/?date_from=2026-01-01&date_to=2026-01-31")
    before = client.get("/audit/?date_to=2025-12-31")

    assert {entry.model for entry in january.context["page"]} == {
        "milestones.milestone",
        "milestones.progressupdate",
    }
    assert seqs(before) == []
    assert "No change matches these filters" in before.content.decode()


def test_sorts_by_number_ascending(login, chair_us, milestone_ua):
    response = login(chair_us).get("/audit/?sort=number")

    assert seqs(response) == sorted(seqs(response))


def test_a_change_made_in_the_admin_appears(login, staff_admin, chair_us, organisation):
    response = login(staff_admin).post(
        f"/admin/core/organisation/{organisation.pk}/change/",
        {
            "name": "State Service of Geology and Subsoil",
            "name_uk": "",
            "kind": Organisation.Kind.AGENCY,
            "affiliation": "UA",
            "reason": "Official name since the reform.",
            "seen_version": organisation.version,
            "_save": "Save",
        },
    )
    assert response.status_code == 302

    page = login(chair_us).get(f"/audit/?model=core.organisation&object_id={organisation.pk}")

    entry = page.context["page"][0]
    assert (entry.actor, entry.change_type) == (staff_admin, "~")
    assert entry.reason == "Official name since the reform."
    body = page.content.decode()
    renamed = (
        "<del>State Geological Service</del> → <ins>State Service of Geology and Subsoil</ins>"
    )
    assert renamed in body


def test_a_change_made_in_the_app_appears(login, member_ua, chair_us, milestone_ua):
    response = login(member_ua).post(
        f"/milestones/{milestone_ua.pk}/update/",
        {"version": 1, "status": "in_progress", "percent_complete": 25, "note": "Field work"},
    )
    assert response.status_code in (200, 302)

    page = login(chair_us).get(f"/audit/?actor={member_ua.pk}")

    assert {entry.model for entry in page.context["page"]} == {
        "milestones.milestone",
        "milestones.progressupdate",
    }
    assert "Field work" in page.content.decode()


def test_a_change_made_by_a_management_command_appears(login, chair_us):
    call_command("load_sample_agreement", verbosity=0)

    page = login(chair_us).get("/audit/?model=disputes.dispute")

    assert len(page.context["page"]) > 0
    assert page.context["page"][0].actor_name.endswith("")  # replayed as the sample people
    assert AuditEntry.objects.filter(model="milestones.progressupdate").exists()


def test_shows_the_chain_as_last_verified(login, chair_us, milestone_ua):
    client = login(chair_us)
    assert "it has not been verified yet" in client.get("/audit/").content.decode()

    call_command("verify_audit")
    intact = client.get("/audit/").content.decode()
    assert "intact" in intact
    assert "As last verified, 4 entries matched" in intact


def test_shows_a_broken_chain_naming_the_entry(login, chair_us, milestone_ua):
    from django.core.management import CommandError

    from tests.audit.test_chain import _tamper

    _tamper("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ["forged", 2])
    with pytest.raises(CommandError):
        call_command("verify_audit")

    body = login(chair_us).get("/audit/").content.decode()

    assert "the chain is broken at entry 2" in body
    assert "Entry 2: its content does not match its hash." in body


def _many_changes(provision, user, count: int) -> None:
    for index in range(count):
        milestone = make_milestone(provision, "UA", title=f"Milestone {index}")
        progress(milestone, user, 10, f"Note {index}")


def test_query_count_does_not_grow_with_the_log(
    login, chair_us, member_ua, provision, django_assert_max_num_queries
):
    client = login(chair_us)
    _many_changes(provision, member_ua, 3)
    with django_assert_max_num_queries(12) as small:
        client.get("/audit/?q=note")

    _many_changes(provision, member_ua, 30)
    make_user("member-us-2", Role.MEMBER, "US")
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get("/audit/?q=note")

    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_change_made_by_import_appears(login, staff_admin, chair_us, agreement, db):
    from tests.planning.test_import import M_2, P_03, token_of, upload, url, xlsx

    client = login(staff_admin)
    token = token_of(upload(client, xlsx([P_03], [M_2])))
    assert client.post(url("import_confirm"), {"token": token}).status_code == 302

    page = login(chair_us).get(f"/audit/?actor={staff_admin.pk}&q=plan.xlsx")

    models = {entry.model for entry in page.context["page"]}
    assert {"core.provision", "milestones.milestone"} <= models
    milestone = next(e for e in page.context["page"] if e.model == "milestones.milestone")
    assert milestone.reason == "Imported from plan.xlsx"
    assert "Exchange the first datasets" in page.content.decode()
