"""What every form shares: one field template, a filter form class, one date input, and the
value-chain stages of a provision as checkboxes (`ValueChainStagesField`).

Every field renders through ``templates/forms/field.html`` (``FORM_RENDERER`` below, set in
settings): ``{{ field.as_field_group }}`` gives the label above the field, the help text, the
field, and its error under it in words, with the ids Django's ``aria-describedby`` points at
(``<id>_helptext``, ``<id>_error``). An optional field's label says "(optional)", except in a
filter form, where every field is optional: the filter forms of the lists are `FilterForm`s
(a `tracker.core.filters.ListFilterSet` makes its form one).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from tracker.core.models import ValueChainStage, Visibility


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


class ValueChainStagesField(forms.MultipleChoiceField):
    """Provision.value_chain_stages (a JSON list of codes) as one checkbox per stage, kept in
    the order of ValueChainStage whatever order they were ticked in."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Value-chain stages"))
        kwargs.setdefault("required", False)
        super().__init__(choices=ValueChainStage.choices, **kwargs)

    def clean(self, value: Any) -> list[str]:
        chosen = set(super().clean(value))
        return [code for code in ValueChainStage.values if code in chosen]


def visibility_field() -> forms.ChoiceField:
    """Who may read a record, chosen by whoever records it: the task force by default."""
    return forms.ChoiceField(
        label=_("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.TASK_FORCE,
        required=False,
        help_text=_(
            "Task force only: co-chairs, members, monitors. Public: observers (NGOs, "
            "companies, international organisations) too."
        ),
    )


class VisibilityForm(forms.Form):
    """Change a record's visibility afterwards (co-chairs and monitors), with the reason."""

    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for changing who may read it.")},
    )

    def __init__(self, *args: Any, prefix_id: str = "visibility", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
