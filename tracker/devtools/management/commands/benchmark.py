"""Measure the tracker's pages on generated data, beside the Django admin and a bare view.

    DEBUG=1 .venv/bin/python manage.py benchmark            # or: make bench

The benchmark never touches the working database. It runs itself again in a child process
with its own environment: DATABASE_URL pointing at var/bench.sqlite3 (or --database-url),
DEBUG off with a throwaway SECRET_KEY, and the benchmark settings (the project's settings plus
the floor view's URL). In that child it migrates the benchmark database, generates the data
when the generated agreement is missing (20,000 milestones; the time is reported), measures
every scenario in-process and over loopback through gunicorn, prints the table and writes the
same as JSON.

The inline-update scenario really saves: each run adds progress updates to the benchmark
database. Start from fresh data with --regenerate.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

CHILD_MARK = "TRACKER_BENCHMARK_CHILD"
REMINDERS = "reminders"
SIZES = {
    "provisions": 60,
    "milestones": 20000,
    "updates": 100000,
    "checks": 5000,
    "disputes": 500,
}


def default_database_url() -> str:
    return f"sqlite:///{Path(settings.BASE_DIR) / 'var' / 'bench.sqlite3'}"


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite://"))
    return None


class Command(BaseCommand):
    help = "Benchmark the pages on generated data (in-process and through gunicorn)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database-url", default=None, help="default: var/bench.sqlite3")
        parser.add_argument("--agreement", default="generated")
        parser.add_argument("--requests", type=int, default=30, help="per page scenario")
        parser.add_argument("--export-requests", type=int, default=5, help="per export")
        parser.add_argument("--warmups", type=int, default=2)
        parser.add_argument(
            "--only",
            default="",
            help="comma-separated scenario names; 'reminders' times send_reminders",
        )
        parser.add_argument("--no-loopback", action="store_true", help="skip gunicorn")
        parser.add_argument("--json", default="bench-results.json", help="where to write JSON")
        parser.add_argument(
            "--regenerate", action="store_true", help="delete the benchmark database first"
        )
        parser.add_argument("--seed", type=int, default=1)
        for name, size in SIZES.items():
            parser.add_argument(f"--{name}", type=int, default=size, help="when generating")
        parser.add_argument(
            "--strict", action="store_true", help="exit with 1 when a target is missed"
        )
        parser.add_argument(
            "--judge-on",
            choices=["wall", "cpu"],
            default="wall",
            help="judge times on the wall clock (default) or on the server's CPU time, "
            "which estimates an idle machine when other work shares this one",
        )

    def handle(self, *args, **options) -> None:
        if os.environ.get(CHILD_MARK) == "1":
            self.measure(options)
        else:
            self.run_child(options)

    # --- parent: a clean environment ------------------------------------------------------

    def run_child(self, options: dict) -> None:
        url = options["database_url"] or default_database_url()
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if options["regenerate"]:
                for suffix in ("", "-wal", "-shm", ".generate.json"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        elif options["regenerate"]:
            raise CommandError(
                "--regenerate deletes only a SQLite file; drop the database yourself."
            )
        env = {
            **os.environ,
            CHILD_MARK: "1",
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "tracker.devtools.bench_settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # Plain HTTP on loopback: no redirect to HTTPS, no HSTS.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "ERROR"),
        }
        env.pop("TRACKER_TESTING", None)
        argv = [
            "--agreement", options["agreement"],
            "--requests", str(options["requests"]),
            "--export-requests", str(options["export_requests"]),
            "--warmups", str(options["warmups"]),
            "--json", str(Path(options["json"]).resolve()),
            "--seed", str(options["seed"]),
        ]  # fmt: skip
        for name in SIZES:
            argv += [f"--{name}", str(options[name])]
        if options["only"]:
            argv += ["--only", options["only"]]
        if options["no_loopback"]:
            argv.append("--no-loopback")
        if options["strict"]:
            argv.append("--strict")
        argv += ["--judge-on", options["judge_on"]]
        manage = Path(settings.BASE_DIR) / "manage.py"
        code = subprocess.call(  # noqa: S603 (this interpreter, this project's manage.py)
            [sys.executable, str(manage), "benchmark", *argv], env=env, cwd=settings.BASE_DIR
        )
        if code:
            raise CommandError(f"The benchmark run failed (exit status {code}).", returncode=code)

    # --- child: the measurement -----------------------------------------------------------

    def measure(self, options: dict) -> None:
        from tracker.core.models import Agreement
        from tracker.devtools import benchmarking

        write = self.stdout.write
        call_command("migrate", interactive=False, verbosity=0)
        generate = self.generate_if_missing(options)
        try:
            data = benchmarking.find_bench_data(options["agreement"])
        except LookupError as error:
            raise CommandError(str(error)) from error
        write(
            f"Benchmark on {settings.DATABASES['default']['NAME']}: "
            f"{data.counts['milestones']:,} milestones, "
            f"{data.counts['progress_updates']:,} progress updates, "
            f"{data.counts['history_rows']:,} milestone history rows; "
            f"{Agreement.objects.count()} agreement(s)."
        )
        only = [name.strip() for name in options["only"].split(",") if name.strip()]
        log = Path(settings.BASE_DIR) / "var" / "bench-gunicorn.log"
        log.write_text("")  # this run's server log only
        load = {"before": benchmarking.load_average()}
        if load["before"] > (os.cpu_count() or 1):
            write(
                self.style.WARNING(
                    f"The machine is busy (load average {load['before']} on "
                    f"{os.cpu_count()} CPUs): wall-clock times will be inflated; the CPU "
                    "columns estimate an idle machine (--judge-on cpu judges on them)."
                )
            )
        summary: dict = {}
        # "reminders" is not a page: the daily job, timed on its own (reminders_benchmark).
        pages = [name for name in only if name != REMINDERS]
        rows = []
        if pages or not only:
            rows = benchmarking.run(
                data,
                requests=options["requests"],
                export_requests=options["export_requests"],
                warmups=options["warmups"],
                only=pages or None,
                loopback=not options["no_loopback"],
                out=write,
                server_log=log,
                basis=options["judge_on"],
                summary=summary,
            )
        reminders = None
        if REMINDERS in only or not only:
            from tracker.devtools import reminders_benchmark

            reminders = reminders_benchmark.measure(out=write, basis=options["judge_on"])
        load["after"] = benchmarking.load_average()
        write("")
        write(benchmarking.table(rows, generate["seconds"] if generate else None))
        json_path = Path(options["json"])
        settings_used = {
            k: options[k]
            for k in ("requests", "export_requests", "warmups", "agreement", "judge_on")
        }
        benchmarking.write_json(
            json_path, rows, data, settings_used, generate, load, summary, reminders
        )
        if summary:
            write(
                f"gunicorn worker: {summary.get('worker_rss_at_start_mib')} MiB resident after "
                f"start, {summary.get('worker_peak_rss_mib')} MiB at its peak over the run."
            )
        write(f"Load average (1 min) before and after: {load['before']} / {load['after']}.")
        write(f"\nWrote {json_path}. gunicorn's log: {log}")
        missed = [r["name"] for r in rows if r["verdict"] in ("FAIL", "ERROR")]
        if reminders is not None and not reminders["passed"]:
            missed.append(REMINDERS)
        if generate and generate["seconds"] > 60:
            missed.append("generate_data")
        if missed:
            write(self.style.WARNING(f"Targets missed: {', '.join(missed)}"))
            if options["strict"]:
                raise CommandError("Targets missed.", returncode=1)
        else:
            write(self.style.SUCCESS("Every target met."))

    def generate_if_missing(self, options: dict) -> dict | None:
        """Generate the data when it is missing; otherwise the record of the last generation."""
        from tracker.core.models import Agreement

        database = settings.DATABASES["default"]
        record = (
            Path(f"{database['NAME']}.generate.json")
            if database["ENGINE"].endswith("sqlite3")
            else None
        )
        if Agreement.objects.filter(short_name=options["agreement"]).exists():
            if record and record.exists():
                return {**json.loads(record.read_text()), "reused": True}
            return None
        sizes = {name: options[name] for name in SIZES}
        self.stdout.write(f"Generating data ({sizes}, seed {options['seed']}) ...")
        started = time.perf_counter()
        call_command("generate_data", agreement=options["agreement"], seed=options["seed"], **sizes)
        generated = {
            "seconds": round(time.perf_counter() - started, 1),
            "sizes": sizes,
            "seed": options["seed"],
            "database": database["ENGINE"].rsplit(".", 1)[-1],
        }
        if record:
            record.write_text(json.dumps(generated) + "\n")
        return {**generated, "reused": False}
