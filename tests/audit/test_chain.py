"""The audit chain: one entry per change, linked by hashes; verify_audit finds any edit."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tracker.audit.chain import GENESIS, entry_hash, verify_chain
from tracker.audit.models import AppendOnlyError, AuditEntry, ChainHead, ChainVerification
from tracker.milestones import services
from tracker.milestones.models import Status


def entries_of(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
            "seq"
        )
    )


def update(milestone, user, percent: int, note: str = "Progress"):
    milestone.refresh_from_db()
    return services.update_progress(
        milestone,
        user,
        version=milestone.version,
        status=Status.IN_PROGRESS,
        percent=percent,
        note=note,
    )


def test_a_service_change_appends_who_what_before_after_and_why(milestone_ua, member_ua):
    update(milestone_ua, member_ua, 40, "Tender drafted")

    created, changed = entries_of(milestone_ua)
    assert created.change_type == "+"
    assert changed.change_type == "~"
    assert changed.actor == member_ua
    assert changed.actor_name == "member-ua"
    assert changed.object_repr == "Publish survey tender"
    changes = json.loads(changed.changes)
    assert changes["status"] == ["not_started", "in_progress"]
    assert changes["percent_complete"] == [0, 40]
    assert changes["version"] == [1, 2]
    assert "title" not in changes
    assert changed.reason == "Tender drafted"
    (log_entry,) = entries_of(milestone_ua.updates.get())
    assert json.loads(log_entry.changes)["note"] == [None, "Tender drafted"]


def test_entries_link_each_to_the_one_before(milestone_ua, member_ua):
    update(milestone_ua, member_ua, 10)
    update(milestone_ua, member_ua, 20)

    entries = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    assert entries[0].previous_hash == GENESIS
    for previous, entry in itertools.pairwise(entries):
        assert entry.previous_hash == previous.hash
        assert entry.hash == entry_hash(entry)
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


def test_many_to_many_changes_are_entries_too(provision, db):
    from tracker.core.models import Mineral

    lithium = Mineral.objects.create(name="Lithium")
    provision.minerals.add(lithium)

    last = entries_of(provision)[-1]
    assert json.loads(last.changes) == {"minerals": [[], [lithium.pk]]}


def test_a_rolled_back_change_leaves_no_entry(milestone_ua, member_ua):
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        update(milestone_ua, member_ua, 30)
        raise RuntimeError

    assert AuditEntry.objects.count() == count
    assert verify_chain().ok


def test_the_application_never_changes_or_deletes_an_entry(milestone_ua):
    entry = AuditEntry.objects.order_by("seq").last()
    entry.reason = "Rewritten"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_verify_audit_passes_and_records_an_intact_chain(milestone_ua, member_ua, capsys):
    update(milestone_ua, member_ua, 10)

    call_command("verify_audit")

    verification = ChainVerification.objects.get()
    count = AuditEntry.objects.count()
    assert verification.ok
    # The agreement, provision, milestone and member, the milestone's change, its log entry.
    assert verification.entries_checked == count == 6
    assert "intact: 6 entries checked" in capsys.readouterr().out


def _tamper(sql: str, params: list) -> None:
    """An edit by SQL, as someone with the database's password could make it. PostgreSQL's
    trigger refuses it; its table owner can switch the trigger off first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "Nothing to see here"),
        ("actor_name", "someone-else"),
        ("changes", '{"percent_complete":[0,100]}'),
        ("object_id", "999"),
        ("at", "2020-01-01 00:00:00"),
        ("hash", "f" * 64),
        ("previous_hash", "e" * 64),
    ],
)
def test_editing_any_field_of_a_stored_entry_by_sql_fails_verify_naming_it(
    milestone_ua, member_ua, column, value
):
    for percent in (10, 20, 30):
        update(milestone_ua, member_ua, percent)
    target = AuditEntry.objects.order_by("seq")[3]
    sql = f"UPDATE audit_auditentry SET {column} = %s WHERE seq = %s"  # noqa: S608 (a fixed column)
    _tamper(sql, [value, target.seq])

    with pytest.raises(CommandError, match=rf"Entry {target.seq}: "):
        call_command("verify_audit")

    verification = ChainVerification.objects.get()
    assert not verification.ok
    assert verification.first_bad_seq == target.seq
    assert verification.entries_checked == target.seq - 1


def test_a_deleted_entry_fails_verify(milestone_ua, member_ua):
    update(milestone_ua, member_ua, 10)
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [2])

    outcome = verify_chain()

    assert (outcome.ok, outcome.first_bad_seq) == (False, 3)
    assert "entry 2 before it is missing" in outcome.message


def test_entries_removed_from_the_end_fail_verify(milestone_ua, member_ua):
    update(milestone_ua, member_ua, 10)
    last = AuditEntry.objects.order_by("seq").last()
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [last.seq])

    outcome = verify_chain()

    assert not outcome.ok
    assert outcome.first_bad_seq == last.seq
    assert "removed from the end" in outcome.message


def test_editing_a_history_row_fails_verify_naming_its_entry(milestone_ua, member_ua):
    update(milestone_ua, member_ua, 10)
    update(milestone_ua, member_ua, 20)
    record = milestone_ua.history.order_by("history_id")[1]
    entry = AuditEntry.objects.get(model="milestones.milestone", history_id=record.history_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE milestones_historicalmilestone SET percent_complete = 90 WHERE history_id = %s",
            [record.history_id],
        )

    outcome = verify_chain()

    assert not outcome.ok
    assert outcome.first_bad_seq == entry.seq
    assert f"historical record {record.history_id} (changes)" in outcome.message


def test_a_sample_replay_through_the_services_verifies(sample_data):
    outcome = verify_chain()

    assert outcome.ok
    assert outcome.checked == AuditEntry.objects.count() > 100
    assert AuditEntry.objects.filter(model="milestones.progressupdate").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_of_an_entry(milestone_ua):
    from django.db import DatabaseError

    entry = AuditEntry.objects.order_by("seq").last()
    for sql in (
        "UPDATE audit_auditentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.reason == ""


def test_the_admin_shows_entries_and_changes_none(login, staff_admin, milestone_ua):
    from tests.accounts.scenarios import database_snapshot

    entry = AuditEntry.objects.order_by("seq").last()
    client = login(staff_admin)
    listing = client.get("/admin/audit/auditentry/")
    change = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    before = database_snapshot()

    posted = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"reason": "x"})
    deleted = client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})

    assert (listing.status_code, change.status_code) == (200, 200)
    assert 'name="_save"' not in change.content.decode()
    assert 'value="delete_selected"' not in listing.content.decode()
    assert (posted.status_code, deleted.status_code) == (403, 403)
    assert database_snapshot() == before


def test_history_recorded_before_the_audit_log_is_backfilled_once(milestone_ua, member_ua):
    update(milestone_ua, member_ua, 10)
    update(milestone_ua, member_ua, 20)
    expected = AuditEntry.objects.count()
    # As on a database upgraded to the audit log: history without entries.
    _tamper("DELETE FROM audit_auditentry", [])
    ChainHead.objects.all().delete()

    call_command("audit_backfill")

    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) == expected
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    assert verify_chain().ok
    with pytest.raises(CommandError, match="already has entries"):
        call_command("audit_backfill")


def test_binary_values_are_kept_by_their_digest():
    import hashlib

    from tracker.audit.chain import plain

    assert plain(b"%PDF-1.4") == "sha256:" + hashlib.sha256(b"%PDF-1.4").hexdigest()
    assert plain(memoryview(b"x")) == plain(b"x")
