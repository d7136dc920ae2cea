"""scripts/system-packages: what `make run` and `make test` check before anything else.

Run for real here: the machine that runs the suite has every package (the check ran before
pytest), and a missing one is made by pointing CHROMIUM_PATH at a file that does not exist.
SYSTEM_PACKAGES_NO_INSTALL=1 keeps the script from installing even when the suite runs as
root, so these tests take the path a non-root user takes: report and stop. The installing
path runs whenever `make test` runs as root on a machine that lacks a package.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-packages"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the project's own script
        [SCRIPT, *args],
        env={**os.environ, "SYSTEM_PACKAGES_NO_INSTALL": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_this_machine_has_what_the_tests_and_the_app_need():
    # Not "deploy": PostgreSQL's client tools are needed only for a PostgreSQL run, where
    # "test" asks for them too.
    for profile in ("setup", "run", "test"):
        result = run(profile)
        assert (result.returncode, result.stderr) == (0, ""), profile


def test_a_missing_chromium_stops_the_tests_with_the_exact_command(tmp_path):
    missing = tmp_path / "no-chromium"

    result = run("test", CHROMIUM_PATH=str(missing))

    assert result.returncode == 1
    assert f"Chromium at {missing} (browser tests)" in result.stderr
    assert "apt-get install -y --no-install-recommends chromium\n" in result.stderr
    assert f"point CHROMIUM_PATH at a Chromium executable; it is now {missing}" in result.stderr


def test_make_run_does_not_need_chromium(tmp_path):
    result = run("run", CHROMIUM_PATH=str(tmp_path / "no-chromium"))
    assert (result.returncode, result.stderr) == (0, "")


def test_an_unknown_profile_is_a_usage_error():
    result = run("everything")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_a_missing_node_stops_the_tests_with_the_exact_command(tmp_path):
    # A PATH with every command of this machine's but Node.js and npm (`npm ci` installs
    # axe-core for the browser tests' accessibility audit).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for command in Path(folder).glob("*") if Path(folder).is_dir() else ():
            link = bin_dir / command.name
            if command.name not in ("node", "nodejs", "npm") and not link.exists():
                link.symlink_to(command)

    result = run("test", PATH=str(bin_dir))

    assert result.returncode == 1
    assert "Node.js and npm (npm ci installs axe-core" in result.stderr
    assert "apt-get install -y --no-install-recommends nodejs npm\n" in result.stderr
    assert run("run", PATH=str(bin_dir)).returncode == 0  # the running tracker needs neither
