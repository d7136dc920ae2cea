"""The restore drill: data with evidence, back up, wipe, restore, and nothing differs.

These tests commit their data (transactional tests), because on PostgreSQL the snapshot is
taken by pg_dump, another process, which sees only committed rows. On SQLite they copy the
test database through the online backup API. The suite runs them on both (`make test`, then
with DATABASE_URL on PostgreSQL).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tarfile

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from tests.milestones.conftest import PDF_BYTES, pdf
from tracker.accounts.models import User
from tracker.core.backup import storage_names
from tracker.core.models import Evidence
from tracker.milestones import services
from tracker.milestones.models import Milestone, ProgressUpdate, Status

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.datetime(2026, 11, 28, 10, 30, tzinfo=datetime.UTC)


def compliance_csv(client, observer: User) -> bytes:
    client.force_login(observer)
    response = client.get("/reports/compliance/", {"format": "csv"})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def evidence_hashes() -> dict[str, str]:
    storage = storages["default"]
    hashes = {}
    for name in storage_names(storage):
        with storage.open(name, "rb") as stream:
            hashes[name] = hashlib.sha256(stream.read()).hexdigest()
    return hashes


def wipe() -> None:
    """What a lost server leaves: a new, empty database and an empty evidence folder."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"DROP TABLE {names} CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    storage = storages["default"]
    for name in list(storage_names(storage)):
        storage.delete(name)
    assert connection.introspection.table_names() == []


@pytest.fixture(autouse=True)
def _schema_back_after_each_test():
    # A test that failed between wipe() and restore would leave the next tests no tables.
    yield
    if not connection.introspection.table_names():
        call_command("migrate", verbosity=0)


def add_evidence(member: User, note: str, *contents: bytes) -> None:
    """A progress update with files on the first UA milestone in progress of the sample."""
    milestone = Milestone.objects.filter(responsible_party="UA", status=Status.IN_PROGRESS).first()
    services.update_progress(
        milestone,
        member,
        version=milestone.version,
        status=Status.IN_PROGRESS,
        percent=milestone.percent_complete,
        note=note,
        files=[pdf(f"scan-{i}.pdf", content) for i, content in enumerate(contents)],
    )


@pytest.fixture
def tracker_data(sample_data, member_ua, observer):
    with time_machine.travel(NOW, tick=False):
        add_evidence(member_ua, "Signed minutes", PDF_BYTES + b"% one\n", PDF_BYTES + b"% two\n")
        add_evidence(member_ua, "Tender notice", PDF_BYTES + "% три\n".encode())
    assert Evidence.objects.count() == 3


def test_restore_drill_gives_back_the_same_report_and_every_file(
    tracker_data, client, observer, tmp_path
):
    with time_machine.travel(NOW, tick=False):
        report_before = compliance_csv(client, observer)
    files_before = evidence_hashes()
    rows_before = (Milestone.objects.count(), ProgressUpdate.objects.count(), User.objects.count())
    assert len(files_before) == 3
    assert sorted(files_before.values()) == sorted(
        Evidence.objects.values_list("sha256", flat=True)
    )
    archive = tmp_path / "tracker.tar"
    out = io.StringIO()

    call_command("backup", str(archive), stdout=out)
    assert f"{connection.vendor} database and 3 evidence files" in out.getvalue()
    wipe()
    call_command("restore", str(archive), stdout=out)

    assert "every SHA-256 sum matched" in out.getvalue()
    assert evidence_hashes() == files_before
    assert (Milestone.objects.count(), ProgressUpdate.objects.count(), User.objects.count()) == (
        rows_before
    )
    with time_machine.travel(NOW, tick=False):
        assert compliance_csv(client, observer) == report_before


def test_the_archive_has_a_manifest_with_the_sum_of_every_member(tracker_data, tmp_path):
    archive = tmp_path / "tracker.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = {
            info.name: hashlib.sha256(tar.extractfile(info).read()).hexdigest()
            for info in tar
            if info.name != "manifest.json"
        }
    assert manifest["database"]["vendor"] == connection.vendor
    assert {name: entry["sha256"] for name, entry in manifest["members"].items()} == members
    evidence = {name for name in members if name.startswith("evidence/")}
    assert evidence == {f"evidence/{name}" for name in evidence_hashes()}


def test_restore_refuses_a_database_with_data_without_force_and_changes_nothing(
    tracker_data, member_ua, client, observer, tmp_path
):
    archive = tmp_path / "tracker.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    files_at_backup = evidence_hashes()
    add_evidence(member_ua, "Added after the backup", PDF_BYTES + b"% later\n")
    updates, files = ProgressUpdate.objects.count(), evidence_hashes()

    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert (ProgressUpdate.objects.count(), evidence_hashes()) == (updates, files)
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert ProgressUpdate.objects.count() == updates - 1
    assert evidence_hashes() == files_at_backup


def test_restore_refuses_an_evidence_storage_with_files(tracker_data, tmp_path):
    archive = tmp_path / "tracker.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    wipe()
    storages["default"].save("evidence/left-over.pdf", ContentFile(PDF_BYTES))

    with pytest.raises(CommandError, match="evidence storage is not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert connection.introspection.table_names() == []
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert "evidence/left-over.pdf" not in evidence_hashes()
    assert len(evidence_hashes()) == Evidence.objects.count() == 3


def test_restore_refuses_an_archive_whose_sums_do_not_match_before_touching_anything(
    tracker_data, tmp_path
):
    archive = tmp_path / "tracker.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        changed = next(name for name in source.getnames() if name.startswith("evidence/"))
        for info in source:
            data = source.extractfile(info).read()
            if info.name == changed:
                data = data[:-2] + b"X\n"  # same size, one byte different
            target.addfile(info, io.BytesIO(data))
    wipe()

    with pytest.raises(CommandError, match=f"{changed} does not match its SHA-256"):
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert connection.introspection.table_names() == []
    assert list(storage_names(storages["default"])) == []
    call_command("restore", str(archive), stdout=io.StringIO())
    assert Evidence.objects.count() == 3


def test_backup_never_overwrites_an_existing_file(tracker_data, tmp_path):
    archive = tmp_path / "tracker.tar"
    archive.write_bytes(b"an older backup")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"an older backup"


def test_evidence_in_any_storage_backend_is_backed_up(settings, member_ua, tmp_path):
    # Not a folder: the backup reads evidence through Django's storage API only, as it
    # reads an S3 bucket.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    storages["default"].save("evidence/2026/kept.pdf", ContentFile(PDF_BYTES))
    archive = tmp_path / "tracker.tar"

    call_command("backup", str(archive), stdout=io.StringIO())

    with tarfile.open(archive) as tar:
        assert tar.extractfile("evidence/evidence/2026/kept.pdf").read() == PDF_BYTES
