"""Locale format overrides (settings: FORMAT_MODULE_PATH = ["tracker.formats"]).

Dates show as `30 Apr 2025` in English and `30 квіт. 2025` in Ukrainian (DATE_FORMAT), with
the time after a comma (DATETIME_FORMAT). Everything not set here comes from Django's own
locale formats (separators: `12,345.5` and `12 345,5`).

The Ukrainian date uses Django's "N" (month abbreviation, translated with the context
"abbrev. month"). Django's own Ukrainian catalogue mixes abbreviations and full names for it
("Січ.", "Березень"), so the project's catalogue, which takes precedence, carries the
standard abbreviations (CLDR: січ., лют., бер., квіт., ...). They are listed below so that
makemessages keeps them in tracker/locale.
"""

from django.utils.translation import pgettext_lazy

MONTH_ABBREVIATIONS = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)
