"""Concurrent inline updates through real app servers; afterwards, nothing may be lost.

    scripts/concurrency-check              # PostgreSQL (DATABASE_URL) and then SQLite
    scripts/concurrency-check --postgres   # only the two-server PostgreSQL check
    scripts/concurrency-check --sqlite     # only the SQLite check

PostgreSQL: a fresh database beside the one DATABASE_URL names (its name + "_concurrency",
dropped at the end; the role needs CREATEDB), migrated, with 20 Ukrainian members and 10
Ukrainian milestones. Two gunicorn servers (2 workers x 4 threads each) on two loopback ports
share it. 20 client threads log in through the login form, then send 200 inline updates
(htmx POST to /milestones/<pk>/update/ with the CSRF token) alternating between the servers,
each carrying either the version just read (fresh; it may still lose a race) or an older one
(deliberately stale).

SQLite: the same with the default SQLite settings (WAL, busy timeout, IMMEDIATE transactions)
in a temporary file, one gunicorn with 4 workers and 4 concurrent writers; on top of the
checks below, no answer may be a server error and the server log may not mention
"database is locked".

Afterwards, from the database:
- every answer was 200 (accepted) or 409 (the conflict answer); a stale version always 409;
- every accepted update is in the progress log once (its note, author, status, percent) and in
  the history as the row of the version it created, with the note as the reason;
- no refused update left a log entry or a history row;
- per milestone the accepted versions are exactly 1..n, the milestone is at version n + 1 and
  its status and percent are those of the accepted update with the highest version;
- nothing else changed (other fields, other rows, row counts);
- the audit log holds one entry per history row written and its hash chain verifies (the
  writers queued at the chain's head and never forked it).

Bounded: at most --updates requests, a deadline (--timeout) after which clients stop, an alarm
that ends the run, and the servers are always stopped (the shell wrapper also kills them by
process group). Exit status 0 when every check holds, 1 with the violations listed otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import random
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "concurrency-check-" + secrets.token_urlsafe(12)
SECRET_KEY = secrets.token_urlsafe(50)


def log(message: str) -> None:
    print(message, flush=True)


# --- Plan and results -----------------------------------------------------------------------


@dataclass
class Job:
    number: int
    milestone: int  # index into the milestone list
    stale: bool
    status: str
    percent: int
    note: str


@dataclass
class Outcome:
    job: Job
    client: int
    username: str
    milestone_pk: int
    sent_version: int
    sent_stale: bool
    port: int
    status: int
    body: str = ""
    error: str = ""


@dataclass
class Run:
    mode: str
    outcomes: list[Outcome] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def violate(self, message: str) -> None:
        with self.lock:
            self.violations.append(message)


def plan(updates: int, milestones: int, tag: str, seed: int) -> list[Job]:
    rng = random.Random(seed)  # noqa: S311 (a repeatable plan, not a secret)
    jobs = []
    for number in range(updates):
        jobs.append(
            Job(
                number=number,
                milestone=rng.randrange(milestones),
                stale=rng.random() < 0.3,
                status="on_hold" if rng.random() < 0.4 else "in_progress",
                percent=rng.randint(0, 99),
                # On hold needs a reason, and the note identifies the request in the log.
                note=f"{tag}-{number:04d}",
            )
        )
    return jobs


# --- HTTP, by hand: the servers set Secure cookies, which a cookie jar would not send back
# over plain HTTP on loopback. ----------------------------------------------------------------


class Browser:
    def __init__(self, ports: list[int], timeout: float) -> None:
        self.ports = ports
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, form: dict | None = None, headers=None
    ) -> tuple[int, str]:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
        try:
            all_headers = dict(headers or {})
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urlencode(form).encode()
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def log_in(self, port: int, username: str) -> None:
        from django.conf import settings

        status, page = self.request(port, "GET", "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"login page answered {status} without a CSRF token")
        status, _ = self.request(
            port,
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match[1]},
        )
        if status != 302 or settings.SESSION_COOKIE_NAME not in self.cookies:
            raise RuntimeError(f"logging in {username} answered {status}")

    def csrf(self) -> str:
        from django.conf import settings

        return self.cookies[settings.CSRF_COOKIE_NAME]


# --- Setting up -----------------------------------------------------------------------------


def postgres_database(base_url: str) -> str:
    """A database beside the one base_url names, created empty (dropped first if left over)."""
    import psycopg

    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") + "_concurrency"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Unusable database name {name!r}.")
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres_database(url: str, base_url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with (
        contextlib.suppress(psycopg.Error),
        psycopg.connect(base_url, autocommit=True) as conn,
    ):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure(database_url: str) -> None:
    """Django in this process, on the check's database, with the servers' settings."""
    os.environ.update(server_environment(database_url))
    import django

    django.setup()


def server_environment(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        # The production settings, except plain static storage (no collectstatic needed).
        "DJANGO_SETTINGS_MODULE": "tracker.devtools.bench_settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


@dataclass
class Cast:
    usernames: list[str]
    user_ids: dict[str, int]
    milestone_pks: list[int]


def set_up(clients: int, milestones: int) -> Cast:
    """Members of the responsible party, one per client, and the milestones they update."""
    import datetime

    from django.contrib.auth.hashers import make_password

    from tracker.accounts.models import Role, User
    from tracker.core.models import Agreement, Category, Provision
    from tracker.milestones.models import Milestone

    hashed = make_password(PASSWORD)  # hashed once: the same password for every client
    usernames = [f"cc-member-{n:02d}" for n in range(1, clients + 1)]
    for username in usernames:
        User.objects.create(
            username=username, password=hashed, role=Role.MEMBER, party="UA", first_name=username
        )
    agreement = Agreement.objects.create(
        title="Concurrency check", short_name="concurrency-check", signed_on="2025-04-30"
    )
    provision = Provision.objects.create(
        agreement=agreement,
        reference="C-01",
        title="Concurrent updates",
        category=Category.MONITORING,
        responsible_party="UA",
    )
    pks = [
        Milestone.objects.create(
            provision=provision,
            title=f"Milestone {n}",
            responsible_party="UA",
            due_date=datetime.date(2027, 1, 1),
            status="in_progress",
            percent_complete=10,
        ).pk
        for n in range(milestones)
    ]
    ids = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    return Cast(usernames, ids, pks)


def snapshot() -> dict:
    """Everything the updates must not touch, and the row counts they may change."""
    from django.apps import apps

    from tracker.milestones.models import Milestone

    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label
        in ("core", "accounts", "milestones", "monitoring", "disputes", "reports", "audit")
    }
    fixed = {
        m["id"]: m
        for m in Milestone.objects.values(
            "id",
            "provision_id",
            "title",
            "title_uk",
            "description",
            "responsible_party",
            "lead_organisation_id",
            "due_date",
            "completed_on",
            "verified_by_id",
            "verified_at",
        )
    }
    return {"counts": counts, "fixed": fixed}


# --- Firing ---------------------------------------------------------------------------------


def client_thread(
    number: int,
    username: str,
    ports: list[int],
    cast: Cast,
    jobs: queue.Queue,
    run: Run,
    deadline: float,
    logged_in: threading.Barrier,
) -> None:
    from django.db import connection

    from tracker.milestones.models import Milestone

    # Logging in hashes a password (deliberately slow); 20 at once queue up on two cores.
    browser = Browser(ports, timeout=90)
    try:
        try:
            browser.log_in(ports[number % len(ports)], username)
            browser.timeout = 30
        finally:
            # Everyone starts firing together, so the updates really overlap.
            with contextlib.suppress(threading.BrokenBarrierError):
                logged_in.wait(timeout=max(1.0, deadline - time.monotonic()))
        while time.monotonic() < deadline:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                return
            pk = cast.milestone_pks[job.milestone]
            current = Milestone.objects.values_list("version", flat=True).get(pk=pk)
            stale = job.stale and current > 1
            version = current
            if stale:
                version = random.Random(job.number).randint(1, current - 1)  # noqa: S311
            port = ports[job.number % len(ports)]
            outcome = Outcome(job, number, username, pk, version, stale, port, status=0)
            try:
                outcome.status, body = browser.request(
                    port,
                    "POST",
                    f"/milestones/{pk}/update/",
                    {
                        "version": version,
                        "status": job.status,
                        "percent_complete": job.percent,
                        "note": job.note,
                    },
                    headers={"HX-Request": "true", "X-CSRFToken": browser.csrf()},
                )
                if outcome.status not in (200, 409):
                    outcome.body = body[:500]
            except OSError as error:
                outcome.error = f"{type(error).__name__}: {error}"
            run.add(outcome)
    except Exception as error:  # A client that breaks is a finding, reported below.
        run.violate(f"client {number} ({username}) stopped: {type(error).__name__}: {error}")
    finally:
        connection.close()


def fire(ports: list[int], cast: Cast, jobs: list[Job], clients: int, timeout: float) -> Run:
    run = Run(mode="")
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    deadline = time.monotonic() + timeout
    barrier = threading.Barrier(clients)
    threads = [
        threading.Thread(
            target=client_thread,
            args=(n, cast.usernames[n % len(cast.usernames)], ports, cast, work, run, deadline),
            kwargs={"logged_in": barrier},
            daemon=True,
            name=f"client-{n}",
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic() + 35))
    if any(thread.is_alive() for thread in threads):
        run.violate("some clients were still waiting for an answer at the deadline")
    if not work.empty() or len(run.outcomes) < len(jobs):
        run.violate(
            f"only {len(run.outcomes)} of {len(jobs)} updates were sent within {timeout:.0f} s"
        )
    return run


# --- Checking -------------------------------------------------------------------------------


def verify(run: Run, cast: Cast, before: dict) -> None:
    from tracker.milestones.models import Milestone, ProgressUpdate

    history = Milestone.history.model
    accepted = [o for o in run.outcomes if o.status == 200]
    refused = [o for o in run.outcomes if o.status == 409]
    for o in run.outcomes:
        if o.status not in (200, 409):
            detail = o.error or f"HTTP {o.status}: {o.body[:200]!r}"
            run.violate(f"update {o.job.note} on milestone {o.milestone_pk} got {detail}")
        elif o.sent_stale and o.status == 200:
            run.violate(
                f"update {o.job.note} with stale version {o.sent_version} was accepted "
                f"(milestone {o.milestone_pk})"
            )

    log_rows = {
        row["note"]: row
        for row in ProgressUpdate.objects.filter(milestone_id__in=cast.milestone_pks).values(
            "note", "milestone_id", "author_id", "new_status", "percent", "kind"
        )
    }
    notes = list(
        ProgressUpdate.objects.filter(milestone_id__in=cast.milestone_pks).values_list(
            "note", flat=True
        )
    )
    for note in {n for n in notes if notes.count(n) > 1}:
        run.violate(f"update {note} is in the progress log {notes.count(note)} times")
    history_rows = list(
        history.objects.filter(id__in=cast.milestone_pks, history_type="~").values(
            "id",
            "version",
            "status",
            "percent_complete",
            "history_change_reason",
            "history_user_id",
        )
    )
    by_version: dict[tuple[int, int], list[dict]] = {}
    for row in history_rows:
        by_version.setdefault((row["id"], row["version"]), []).append(row)
    for key, rows in by_version.items():
        if len(rows) > 1:
            run.violate(f"milestone {key[0]} has {len(rows)} history rows for version {key[1]}")

    for o in accepted:
        entry = log_rows.get(o.job.note)
        expected = {
            "milestone_id": o.milestone_pk,
            "author_id": cast.user_ids[o.username],
            "new_status": o.job.status,
            "percent": o.job.percent,
            "kind": "update",
        }
        if entry is None:
            run.violate(f"accepted update {o.job.note} is missing from the progress log")
        elif any(entry[k] != v for k, v in expected.items()):
            run.violate(f"accepted update {o.job.note} is logged as {entry}, expected {expected}")
        rows = by_version.get((o.milestone_pk, o.sent_version + 1), [])
        if not rows:
            run.violate(
                f"accepted update {o.job.note} has no history row for version "
                f"{o.sent_version + 1} of milestone {o.milestone_pk}"
            )
        else:
            row = rows[0]
            if (
                row["status"] != o.job.status
                or row["percent_complete"] != o.job.percent
                or row["history_change_reason"] != o.job.note
                or row["history_user_id"] != cast.user_ids[o.username]
            ):
                run.violate(f"history of accepted update {o.job.note} reads {row}")
    for o in refused:
        if o.job.note in log_rows:
            run.violate(f"refused update {o.job.note} is in the progress log")
    reasons = {row["history_change_reason"] for row in history_rows}
    for o in refused:
        if o.job.note in reasons:
            run.violate(f"refused update {o.job.note} is in the history")

    final = {m.pk: m for m in Milestone.objects.filter(pk__in=cast.milestone_pks)}
    for pk in cast.milestone_pks:
        mine = sorted((o for o in accepted if o.milestone_pk == pk), key=lambda o: o.sent_version)
        versions = [o.sent_version for o in mine]
        if versions != list(range(1, len(mine) + 1)):
            run.violate(f"milestone {pk}: accepted versions {versions} are not 1..{len(mine)}")
        milestone = final[pk]
        if milestone.version != len(mine) + 1:
            run.violate(
                f"milestone {pk} is at version {milestone.version} after {len(mine)} accepted"
            )
        status, percent = (
            (mine[-1].job.status, mine[-1].job.percent) if mine else ("in_progress", 10)
        )
        if (milestone.status, milestone.percent_complete) != (status, percent):
            run.violate(
                f"milestone {pk} ends {milestone.status} {milestone.percent_complete} %, "
                f"but its last accepted update set {status} {percent} %"
            )

    after = snapshot()
    for pk, fields in before["fixed"].items():
        if after["fixed"].get(pk) != fields:
            run.violate(
                f"milestone {pk} changed beyond status and progress: {after['fixed'].get(pk)}"
            )
    expected_counts = dict(before["counts"])
    expected_counts["milestones.ProgressUpdate"] += len(accepted)
    expected_counts["milestones.HistoricalMilestone"] += len(accepted)
    expected_counts["milestones.HistoricalProgressUpdate"] += len(accepted)
    # One audit entry for the milestone's history row, one for the log entry's.
    expected_counts["audit.AuditEntry"] += 2 * len(accepted)
    for label, count in after["counts"].items():
        # Logging in saves last_login, which adds a user history row: not the updates' doing.
        if label == "accounts.HistoricalUser":
            continue
        if count != expected_counts.get(label, 0):
            run.violate(f"{label}: {count} rows, expected {expected_counts.get(label, 0)}")

    from tracker.audit.chain import verify_chain

    # Concurrent writers queue at the chain's head: the audit chain never forks.
    chain = verify_chain()
    if not chain.ok:
        run.violate(f"the audit chain is broken: {chain.message}")


# --- One mode end to end --------------------------------------------------------------------


def check(
    mode: str,
    database_url: str,
    *,
    servers: int,
    workers: int,
    threads: int,
    clients: int,
    updates: int,
    milestones: int,
    timeout: float,
    workdir: Path,
) -> Run:
    from django.core.management import call_command
    from django.db import connections

    from tracker.devtools.benchmarking import GunicornServer

    log(f"[{mode}] migrating and creating {clients} members and {milestones} milestones")
    call_command("migrate", interactive=False, verbosity=0)
    cast = set_up(clients, milestones)
    before = snapshot()
    connections.close_all()
    env = {**os.environ, **server_environment(database_url)}
    server_log = workdir / f"gunicorn-{mode}.log"
    running: list[GunicornServer] = []
    try:
        for _ in range(servers):
            server = GunicornServer(
                env, workers=workers, threads=threads, log=server_log, pidfile=PIDFILE
            )
            server.start(timeout=60)
            running.append(server)
        ports = [s.port for s in running]
        log(
            f"[{mode}] {servers} gunicorn server(s) on ports {ports} ({workers} workers x "
            f"{threads} threads); {clients} clients send {updates} updates"
        )
        jobs = plan(updates, milestones, tag=f"cc-{mode}", seed=8)
        started = time.monotonic()
        run = fire(ports, cast, jobs, clients, timeout)
        run.mode = mode
        took = time.monotonic() - started
    finally:
        for server in running:
            server.stop()
    connections.close_all()
    verify(run, cast, before)
    text = server_log.read_text(errors="replace") if server_log.exists() else ""
    if "database is locked" in text:
        run.violate(f"the server log mentions 'database is locked' ({server_log})")
    if "Traceback" in text:
        run.violate(f"the server log holds a traceback ({server_log})")
    accepted = sum(o.status == 200 for o in run.outcomes)
    conflicts = sum(o.status == 409 for o in run.outcomes)
    stale = sum(o.sent_stale for o in run.outcomes)
    log(
        f"[{mode}] {len(run.outcomes)} updates in {took:.1f} s: {accepted} accepted, "
        f"{conflicts} conflicts (409), of which {stale} sent a stale version on purpose"
    )
    return run


PIDFILE = Path(os.environ["CONCURRENCY_PIDFILE"]) if os.environ.get("CONCURRENCY_PIDFILE") else None


def _out_of_time(signum, frame) -> None:
    raise TimeoutError("overall")


def _terminated(signum, frame) -> None:
    sys.exit(143)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--postgres", action="store_true", help="only the PostgreSQL check")
    only.add_argument("--sqlite", action="store_true", help="only the SQLite check")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--milestones", type=int, default=10)
    parser.add_argument("--sqlite-writers", type=int, default=4)
    parser.add_argument("--sqlite-updates", type=int, default=80)
    parser.add_argument("--timeout", type=float, default=120, help="seconds of firing per mode")
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    options = parser.parse_args(argv)

    is_postgres = options.database_url.startswith(("postgres://", "postgresql://"))
    modes = ["postgres"] if options.postgres else ["sqlite"] if options.sqlite else []
    if not modes:
        modes = ["postgres", "sqlite"] if is_postgres else ["sqlite"]
    if "postgres" in modes and not is_postgres:
        log("The PostgreSQL check needs DATABASE_URL=postgres://... (or --database-url).")
        return 2
    # One process configures Django once: run each mode in its own child process.
    if len(modes) > 1:
        import subprocess

        code = 0
        for mode in modes:
            child = [sys.executable, __file__, f"--{mode}", *(argv or sys.argv[1:])]
            code = max(code, subprocess.call(child))  # noqa: S603 (this script)
        return code

    mode = modes[0]
    # A last resort: whatever hangs, the run ends (the servers are stopped by `finally`).
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.signal(signal.SIGTERM, _terminated)
    signal.alarm(int(options.timeout) + 150)
    workdir = Path(tempfile.mkdtemp(prefix=f"concurrency-{mode}-"))
    database_url = ""
    run = None
    try:
        if mode == "postgres":
            database_url = postgres_database(options.database_url)
            configure(database_url)
            run = check(
                mode,
                database_url,
                servers=2,
                workers=2,
                threads=4,
                clients=options.clients,
                updates=options.updates,
                milestones=options.milestones,
                timeout=options.timeout,
                workdir=workdir,
            )
        else:
            database_url = f"sqlite:///{workdir / 'concurrency.sqlite3'}"
            configure(database_url)
            run = check(
                mode,
                database_url,
                servers=1,
                workers=options.sqlite_writers,
                threads=1,
                clients=options.sqlite_writers,
                updates=options.sqlite_updates,
                milestones=options.milestones,
                timeout=options.timeout,
                workdir=workdir,
            )
    except TimeoutError:
        log(f"[{mode}] VIOLATION: the check did not finish in time")
        return 1
    finally:
        signal.alarm(0)
        if mode == "postgres" and database_url and not options.keep:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(database_url, options.database_url)
    if run.violations:
        log(f"[{mode}] FAILED: {len(run.violations)} violation(s); server log in {workdir}")
        for violation in run.violations[:50]:
            log(f"  - {violation}")
        return 1
    if not options.keep:
        for path in sorted(workdir.glob("*"), reverse=True):
            path.unlink()
        workdir.rmdir()
    log(f"[{mode}] OK: every accepted update is logged and in the history, every refusal was 409")
    return 0


if __name__ == "__main__":
    sys.exit(main())
