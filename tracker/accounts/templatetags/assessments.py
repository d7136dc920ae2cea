"""Template tags of the provision-assessment panel (templates/core/provision_assessment.html).

The panel is included by the provision page, whose view knows nothing of assessments; these
tags give the panel its rows in one query and its form (the bound one after bad input).
"""

from django import template

from tracker.core.assessments import AssessmentForm, latest_assessments
from tracker.core.models import Provision

register = template.Library()


@register.simple_tag
def provision_assessments(provision: Provision):
    return latest_assessments(provision)


@register.simple_tag(takes_context=True)
def assessment_form(context) -> AssessmentForm:
    return context.get("assessment_form") or AssessmentForm()
