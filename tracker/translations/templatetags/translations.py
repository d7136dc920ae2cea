"""The translations shown beside a record's text, and the way to add one."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import Model
from django.urls import reverse

from tracker.translations.registry import kind_of

register = template.Library()


@dataclass(frozen=True)
class TranslationBlock:
    dom_id: str
    translations: list
    #: The translation page, when the reader may add or replace one; "" otherwise.
    url: str


@register.simple_tag(takes_context=True)
def translation_block(context, record: Model, field: str) -> TranslationBlock:
    """The translations of `field` (read from the record's prefetched ``translations``,
    tracker.core.models.with_translations) and, for whoever may translate it, the link."""
    item = kind_of(record)
    user = context["request"].user
    shown = [t for t in record.translations.all() if t.field == field]
    url = ""
    if (getattr(record, field) or "").strip() and item.may_translate(user, record, field):
        url = reverse("translations:edit", args=[item.kind, record.pk, field])
    return TranslationBlock(f"translation-{item.kind}-{record.pk}-{field}", shown, url)
