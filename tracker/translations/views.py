"""The translation of one field of one record: a page with the form, and htmx fragments that
open the form in place on the record's page and put the saved translation back there."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tracker.accounts.access import viewer_required
from tracker.core.http import HtmxHttpRequest
from tracker.core.models import Translation, active_language
from tracker.translations import services
from tracker.translations.forms import TranslationForm
from tracker.translations.registry import Translatable, translatable

TEMPLATE = "translations/translation.html"


def _other_language(translations: list[Translation]) -> str:
    """The language a new translation most likely goes into: not the reader's own, which
    the text is probably written in, unless that one is translated already."""
    preferred = "en" if active_language() == "uk" else "uk"
    done = {translation.language for translation in translations}
    return preferred if preferred not in done else active_language()


def _initial(translations: list[Translation], language: str) -> dict:
    current = next((t for t in translations if t.language == language), None)
    if current is None:
        return {"language": language, "version": 0}
    return {"language": language, "text": current.text, "version": current.version}


def _auto_id(item: Translatable, record: Model, field: str) -> str:
    # Several forms may be open on one record's page: each gets ids of its own.
    return f"translation-{item.kind}-{record.pk}-{field}-%s"


def _context(item: Translatable, record: Model, field: str, form, **extra) -> dict:
    return {
        "item": item,
        "record": record,
        "field": field,
        "field_label": record._meta.get_field(field).verbose_name,
        "original": getattr(record, field),
        "page_url": item.page_url(record),
        "translation_form": form,
        "conflict": None,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@viewer_required
def translation_edit(request: HtmxHttpRequest, kind: str, pk: int, field: str) -> HttpResponse:
    item = translatable(kind, field)
    record = item.find(request.user, pk)
    if not item.may_translate(request.user, record, field):
        raise PermissionDenied
    if not (getattr(record, field) or "").strip():
        raise Http404
    limit = services.text_limit(record, field)
    translations = list(services.translations_of(record, field).select_related("added_by"))
    if request.method == "GET":
        if request.htmx and request.GET.get("cancel"):
            return render(request, f"{TEMPLATE}#shown", _context(item, record, field, None))
        language = request.GET.get("language") or _other_language(translations)
        if language not in dict(settings.LANGUAGES):
            language = _other_language(translations)
        form = TranslationForm(
            initial=_initial(translations, language),
            limit=limit,
            auto_id=_auto_id(item, record, field),
        )
        template = f"{TEMPLATE}#editor" if request.htmx else TEMPLATE
        return render(request, template, _context(item, record, field, form))

    form = TranslationForm(request.POST, limit=limit, auto_id=_auto_id(item, record, field))
    status, conflict = 400, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_translation(
                request.user,
                record,
                field,
                language=data["language"],
                text=data["text"],
                reason=data["reason"],
                version=data["version"],
            )
        except services.StaleTranslation as stale:
            # The current text is shown; the form keeps what was typed, on the current
            # version, so saving again deliberately replaces the other person's text.
            conflict = stale.current
            fresh = request.POST.copy()
            fresh["version"] = str(conflict.version)
            form = TranslationForm(fresh, limit=limit, auto_id=_auto_id(item, record, field))
            form.is_valid()
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, _("Translation saved."))
                return redirect(item.page_url(record))
            return render(request, f"{TEMPLATE}#shown", _context(item, record, field, None))
    template = f"{TEMPLATE}#editor" if request.htmx else TEMPLATE
    context = _context(item, record, field, form, conflict=conflict)
    return render(request, template, context, status=status)
