"""Provision assessments: a co-chair records how far a provision is implemented.

The level derived from milestones is arithmetic; an assessment is a delegation's judgement
(0–3 on the same scale, with the reasoning). Each assessment is stored with the co-chair's
party, so both delegations' latest views stand side by side on the provision page, and the
model's history keeps every one of them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tracker.accounts.access import viewer_required
from tracker.accounts.models import User
from tracker.accounts.permissions import can_assess_provision
from tracker.core.http import HtmxHttpRequest
from tracker.core.models import ImplementationLevel, Provision, ProvisionAssessment

#: How many assessments the provision page lists, newest first.
LATEST_ASSESSMENTS = 6


class AssessmentForm(forms.ModelForm):
    level = forms.TypedChoiceField(
        label=_("Implementation level"),
        choices=[
            ("", _("Choose a level")),
            *(
                (value, format_lazy("{} · {}", value, label))
                for value, label in ImplementationLevel.choices
            ),
        ],
        coerce=int,
        error_messages={"required": _("Choose an implementation level.")},
    )
    note = forms.CharField(
        label=_("Reasoning"),
        help_text=_("What the level rests on: milestones, checks, documents."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Say what the assessment rests on.")},
    )

    class Meta:
        model = ProvisionAssessment
        fields = ["level", "note"]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "assessment_%s")
        super().__init__(*args, **kwargs)


def latest_assessments(provision: Provision):
    return provision.assessments.select_related("assessed_by").order_by("-assessed_at", "-id")[
        :LATEST_ASSESSMENTS
    ]


@transaction.atomic
def record_assessment(
    provision: Provision, user: User, level: int, note: str
) -> ProvisionAssessment:
    """The one place an assessment is written; it speaks for the co-chair's party."""
    assessment = ProvisionAssessment(
        provision=provision, assessed_by=user, party=user.party, level=level, note=note
    )
    assessment._change_reason = gettext("Provision assessed")
    assessment.save()
    return assessment


def _provision_page(request: HtmxHttpRequest, provision: Provision, form: AssessmentForm):
    """The provision page again, with the form's errors, for a plain POST with bad input."""
    # Imported here: the provision page's helpers import the apps that import core.
    from tracker.core.views import provision_page_context
    from tracker.milestones.queries import with_progress

    provision = (
        with_progress(Provision.objects.select_related("agreement"))
        .prefetch_related("minerals")
        .get(pk=provision.pk)
    )
    context = {**provision_page_context(request, provision), "assessment_form": form}
    return render(request, "core/provision_detail.html", context, status=400)


@require_POST
@viewer_required
def provision_assess(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    provision = get_object_or_404(Provision, pk=pk)
    if not can_assess_provision(request.user, provision):
        raise PermissionDenied
    form = AssessmentForm(request.POST)
    fragment = "core/provision_assessment.html#assessments"
    if not form.is_valid():
        if request.htmx:
            context = {"provision": provision, "assessment_form": form}
            return render(request, fragment, context, status=400)
        return _provision_page(request, provision, form)

    record_assessment(
        provision, request.user, form.cleaned_data["level"], form.cleaned_data["note"]
    )
    messages.success(request, gettext("Your assessment is recorded."))
    if request.htmx:
        body = render_to_string(fragment, {"provision": provision}, request)
        body += render_to_string("partials/messages.html", {"oob": True}, request)
        return HttpResponse(body)
    return redirect(reverse("provision_detail", args=[provision.pk]) + "#assessments")
