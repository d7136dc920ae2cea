"""The machinery of `manage.py benchmark`: scenarios, measurements, targets, table and JSON.

Each scenario is one request a person makes. It is measured twice:
- in-process, through Django's test client (the whole middleware stack, no network): wall
  and CPU time, the SQL query count (CaptureQueriesContext) and the peak of Python memory
  allocated while answering (tracemalloc, one extra request, since tracing slows everything);
- over loopback, through gunicorn with one sync worker and DEBUG off, read with http.client:
  time to the last byte and to the first byte, the worker's CPU time per request, and the
  worker's resident memory at start and at its peak over the run.

Timing targets are judged on the loopback numbers (what a browser waits for); query counts and
memory on the in-process ones. The admin changelist and the floor run in the same pass, so
the comparison with them does not depend on the machine's mood.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

MIB = 1024 * 1024
# BEGIN/COMMIT/SAVEPOINT are counted apart: they are not queries for data.
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
FILTER_CATEGORY = "geological_survey"
SEARCH_TERM = "lithium"
# A word of the generated progress notes, findings and dispute texts (tracker.core.search).
LIST_SEARCH_TERM = "permit"


# --- Scenarios ------------------------------------------------------------------------------


@dataclass
class Target:
    """One performance target of a scenario, checked against its numbers."""

    text: str
    check: Callable[[dict, dict], bool | None]  # (this row, all rows) -> passed, None = n/a


@dataclass
class Scenario:
    name: str
    label: str
    path: str
    user: str = "delegate"  # or "staff"
    method: str = "GET"
    # A POST scenario builds its form data just before each request (e.g. the current version).
    form: Callable[[int], dict] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    export: bool = False
    targets: list[Target] = field(default_factory=list)


@dataclass
class BenchData:
    """The rows of the generated agreement the scenarios point at."""

    agreement: str  # its short name, as the pages' URLs name it
    # Whether the database holds other agreements too: the pages' URLs then name this one,
    # as the workspace redirect would (tracker.core.workspace).
    several: bool
    detail_pk: int
    update_pk: int
    delegate: Any
    staff: Any
    as_of: datetime.date
    counts: dict[str, int]
    # A provision's planning page: its milestones with the planning actions.
    planning_path: str = ""


def _timing(row: dict, key: str = "median_ms") -> float | None:
    """A time of the row: over loopback if measured, else in-process; the server's CPU time
    instead of the wall-clock time when the run is judged on CPU (a busy machine)."""
    measured = row.get("loopback") or row.get("in_process") or {}
    if row.get("basis") == "cpu" and f"cpu_{key}" in measured:
        return measured[f"cpu_{key}"]
    return measured.get(key)


def median_under(ms: float) -> Target:
    def check(row, rows):
        value = _timing(row)
        return None if value is None else value <= ms

    label = f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"
    return Target(f"median ≤ {label}", check)


def p95_under(ms: float) -> Target:
    def check(row, rows):
        value = _timing(row, "p95_ms")
        return None if value is None else value <= ms

    return Target(f"p95 ≤ {ms:g} ms", check)


def first_byte_under(ms: float) -> Target:
    def check(row, rows):
        value = _timing(row, "ttfb_median_ms")
        return None if value is None else value <= ms

    return Target(f"first byte ≤ {ms:g} ms", check)


def queries_at_most(limit: int) -> Target:
    def check(row, rows):
        queries = row.get("queries")
        return None if queries is None else queries <= limit

    return Target(f"≤ {limit} queries", check)


def memory_under(mib: float) -> Target:
    def check(row, rows):
        peak = row.get("peak_mib")
        return None if peak is None else peak <= mib

    return Target(f"memory ≤ {mib:g} MiB", check)


def fraction_of_admin(fraction: float) -> Target:
    def check(row, rows):
        admin = next((r for r in rows if r["name"] == "admin_changelist"), None)
        mine, theirs = _timing(row), _timing(admin) if admin else None
        if mine is None or theirs is None:
            return None
        row["admin_ratio"] = round(mine / theirs, 2)
        # Reported beside the verdict, never judged: the ratio against the admin as it was
        # when the guardrail was set (tracker.devtools.bench_urls).
        editable = next((r for r in rows if r["name"] == "admin_changelist_editable"), None)
        if editable is not None and _timing(editable):
            row["editable_admin_ratio"] = round(mine / _timing(editable), 2)
        return mine <= fraction * theirs

    return Target(f"≤ {fraction:g} × admin", check)


def scenarios(data: BenchData) -> list[Scenario]:
    # With one agreement the pages' URLs name none, as people's do; with several, each names
    # the generated one.
    scope = {"agreement": data.agreement} if data.several else {}

    def scoped(path: str, **params: str) -> str:
        query = urlencode({**params, **scope})
        return f"{path}?{query}" if query else path

    filters = {"status": "in_progress", "responsible_party": "UA", "category": FILTER_CATEGORY}
    filtered = scoped("/milestones/", **filters)
    admin_filters = {
        "status__exact": "in_progress",
        "responsible_party__exact": "UA",
        "provision__category__exact": FILTER_CATEGORY,
    }
    report = f"/reports/compliance/?agreement={data.agreement}"
    htmx = {"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1" + filtered}

    def inline_update(n: int) -> dict:
        from tracker.milestones.models import Milestone

        version = Milestone.objects.values_list("version", flat=True).get(pk=data.update_pk)
        return {
            "version": version,
            # Alternating, so every request is a real change of status.
            "status": "on_hold" if n % 2 else "in_progress",
            "percent_complete": 40 + n % 20,
            "note": f"Benchmark update {n}",
            "next": filtered,
        }

    list_targets = [queries_at_most(10)]
    export_targets = [memory_under(100)]
    return [
        Scenario("floor", "Floor (bare view, same middleware)", "/__bench__/floor"),
        Scenario(
            "admin_changelist",
            "Admin changelist, 3 filters, 50/page",
            "/admin/milestones/milestone/?" + urlencode(admin_filters),
            user="staff",
        ),
        Scenario(
            "admin_changelist_editable",
            "Admin changelist as before read-only (checkboxes, actions)",
            "/__bench__/admin/milestones/milestone/?" + urlencode(admin_filters),
            user="staff",
        ),
        Scenario("dashboard", "Dashboard", scoped("/"), targets=[median_under(80)]),
        Scenario(
            "milestones_list",
            "Milestone list, unfiltered",
            scoped("/milestones/"),
            targets=list(list_targets),
        ),
        Scenario(
            "milestones_filtered",
            "Milestone list, 3 filters",
            filtered,
            targets=[
                *list_targets,
                median_under(40),
                p95_under(50),
                # The guardrail of the markup's move into templates (docs/performance.md).
                fraction_of_admin(0.6),
            ],
        ),
        Scenario(
            "milestones_search",
            "Milestone list, text search",
            scoped("/milestones/", q=SEARCH_TERM),
            targets=list(list_targets),
        ),
        Scenario(
            "milestone_detail",
            "Milestone detail (longest log)",
            f"/milestones/{data.detail_pk}/",
            targets=list(list_targets),
        ),
        Scenario(
            "inline_update",
            "Inline status update (htmx POST)",
            f"/milestones/{data.update_pk}/update/",
            method="POST",
            form=inline_update,
            headers=htmx,
            # 1.5 × the p95 before the row moved into its template (13.6 ms), rounded down.
            targets=[p95_under(20)],
        ),
        Scenario("activity", "Activity feed", scoped("/activity/"), targets=list_targets),
        Scenario(
            "activity_search",
            "Activity feed, text search",
            scoped("/activity/", q=LIST_SEARCH_TERM),
            targets=list(list_targets),
        ),
        Scenario(
            "planning_provision",
            "Planning: a provision's milestones",
            data.planning_path,
            targets=list(list_targets),
        ),
        Scenario("checks_list", "Checks list", scoped("/checks/"), targets=list_targets),
        Scenario(
            "checks_search",
            "Checks list, text search",
            scoped("/checks/", q=LIST_SEARCH_TERM),
            targets=list(list_targets),
        ),
        Scenario(
            "disputes_list",
            "Disputes list",
            scoped("/disputes/"),
            targets=list(list_targets),
        ),
        Scenario(
            "disputes_search",
            "Disputes list, text search",
            scoped("/disputes/", q=LIST_SEARCH_TERM),
            targets=list(list_targets),
        ),
        Scenario("report_preview", "Report preview (HTML)", report),
        Scenario(
            "report_csv",
            "Report CSV (every milestone)",
            report + "&format=csv",
            export=True,
            targets=[median_under(600), first_byte_under(50), *export_targets],
        ),
        Scenario(
            "report_xlsx",
            "Report XLSX",
            report + "&format=xlsx",
            export=True,
            targets=[median_under(4000), *export_targets],
        ),
        Scenario(
            "report_pdf",
            "Report PDF",
            report + "&format=pdf",
            export=True,
            targets=[median_under(5000), *export_targets],
        ),
        Scenario(
            "report_as_of",
            f"Report as of {data.as_of.isoformat()} (history)",
            report + f"&as_of={data.as_of.isoformat()}",
            export=True,
            targets=[median_under(3000)],
        ),
    ]


def find_bench_data(agreement_short_name: str) -> BenchData:
    """The generated agreement and the users and milestones the scenarios use."""
    from django.db.models import Count

    from tracker.core.models import Agreement
    from tracker.milestones.models import Milestone, ProgressUpdate

    agreement = Agreement.objects.filter(short_name=agreement_short_name).first()
    if agreement is None:
        raise LookupError(f"No agreement {agreement_short_name!r}: run generate_data first.")
    users = get_user_model().objects
    delegate = users.filter(role="co_chair", party="UA", is_active=True).order_by("pk").first()
    staff = users.filter(is_staff=True, is_superuser=True, is_active=True).order_by("pk").first()
    if delegate is None or staff is None:
        raise LookupError("The benchmark needs a Ukrainian co-chair and a superuser.")
    milestones = Milestone.objects.filter(provision__agreement=agreement)
    updatable = (
        milestones.filter(
            status__in=["in_progress", "on_hold"],
            responsible_party="UA",
            provision__category=FILTER_CATEGORY,
        )
        .order_by("pk")
        .first()
    )
    busiest = (
        ProgressUpdate.objects.filter(milestone__provision__agreement=agreement)
        # Not the milestone the inline update scenario writes to, whose log grows each run:
        # the detail page would then measure a different milestone on every run.
        .exclude(milestone=updatable)
        .values("milestone")
        .annotate(n=Count("pk"))
        .order_by("-n", "milestone")
        .first()
    )
    if busiest is None or updatable is None:
        raise LookupError("The generated agreement has too few milestones to benchmark.")
    counts = {
        "milestones": Milestone.objects.count(),
        "progress_updates": ProgressUpdate.objects.count(),
        "history_rows": Milestone.history.model.objects.count(),
    }
    provision = agreement.provisions.order_by("reference").first()
    return BenchData(
        agreement=agreement.short_name,
        several=Agreement.objects.exclude(pk=agreement.pk).exists(),
        planning_path=f"/agreements/{agreement.short_name}/provisions/{provision.pk}/",
        detail_pk=busiest["milestone"],
        update_pk=updatable.pk,
        delegate=delegate,
        staff=staff,
        as_of=timezone.localdate() - datetime.timedelta(days=365),
        counts=counts,
    )


# --- Statistics -----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of them at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Sample:
    status: int
    total: float  # seconds to the last byte
    first: float  # seconds to the first byte
    cpu: float | None = None  # CPU seconds the server spent on it


def summarise(samples: list[Sample]) -> dict:
    totals = [sample.total * 1000 for sample in samples]
    result = {
        "samples": len(samples),
        "median_ms": round(statistics.median(totals), 1),
        "p95_ms": round(percentile(totals, 0.95), 1),
        "ttfb_median_ms": round(statistics.median(s.first * 1000 for s in samples), 1),
        "statuses": sorted({sample.status for sample in samples}),
    }
    cpu = [sample.cpu * 1000 for sample in samples if sample.cpu is not None]
    if cpu:
        result["cpu_median_ms"] = round(statistics.median(cpu), 1)
        result["cpu_p95_ms"] = round(percentile(cpu, 0.95), 1)
    # Every sample in the order it was taken, so a slow stretch of the run can be seen.
    result["totals_ms"] = [round(total, 1) for total in totals]
    return result


SLOW_SECONDS = 20.0


def interleaved(
    send: Callable[[Scenario], Sample],
    chosen: list[Scenario],
    *,
    requests: int,
    export_requests: int,
    warmups: int,
    errors: dict[str, str],
) -> dict[str, dict]:
    """Times every scenario in rounds, each round asking every scenario once.

    A burst of load from elsewhere on the machine then lands on all scenarios alike, so the
    comparison with the admin and the floor stays fair. Pages are timed in rounds of their
    own, then the exports in theirs: an export runs for seconds in the one worker and leaves
    its memory and caches disturbed, so a page asked right after one measures that export's
    aftermath rather than the page. A request slower than SLOW_SECONDS stops its scenario
    after two samples, so one pathological export cannot hold the run for an hour. A
    scenario that raises is dropped and its error kept in `errors`.
    """
    samples: dict[str, list[Sample]] = {s.name: [] for s in chosen}
    active = []
    for scenario in chosen:
        try:
            for _ in range(1 if scenario.export else warmups):
                send(scenario)
        except Exception as error:  # A broken page is a result, not a crash.
            errors[scenario.name] = f"{type(error).__name__}: {error}"
        else:
            active.append(scenario)
    slow: set[str] = set()
    for group, runs in (
        ([s for s in active if not s.export], requests),
        ([s for s in active if s.export], export_requests),
    ):
        for _round in range(runs):
            for scenario in group:
                if scenario.name in slow or scenario.name in errors:
                    continue
                try:
                    sample = send(scenario)
                except Exception as error:
                    errors[scenario.name] = f"{type(error).__name__}: {error}"
                    continue
                samples[scenario.name].append(sample)
                if sample.total > SLOW_SECONDS and len(samples[scenario.name]) >= 2:
                    slow.add(scenario.name)
    results = {}
    for scenario in active:
        if samples[scenario.name]:
            runs = export_requests if scenario.export else requests
            result = summarise(samples[scenario.name])
            result["cut_short"] = len(samples[scenario.name]) < runs
            results[scenario.name] = result
    return results


# --- In-process -----------------------------------------------------------------------------


def logged_in_client(user, *, second_factor: bool = True) -> Client:
    """A test client with a logged-in session of `user`, which passed the second factor
    unless told otherwise: the user gets an authenticator app (once; adding one changes the
    account's session hash, so the user is read again first).

    The benchmark's sessions are as production's: co-chairs and staff admins must sign in
    with two factors there (MFA_REQUIRED_ROLES), and the Django admin asks it of everyone, so
    each measured request includes django-otp's reading of the session's device.
    """
    client = Client()
    device = None
    if second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
            user.refresh_from_db()
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class InProcess:
    def __init__(self, data: BenchData) -> None:
        self.clients = {}
        for role, user in (("delegate", data.delegate), ("staff", data.staff)):
            self.clients[role] = logged_in_client(user)
        self.counter = 0

    def prepare(self, scenario: Scenario) -> str | None:
        """The POST body, built (and its database reads done) before the clock starts."""
        self.counter += 1
        return urlencode(scenario.form(self.counter)) if scenario.method == "POST" else None

    def request(self, scenario: Scenario, body: str | None = None) -> Sample:
        client = self.clients[scenario.user]
        if scenario.method == "POST":
            body = body if body is not None else self.prepare(scenario)
            cpu_started = time.process_time()
            started = time.perf_counter()
            response = client.post(
                scenario.path,
                body,
                content_type="application/x-www-form-urlencoded",
                headers=scenario.headers,
            )
        else:
            cpu_started = time.process_time()
            started = time.perf_counter()
            response = client.get(scenario.path, headers=scenario.headers)
        first = None
        if response.streaming:
            # The test client closes the response once its content is exhausted, without
            # closing the database connection (which would end a test's transaction).
            for _chunk in response.streaming_content:
                if first is None:
                    first = time.perf_counter() - started
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        return Sample(response.status_code, total, first if first is not None else total, cpu)

    def extras(self, scenario: Scenario) -> dict:
        """SQL statements of one request, then the Python memory it allocated at its peak."""
        result = {}
        body = self.prepare(scenario)
        with CaptureQueriesContext(connection) as queries:
            self.request(scenario, body)
        statements = [q["sql"] for q in queries.captured_queries]
        result["statements"] = len(statements)
        result["queries"] = sum(not TRANSACTION_CONTROL.match(sql) for sql in statements)
        body = self.prepare(scenario)
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            self.request(scenario, body)
            result["peak_mib"] = round(tracemalloc.get_traced_memory()[1] / MIB, 1)
        finally:
            tracemalloc.stop()
        return result


# --- Over loopback through gunicorn ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(port: int, workers: int = 1, threads: int = 1) -> list[str]:
    local = Path(sys.executable).with_name("gunicorn")
    command = [str(local)] if local.exists() else [sys.executable, "-m", "gunicorn"]
    return [
        *command,
        "tracker.wsgi",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--timeout",
        "600",
        "--graceful-timeout",
        "5",
    ]


class GunicornServer:
    """One gunicorn on a loopback port, in its own process group so it is stopped whole."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int = 1,
        threads: int = 1,
        log: Path | None = None,
        pidfile: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.env = env
        self.command = gunicorn_command(self.port, workers, threads)
        self.log_path = log
        # A caller's shell can kill the process group from this file if this process dies.
        self.pidfile = pidfile
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            self.command,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=log if self.log_path else subprocess.DEVNULL,
            start_new_session=True,
        )
        if self.pidfile:
            with open(self.pidfile, "a") as pids:
                pids.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time a process has run so far, in nanosecond resolution (Linux schedstat)."""
    if pid is None:
        return None
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def proc_status_mib(pid: int, key: str) -> float | None:
    """A memory figure of /proc/<pid>/status (e.g. VmRSS, VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


def http_request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, float, float, bytes]:
    """(status, seconds to the last byte, seconds to the first body byte, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        head = response.read(1)
        first = time.perf_counter() - started
        rest = response.read()
        total = time.perf_counter() - started
        return response.status, total, first, head + rest
    finally:
        conn.close()


def session_cookie(user) -> str:
    """A logged-in session of `user`, stored in the database the server reads."""
    return logged_in_client(user).cookies[settings.SESSION_COOKIE_NAME].value


def csrf_secret() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


class Loopback:
    def __init__(self, server: GunicornServer, data: BenchData) -> None:
        self.server = server
        self.csrf = csrf_secret()
        self.cookies = {
            "delegate": session_cookie(data.delegate),
            "staff": session_cookie(data.staff),
        }
        self.counter = 10_000
        self._worker: int | None = None

    def request(self, scenario: Scenario) -> Sample:
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={self.cookies[scenario.user]}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}"
        )
        headers = {"Cookie": cookie, **scenario.headers}
        body = None
        self.counter += 1
        if scenario.method == "POST":
            body = urlencode(scenario.form(self.counter)).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.csrf,
                }
            )
        worker = self.worker()
        cpu_started = cpu_seconds(worker)
        status, total, first, _body = http_request(
            self.server.port, scenario.method, scenario.path, headers, body
        )
        cpu_ended = cpu_seconds(worker)
        cpu = None if cpu_started is None or cpu_ended is None else cpu_ended - cpu_started
        return Sample(status, total, first, cpu)

    def worker(self) -> int | None:
        if self._worker is None:
            workers = self.server.worker_pids()
            self._worker = workers[0] if workers else None
        return self._worker

    def worker_memory(self, key: str) -> float | None:
        """The worker's resident memory now (VmRSS) or at its peak so far (VmHWM), in MiB.

        Python keeps freed memory for reuse, so the peak is read over the whole run: the
        largest request sets it, whichever scenario came first.
        """
        worker = self.worker()
        return None if worker is None else proc_status_mib(worker, key)


# --- The run --------------------------------------------------------------------------------


def server_environment() -> dict[str, str]:
    """The environment of this (benchmark) process, for gunicorn to share its settings."""
    return dict(os.environ)


def run(
    data: BenchData,
    *,
    requests: int = 30,
    export_requests: int = 5,
    warmups: int = 2,
    only: list[str] | None = None,
    loopback: bool = True,
    out: Callable[[str], None] = print,
    server_log: Path | None = None,
    basis: str = "wall",
    summary: dict | None = None,
) -> list[dict]:
    chosen = [s for s in scenarios(data) if not only or s.name in only]
    rows: list[dict[str, Any]] = [
        {"name": s.name, "label": s.label, "method": s.method, "path": s.path} for s in chosen
    ]
    counts = {"requests": requests, "export_requests": export_requests, "warmups": warmups}
    errors: dict[str, str] = {}

    in_process = InProcess(data)
    out("  in-process: timing every scenario in rounds ...")
    timings = interleaved(in_process.request, chosen, errors=errors, **counts)
    for scenario, row in zip(chosen, rows, strict=True):
        if scenario.name in timings:
            row["in_process"] = timings[scenario.name]
            try:
                row.update(in_process.extras(scenario))
            except Exception as error:  # A broken page is a result, not a crash.
                errors[scenario.name] = f"{type(error).__name__}: {error}"
        out(f"  in-process  {scenario.name:<22} {_short(row.get('in_process'), errors, row)}")
    if loopback:
        with GunicornServer(server_environment(), log=server_log) as server:
            over_loopback = Loopback(server, data)
            if summary is not None:
                summary["worker_rss_at_start_mib"] = over_loopback.worker_memory("VmRSS")
            out("  loopback: timing every scenario in rounds through gunicorn ...")
            timings = interleaved(over_loopback.request, chosen, errors=errors, **counts)
            for scenario, row in zip(chosen, rows, strict=True):
                if scenario.name in timings:
                    row["loopback"] = timings[scenario.name]
                out(f"  loopback    {scenario.name:<22} {_short(row.get('loopback'), errors, row)}")
            if summary is not None:
                summary["worker_peak_rss_mib"] = over_loopback.worker_memory("VmHWM")
    for row in rows:
        if row["name"] in errors:
            row["error"] = errors[row["name"]]
    judge(chosen, rows, basis)
    return rows


def _short(measured: dict | None, errors: dict[str, str], row: dict) -> str:
    if not measured:
        return errors.get(row["name"], "no result")
    return f"median {measured['median_ms']} ms, p95 {measured['p95_ms']} ms, {measured['statuses']}"


def judge(chosen: list[Scenario], rows: list[dict], basis: str = "wall") -> None:
    """Each row's targets and verdict: PASS, FAIL (with what failed), ERROR or — (none).

    `basis` "wall" judges the times a person waits; "cpu" judges the CPU time the server
    spent, which estimates those times on an idle machine when others share this one.
    """
    for row in rows:
        row["basis"] = basis
    for scenario, row in zip(chosen, rows, strict=True):
        statuses = set()
        for mode in ("in_process", "loopback"):
            statuses.update((row.get(mode) or {}).get("statuses", []))
        bad = sorted(s for s in statuses if s != 200)
        row["targets"] = []
        for target in scenario.targets:
            row["targets"].append({"target": target.text, "passed": target.check(row, rows)})
        if row.get("error") or bad:
            row["verdict"] = "ERROR"
            row.setdefault("error", f"HTTP {', '.join(map(str, bad))}")
        elif any(t["passed"] is False for t in row["targets"]):
            row["verdict"] = "FAIL"
        elif any(t["passed"] for t in row["targets"]):
            row["verdict"] = "PASS"
        else:
            # No target, or none measurable in this run (e.g. the admin was left out).
            row["verdict"] = "—"


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(rows: list[dict], generate_seconds: float | None = None) -> str:
    """Markdown: wall-clock times (in-process and through gunicorn), the server's CPU time
    per request (in-process: this process; loopback: the gunicorn worker), the time to the
    first byte over loopback, SQL queries and peak Python memory in-process."""
    header = (
        "| Scenario | in-process median / p95 ms | CPU ms | loopback median / p95 ms "
        "| worker CPU ms | first byte ms | queries | memory MiB | targets | verdict |"
    )
    lines = [header, "|" + "---|" * 10]
    for row in rows:
        inp, loop = row.get("in_process") or {}, row.get("loopback") or {}
        targets = "; ".join(
            f"{t['target']} {'✓' if t['passed'] else '✗' if t['passed'] is False else '?'}"
            for t in row.get("targets", [])
        )
        if "admin_ratio" in row:
            targets += f" (ratio {row['admin_ratio']}"
            if "editable_admin_ratio" in row:
                targets += f"; {row['editable_admin_ratio']} × the editable admin"
            targets += ")"
        verdict = row.get("verdict", "—")
        if verdict == "ERROR":
            verdict = f"ERROR ({row.get('error', '')[:60]})"
        first_byte = loop.get("ttfb_median_ms", inp.get("ttfb_median_ms"))
        lines.append(
            f"| {row['label']} | {_ms(inp.get('median_ms'))} / {_ms(inp.get('p95_ms'))} "
            f"| {_ms(inp.get('cpu_median_ms'))} "
            f"| {_ms(loop.get('median_ms'))} / {_ms(loop.get('p95_ms'))} "
            f"| {_ms(loop.get('cpu_median_ms'))} | {_ms(first_byte)} "
            f"| {row.get('queries', '—')} | {row.get('peak_mib', '—')} | {targets or '—'} "
            f"| {verdict} |"
        )
    if generate_seconds is not None:
        verdict = "PASS" if generate_seconds <= 60 else "FAIL"
        lines.append(
            f"| generate_data (full size) | {generate_seconds:.1f} s | | | | | | | ≤ 60 s "
            f"| {verdict} |"
        )
    return "\n".join(lines)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def machine() -> dict:
    db = settings.DATABASES["default"]
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": db["ENGINE"].rsplit(".", 1)[-1],
        "sqlite": __import__("sqlite3").sqlite_version if connection.vendor == "sqlite" else None,
        "debug": settings.DEBUG,
    }


def write_json(
    path: Path,
    rows: list[dict],
    data: BenchData,
    options: dict,
    generate: dict | None,
    load: dict | None = None,
    summary: dict | None = None,
    reminders: dict | None = None,
) -> None:
    document = {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_1min": load or {}},
        "gunicorn_worker": summary or {},
        "data": data.counts,
        "generate_data": generate,
        "options": options,
        "scenarios": rows,
        "send_reminders": reminders,
        "all_targets_met": all(r["verdict"] in ("PASS", "—") for r in rows)
        and (generate is None or generate["seconds"] <= 60)
        and (reminders is None or reminders["passed"]),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
