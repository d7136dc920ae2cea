"""Every planning URL: the methods it answers, and a person without a role refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_milestone

# name -> (its arguments as a function of the world, the methods it answers)
PAGES = {
    "list": (lambda a, p, m: [], {"get"}),
    "agreement_create": (lambda a, p, m: [], {"get", "post"}),
    "agreement": (lambda a, p, m: [a], {"get"}),
    "agreement_edit": (lambda a, p, m: [a], {"get", "post"}),
    "provision_create": (lambda a, p, m: [a], {"get", "post"}),
    "provision": (lambda a, p, m: [a, p], {"get"}),
    "provision_edit": (lambda a, p, m: [a, p], {"get", "post"}),
    "milestone_create": (lambda a, p, m: [a, p], {"get", "post"}),
    "milestone_edit": (lambda a, p, m: [a, m], {"get", "post"}),
    "milestone_replan": (lambda a, p, m: [a, m], {"get", "post"}),
    "milestone_cancel": (lambda a, p, m: [a, m], {"get", "post"}),
    "import": (lambda a, p, m: [a], {"get", "post"}),
    "import_confirm": (lambda a, p, m: [a], {"post"}),
    "import_template": (lambda a, p, m: [a], {"get"}),
}


@pytest.fixture
def urls(agreement, provision):
    milestone = make_milestone(provision, "UA", title="Publish survey tender")
    return {
        name: reverse(
            f"planning:{name}", args=arguments(agreement.short_name, provision.pk, milestone.pk)
        )
        for name, (arguments, _methods) in PAGES.items()
    }


def test_every_planning_url_is_covered(urls):
    from tracker.planning.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_each_planning_url_answers_405_to_other_methods(login, staff_admin, urls, name):
    client = login(staff_admin)
    for method in {"get", "post", "put", "delete"} - PAGES[name][1]:
        assert getattr(client, method)(urls[name]).status_code == 405, (name, method)


@pytest.mark.parametrize("name", PAGES)
def test_a_person_without_a_role_is_refused_everywhere(login, outsider, urls, name):
    client = login(outsider)
    for method in PAGES[name][1]:
        assert getattr(client, method)(urls[name]).status_code == 403, (name, method)
