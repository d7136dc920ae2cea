"""The translations shown beside a record's text, and the way to add one."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.db.models import Model
from django.urls import reverse

from tracker.core.models import Translation
from tracker.translations.registry import kind_of

register = template.Library()


@dataclass(frozen=True)
class TranslationBlock:
    dom_id: str
    #: (translation, the link that replaces it or "") for each translation of the field.
    translations: list[tuple[Translation, str]]
    #: The translation page, when the reader may translate the field; "" otherwise.
    url: str
    #: The page for a new translation, while a language is still missing; "" otherwise.
    add_url: str


@register.simple_tag(takes_context=True)
def translation_block(context, record: Model, field: str) -> TranslationBlock:
    """The translations of `field` (read from the record's prefetched ``translations``,
    tracker.core.models.with_translations) and, for whoever may translate it, the links."""
    item = kind_of(record)
    user = context["request"].user
    shown = [t for t in record.translations.all() if t.field == field]
    url = ""
    if (getattr(record, field) or "").strip() and item.may_translate(user, record, field):
        url = reverse("translations:edit", args=[item.kind, record.pk, field])
    missing = {code for code, _name in settings.LANGUAGES} - {t.language for t in shown}
    return TranslationBlock(
        dom_id=f"translation-{item.kind}-{record.pk}-{field}",
        translations=[(t, f"{url}?language={t.language}" if url else "") for t in shown],
        url=url,
        add_url=url if url and missing else "",
    )
