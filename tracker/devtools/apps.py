from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """Development and benchmarking tools: demo accounts and sample data, the data generator,
    the benchmark. Installed only with DEBUG or in tests (see settings), never in production.
    """

    name = "tracker.devtools"
    verbose_name = _("Development tools")
