"""The two locks say what the README says they say.

requirements.lock holds the runtime dependencies and requirements-dev.lock the same pins plus
the dev extra; each pin carries hashes; no line points at an index, a find-links folder or a
local path; and every dependency of pyproject.toml is locked at a version its range allows
(so an edit of pyproject.toml without `make lock` fails here). That the runtime lock installs
and runs on Python 3.12 and 3.13 is checked by scripts/check-lock-install in .ci/run.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "requirements.lock"
DEV = ROOT / "requirements-dev.lock"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DEV_ONLY = {"pytest", "playwright", "pytest-playwright", "pytest-django", "ruff", "uv"}


def pins(lock: Path) -> dict[str, tuple[str, str]]:
    """name -> (version, marker) of every requirement line of a lock."""
    found = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ; ([^\\]+))?", line)
        if match:
            found[canonicalize_name(match[1])] = (match[2], (match[3] or "").strip())
    return found


def entries(lock: Path) -> list[str]:
    """Each requirement with its continuation lines, comments dropped."""
    text = "\n".join(
        line for line in lock.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    return [entry for entry in re.split(r"(?<!\\)\n", text) if entry.strip()]


@pytest.mark.parametrize("lock", [RUNTIME, DEV], ids=lambda path: path.name)
def test_every_pin_has_hashes_and_no_line_names_an_index_or_a_folder(lock):
    for entry in entries(lock):
        assert re.match(r"^[A-Za-z0-9._-]+==", entry), f"not a pin: {entry[:80]}"
        assert "--hash=sha256:" in entry, f"no hash: {entry[:80]}"
    text = lock.read_text()
    for forbidden in ("--index-url", "--extra-index-url", "--find-links", "file:", "/opt/", " -e "):
        assert forbidden not in text, f"{lock.name} contains {forbidden!r}"


def test_the_runtime_lock_has_no_development_tools():
    assert DEV_ONLY & set(pins(RUNTIME)) == set()
    assert set(pins(DEV)) >= DEV_ONLY


def test_the_dev_lock_pins_every_runtime_package_at_the_same_version():
    dev = pins(DEV)
    for name, pin in pins(RUNTIME).items():
        assert dev.get(name) == pin, f"{name}: {pin} in requirements.lock, {dev.get(name)} in dev"


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        (RUNTIME, PROJECT["dependencies"]),
        (DEV, PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
    ids=["requirements.lock", "requirements-dev.lock"],
)
def test_every_dependency_of_pyproject_is_locked_within_its_range(lock, requirements):
    locked = pins(lock)
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is in pyproject.toml but not in {lock.name}: make lock"
        version = locked[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name}=={version} in {lock.name} is outside {requirement.specifier}: make lock"
        )


@pytest.mark.parametrize("python", ["3.12", "3.13"])
def test_the_runtime_lock_is_complete_for_each_supported_python(python):
    """Every dependency of every locked package, for that Python, is in the lock too.

    The metadata comes from the packages installed in this virtualenv (the same versions, as
    the dev lock pins them alike); markers are evaluated for the Python in question, so
    typing-extensions is required on 3.12 (psycopg needs it there) and not on 3.13.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    locked = pins(RUNTIME)
    environment = {"python_version": python, "python_full_version": f"{python}.0"}
    needed = set()
    for name, (_version, marker) in locked.items():
        if marker and not Marker(marker).evaluate(environment):
            continue
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            # Locked for another Python than this one (its marker excludes this interpreter):
            # its metadata is not here to read.
            assert not Marker(marker).evaluate(), f"{name} is locked but not installed"
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            needed.add(canonicalize_name(requirement.name))
    active = {
        name
        for name, (_version, marker) in locked.items()
        if not marker or Marker(marker).evaluate(environment)
    }
    assert needed - active == set(), f"needed on Python {python} but not locked for it"
    if python == "3.12":
        assert "typing-extensions" in needed & active
