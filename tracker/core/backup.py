"""Back up and restore the whole tracker: the database and every evidence file, in one archive.

The archive is a tar file (gzip-compressed when its name ends in .gz or .tgz) holding:

- ``database.pgdump`` (``pg_dump --format=custom``) or ``database.sqlite3`` (a copy made with
  SQLite's online backup API): a consistent snapshot taken in one go, while the tracker runs;
- ``evidence/<stored name>`` for every file of the evidence storage (a local folder or an S3
  bucket, read through Django's storage API, so any backend works the same);
- ``manifest.json``: the format, the database vendor, when it was made, and the SHA-256 and
  size of every other member.

The database is copied before the files. Evidence files are only ever added under new random
names and never changed, so every file the snapshot refers to already exists when the files
are copied; a file uploaded in between is included without a row that refers to it, which is
harmless.

Restoring checks every member against the manifest before it writes anything, then fills an
empty database and an empty storage. It refuses a database that has tables, or a storage that
has files, unless ``force`` is given: then the database's tables and the storage's files are
removed first, so the result is exactly the backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
EVIDENCE_PREFIX = "evidence/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    vendor: str
    files: int
    bytes: int


def sha256_of(stream) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folders walked recursively."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield str(PurePosixPath(folder, name)) if folder else name
    for sub in sorted(folders):
        yield from storage_names(storage, str(PurePosixPath(folder, sub)) if folder else sub)


def _pg_environment(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """libpq's connection options and environment for pg_dump/pg_restore, from Django's."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return ["--dbname", settings_dict["NAME"]], env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, arguments we built
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed: apt-get install postgresql-client"
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_database(connection, target: Path) -> None:
    if connection.vendor == "postgresql":
        options, env = _pg_environment(connection.settings_dict)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *options,
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        # The online backup API copies a consistent state even while others write.
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def backup(path: Path, *, using: str = "default") -> Summary:
    """Write the archive at ``path``, which must not exist yet."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new name (nothing was written).")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    connection = connections[using]
    storage = storages["default"]
    database_member = DATABASE_MEMBERS.get(connection.vendor)
    if database_member is None:
        raise BackupError(f"Backups of a {connection.vendor} database are not supported.")
    partial = path.with_name(path.name + ".partial")
    mode = "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
    members: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory() as work, tarfile.open(partial, mode) as archive:
            dump = Path(work) / database_member
            _dump_database(connection, dump)
            with dump.open("rb") as stream:
                digest, size = sha256_of(stream)
            members[database_member] = {"sha256": digest, "size": size}
            archive.add(dump, arcname=database_member, recursive=False)
            dump.unlink()

            for name in storage_names(storage):
                member = EVIDENCE_PREFIX + name
                # Each file is copied to a temporary file first: tar needs the size up front,
                # and the sum must be of exactly the bytes written.
                copy = Path(work) / "evidence-file"
                with storage.open(name, "rb") as source, copy.open("wb") as target:
                    shutil.copyfileobj(source, target, CHUNK)
                with copy.open("rb") as stream:
                    digest, size = sha256_of(stream)
                members[member] = {"sha256": digest, "size": size}
                archive.add(copy, arcname=member, recursive=False)
                copy.unlink()

            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database": {"vendor": connection.vendor, "member": database_member},
                "members": members,
            }
            manifest_path = Path(work) / MANIFEST
            manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
            archive.add(manifest_path, arcname=MANIFEST, recursive=False)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(
        vendor=connection.vendor,
        files=len(members) - 1,
        bytes=sum(member["size"] for member in members.values()),
    )


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        stream = archive.extractfile(MANIFEST)
    except KeyError as error:
        raise BackupError("The archive has no manifest.json: not a tracker backup.") from error
    manifest = json.load(stream)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify(path: Path) -> dict:
    """Check every member of the archive against its manifest; return the manifest."""
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by the `with` below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Cannot read {path}: {error}") from error
    with archive:
        manifest = _read_manifest(archive)
        expected = manifest["members"]
        seen = set()
        for info in archive:
            if info.name == MANIFEST:
                continue
            if info.name not in expected:
                raise BackupError(f"{info.name} is in the archive but not in its manifest.")
            if not info.isfile():
                raise BackupError(f"{info.name} is not a regular file.")
            digest, size = sha256_of(archive.extractfile(info))
            if (digest, size) != (expected[info.name]["sha256"], expected[info.name]["size"]):
                raise BackupError(f"{info.name} does not match its SHA-256 in the manifest.")
            seen.add(info.name)
        if missing := sorted(set(expected) - seen):
            raise BackupError(f"Missing from the archive: {', '.join(missing[:5])}")
    return manifest


def _drop_all_tables(connection) -> None:
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")


def _drop_functions(connection) -> None:
    """The functions migrations create (the audit log's append-only trigger), which the dump
    creates again: a database whose tables were dropped may still hold them. Functions of
    extensions are left to their extension."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.oid::regprocedure::text FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = current_schema() AND p.prokind = 'f'
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            """
        )
        for (function,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")


def _load_database(connection, dump: Path) -> None:
    if connection.vendor == "postgresql":
        _drop_functions(connection)
        options, env = _pg_environment(connection.settings_dict)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *options,
                str(dump),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            # Page by page into the open database, replacing whatever it held.
            source.backup(connection.connection)
        finally:
            source.close()
    ContentType.objects.clear_cache()


def restore(path: Path, *, force: bool = False, using: str = "default") -> Summary:
    """Restore the archive at ``path`` into an empty database and evidence storage."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    manifest = verify(path)
    connection = connections[using]
    storage = storages["default"]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The archive holds a {vendor} database; DATABASE_URL points at {connection.vendor}."
        )
    tables = connection.introspection.table_names()
    existing_files = list(storage_names(storage))
    if not force:
        if tables:
            raise BackupError(
                f"The database is not empty ({len(tables)} tables): restore into an empty "
                "database, or pass --force to drop its tables first."
            )
        if existing_files:
            raise BackupError(
                f"The evidence storage is not empty ({len(existing_files)} files): restore into "
                "an empty one, or pass --force to delete its files first."
            )

    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:*") as archive:
        database_member = manifest["database"]["member"]
        dump = Path(work) / database_member
        with archive.extractfile(database_member) as source, dump.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        if tables:
            _drop_all_tables(connection)
        _load_database(connection, dump)
        dump.unlink()

        for name in existing_files:
            storage.delete(name)
        restored = 0
        for info in archive:
            if not info.name.startswith(EVIDENCE_PREFIX):
                continue
            name = info.name.removeprefix(EVIDENCE_PREFIX)
            with archive.extractfile(info) as source:
                saved = storage.save(name, File(source, name=name))
            if saved != name:
                raise BackupError(f"The storage saved {name} as {saved}: it was not empty.")
            restored += 1
    members = manifest["members"].values()
    return Summary(vendor=vendor, files=restored, bytes=sum(m["size"] for m in members))
