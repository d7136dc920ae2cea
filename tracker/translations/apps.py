from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    """Translations of free-text records into the other language.

    The model is core's (`tracker.core.models.Translation`, generic, so the domain apps share
    it without importing each other); this app, above the domain apps, knows which fields of
    which records may be translated, by whom, and where each record's page is.
    """

    name = "tracker.translations"
    verbose_name = _("Translations")
