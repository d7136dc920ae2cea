"""Settings of a benchmark run: the project's settings plus the floor view's URL.

Only `manage.py benchmark` selects this module (DJANGO_SETTINGS_MODULE in the environment of
its own process and of the gunicorn it starts); the application never serves the floor view.
"""

from tracker.settings import *  # noqa: F403
from tracker.settings import STORAGES

ROOT_URLCONF = "tracker.core.bench_urls"

# The benchmark measures pages, not static files. Plain storage spares a collectstatic run
# (compressing every admin asset takes longer than generating the data) before each benchmark;
# building a static URL costs the same dictionary-free string join either way.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
