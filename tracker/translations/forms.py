from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from tracker.core.limits import NOTE

INCOMPLETE = _("The form is incomplete: reload the page and try again.")


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the translation"), choices=settings.LANGUAGES)
    text = forms.CharField(
        label=_("Translation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the translation.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=NOTE,
        help_text=_("Needed when you replace a translation, e.g. “corrects a legal term”."),
    )
    # The version of the translation the form was rendered from; 0 when there was none.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE, "min_value": INCOMPLETE},
    )

    def __init__(self, *args, limit: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The limit of the text translated; the message is the service's, beside the field.
        self.fields["text"].max_length = limit
        self.fields["text"].widget.attrs["maxlength"] = str(limit)
        self.fields["text"].validators.append(MaxLengthValidator(limit))
