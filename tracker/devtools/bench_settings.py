"""Settings of a benchmark run: the project's settings plus the floor view's URL.

Only `manage.py benchmark` selects this module (DJANGO_SETTINGS_MODULE in the environment of
its own process and of the gunicorn it starts); the application never serves the floor view.
"""

from tracker.settings import *  # noqa: F403
from tracker.settings import INSTALLED_APPS, STORAGES

ROOT_URLCONF = "tracker.devtools.bench_urls"
# The benchmark's own throwaway database, which generate_data may fill although DEBUG is off.
BENCHMARK = True
# The measured server runs with DEBUG off, as in production; it still needs its own app.
if "tracker.devtools" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "tracker.devtools"]

# The benchmark measures pages, not static files. Plain storage spares a collectstatic run
# (compressing every admin asset takes longer than generating the data) before each benchmark;
# building a static URL costs the same dictionary-free string join either way.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
