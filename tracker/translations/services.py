"""Adding and replacing the translation of a record's free text: the one write path.

`save_translation` re-checks the permission (the registry's predicate of the field), refuses
a form rendered from an older translation (`StaleTranslation`, the page answers 409 with the
current text), keeps the text within the field's own limit, and writes the row and its
history record — who, when, why — in one transaction, so the audit chain holds every
translation as it holds every other change.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.core.history import stamp
from tracker.core.models import Translation
from tracker.translations.registry import kind_of


class StaleTranslation(Exception):
    """Someone else added or replaced the translation after the form was rendered."""

    def __init__(self, current: Translation) -> None:
        super().__init__(f"translation {current.pk} is now at version {current.version}")
        self.current = current


def text_limit(record: models.Model, field: str) -> int:
    """A translation is held to the limit of the text it translates."""
    return record._meta.get_field(field).max_length


def translations_of(record: models.Model, field: str) -> models.QuerySet[Translation]:
    return Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        field=field,
    )


@transaction.atomic
def save_translation(
    user,
    record: models.Model,
    field: str,
    *,
    language: str,
    text: str,
    reason: str = "",
    version: int = 0,
    at: datetime.datetime | None = None,
) -> Translation:
    """Add the translation of `field` into `language`, or replace it.

    `version` is the version of the translation the form was rendered from, 0 when there
    was none; a replacement needs a reason, an addition may give one.
    """
    if not kind_of(record).may_translate(user, record, field):
        raise PermissionDenied
    at = at or timezone.now()
    text = text.strip()
    errors: dict[str, str] = {}
    if not (getattr(record, field) or "").strip():
        errors["text"] = _("There is no text to translate.")
    elif not text:
        errors["text"] = _("Write the translation.")
    elif len(text) > (limit := text_limit(record, field)):
        errors["text"] = _("Keep the translation to %(limit)d characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    current = translations_of(record, field).filter(language=language).select_for_update().first()
    if current is None and version:
        # The form replaced a translation that is no longer there: never silently re-add.
        raise ValidationError({"text": _("This translation no longer exists.")})
    if current is not None and current.version != version:
        raise StaleTranslation(current)
    reason = reason.strip()
    if current is not None:
        if current.text == text:
            return current
        if not reason:
            raise ValidationError({"reason": _("Say why the translation is replaced.")})
        current.text, current.added_by, current.added_at = text, user, at
        current.version += 1
        translation = current
        update_fields = ["text", "added_by", "added_at", "version"]
    else:
        translation = Translation(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            field=field,
            language=language,
            text=text,
            added_by=user,
            added_at=at,
        )
        update_fields = None
    stamp(translation, by=user, at=at, reason=reason)
    try:
        with transaction.atomic():
            translation.save(update_fields=update_fields)
    except IntegrityError as error:
        # Another person added the same language in the same instant.
        current = translations_of(record, field).filter(language=language).first()
        if current is None:
            raise
        raise StaleTranslation(current) from error
    return translation
