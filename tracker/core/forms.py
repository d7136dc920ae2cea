"""What every form shares: one field template, a filter form class, one date input.

Every field renders through ``templates/forms/field.html`` (``FORM_RENDERER`` below, set in
settings): ``{{ field.as_field_group }}`` gives the label above the field, the help text, the
field, and its error under it in words, with the ids Django's ``aria-describedby`` points at
(``<id>_helptext``, ``<id>_error``). An optional field's label says "(optional)", except in a
filter form, where every field is optional: the filter forms of the lists are `FilterForm`s
(a `tracker.core.filters.ListFilterSet` makes its form one).
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form templates through the project's template engine, with its field group."""

    field_template_name = "forms/field.html"


class FilterForm(forms.Form):
    """A list's filters: every field is optional, so the labels say nothing about it."""

    # Read by forms/field.html; a form without the attribute marks its optional fields.
    in_filters = True


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates (YYYY-MM-DD) whatever the
    language, so the value is always rendered in that format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
