"""Evidence storage for several app servers: local files by default, an S3 bucket when set.

Settings are read once per process, so each case builds them in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_STORAGE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default'], default=str))"
)


def storage_settings(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "AWS_"))}
    clean.update(DJANGO_SETTINGS_MODULE="tracker.settings", DEBUG="1", **env)
    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed snippet)
        [sys.executable, "-c", PRINT_STORAGE],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        check=True,
    )
    return json.loads(result.stdout)


def test_evidence_goes_to_local_files_by_default(tmp_path):
    storage = storage_settings(EVIDENCE_ROOT=str(tmp_path / "evidence"))
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage["OPTIONS"]["location"] == str(tmp_path / "evidence")
    # Never served by URL: only the permission-checked view hands files out.
    assert storage["OPTIONS"]["base_url"] is None


def test_evidence_goes_to_a_private_s3_bucket_when_one_is_set():
    storage = storage_settings(
        EVIDENCE_S3_BUCKET="tracker-evidence",
        EVIDENCE_S3_ENDPOINT_URL="https://s3.example.org",
    )
    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "tracker-evidence",
            "endpoint_url": "https://s3.example.org",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


def test_the_s3_endpoint_defaults_to_aws():
    storage = storage_settings(EVIDENCE_S3_BUCKET="tracker-evidence")
    assert storage["OPTIONS"]["endpoint_url"] is None


def test_the_bucket_region_and_credentials_come_from_the_aws_variables():
    storage = storage_settings(
        EVIDENCE_S3_BUCKET="tracker-evidence",
        AWS_S3_REGION_NAME="eu-central-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="example-secret",
    )
    options = storage["OPTIONS"]
    assert options["region_name"] == "eu-central-1"
    assert (options["access_key"], options["secret_key"]) == ("AKIAEXAMPLE", "example-secret")
