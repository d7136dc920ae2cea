"""The README's table of environment variables is true, row by row.

Each row names a variable, an example value and the Django setting it changes. For every row,
the settings module is imported in a fresh interpreter with production variables, once without
the variable and once with its example, and the named setting must differ. The other way round,
every variable the settings read must have a row, and the example environment file of
`deploy/` must list every variable of the table. A variable added to the settings therefore
needs its row (and its line in the example file) before the suite passes again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ENV_EXAMPLE = ROOT / "deploy" / "tracker.env.example"
# The baseline: what production requires, with values no example in the table uses.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "baseline-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "baseline.invalid",
}
# Variables that act only beside another one: that one is set both with and without.
CONTEXT = {
    "EVIDENCE_S3_ENDPOINT_URL": {"EVIDENCE_S3_BUCKET": "tracker-evidence"},
    "AWS_S3_REGION_NAME": {"EVIDENCE_S3_BUCKET": "tracker-evidence"},
    "AWS_ACCESS_KEY_ID": {"EVIDENCE_S3_BUCKET": "tracker-evidence"},
    "AWS_SECRET_ACCESS_KEY": {"EVIDENCE_S3_BUCKET": "tracker-evidence"},
    "EMAIL_PORT": {"EMAIL_HOST": "smtp.example.org"},
    "EMAIL_HOST_USER": {"EMAIL_HOST": "smtp.example.org"},
    "EMAIL_HOST_PASSWORD": {"EMAIL_HOST": "smtp.example.org"},
    "EMAIL_USE_TLS": {"EMAIL_HOST": "smtp.example.org"},
}
# Read by the settings but not a deployment variable: the test run's own switch.
NOT_DOCUMENTED = {"TRACKER_TESTING"}

# Imports the settings module alone (no django.setup(): only the values are wanted) with
# os.environ replaced by a copy that records which variables the settings asked for, then prints the
# settings named on the command line (a dotted path into dicts) and the variables read.
PROBE = """
import inspect, json, os, sys

class Recorder(dict):
    # Only what tracker/settings.py itself asks for: the modules it imports read variables
    # of their own (Python's subprocess, for one).
    read = set()
    def note(self, key):
        if inspect.currentframe().f_back.f_back.f_code.co_filename.endswith("settings.py"):
            self.read.add(key)
    def get(self, key, default=None):
        self.note(key)
        return super().get(key, default)
    def __getitem__(self, key):
        self.note(key)
        return super().__getitem__(key)
    def __contains__(self, key):
        self.note(key)
        return super().__contains__(key)

os.environ = Recorder(os.environ)
import tracker.settings as settings

def resolve(path):
    name, *keys = path.split(".")
    value = getattr(settings, name, None)
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return repr(value)

print(json.dumps({"settings": {p: resolve(p) for p in sys.argv[1:]},
                  "read": sorted(os.environ.read)}))
"""


def table_rows() -> list[tuple[str, str, str]]:
    """(variable, example, setting) of each row of the README's table of variables."""
    text = README.read_text(encoding="utf-8")
    header = "| variable | meaning | example | setting |"
    assert header in text, f"README.md has no table headed {header!r}"
    rows = []
    for line in text[text.index(header) :].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        variable, _meaning, example, setting = cells
        rows.append((variable.strip("`"), example.strip("`"), setting.strip("`")))
    return rows


ROWS = table_rows()
SETTINGS = sorted({setting for _variable, _example, setting in ROWS})


def probe(env: dict[str, str]) -> dict:
    result = subprocess.run(  # noqa: S603 - this interpreter, our own probe
        [sys.executable, "-c", PROBE, *SETTINGS],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@cache
def baseline(context: tuple[tuple[str, str], ...]) -> dict:
    return probe(PRODUCTION | dict(context))


def test_the_table_has_rows_with_an_example_and_a_setting_each():
    assert len(ROWS) >= 20
    for variable, example, setting in ROWS:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", variable), variable
        assert example and setting, variable
    variables = [variable for variable, _example, _setting in ROWS]
    assert len(variables) == len(set(variables)), "a variable has two rows"


@pytest.mark.parametrize(("variable", "example", "setting"), ROWS, ids=[r[0] for r in ROWS])
def test_each_variable_changes_the_setting_the_readme_names(variable, example, setting):
    context = CONTEXT.get(variable, {})
    before = baseline(tuple(sorted(context.items())))
    after = probe(PRODUCTION | context | {variable: example})
    assert variable in after["read"], f"the settings never read {variable}"
    assert after["settings"][setting] != before["settings"][setting], (
        f"{variable}={example} leaves {setting} at {before['settings'][setting]}"
    )


def test_every_variable_the_settings_read_has_a_row():
    documented = {variable for variable, _example, _setting in ROWS}
    # With a bucket and a mail relay set, the settings take every branch that reads a variable.
    branches = {"EVIDENCE_S3_BUCKET": "tracker-evidence", "EMAIL_HOST": "smtp.example.org"}
    read = set(probe(PRODUCTION | branches)["read"])
    read |= set(probe({"DEBUG": "1"})["read"])
    assert read - documented - NOT_DOCUMENTED == set(), "read by the settings, not in README.md"


def test_the_cooloff_is_the_number_of_minutes_given():
    minutes = probe(PRODUCTION | {"AXES_COOLOFF_MINUTES": "45"})["settings"]["AXES_COOLOFF_TIME"]
    assert minutes == "datetime.timedelta(seconds=2700)"


def test_the_example_environment_file_lists_every_variable():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    documented = {variable for variable, _example, _setting in ROWS}
    assert documented - listed == set(), f"missing from {ENV_EXAMPLE.name}"
    assert listed - documented == set(), f"in {ENV_EXAMPLE.name} but not in README.md"
