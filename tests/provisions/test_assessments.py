"""Provision assessments: POST /provisions/<pk>/assess/ and the panel on the provision page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tracker.core.models import ProvisionAssessment


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast is created with passwords; the real hasher would make these tests slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


VALID = {"level": "2", "note": "Two of four milestones done; survey data shared."}


def assess_url(provision) -> str:
    return reverse("provision_assess", args=[provision.pk])


def detail_url(provision) -> str:
    return reverse("provision_detail", args=[provision.pk])


def test_co_chair_records_an_assessment_for_their_party(login, chair_ua, provision):
    response = login(chair_ua).post(assess_url(provision), VALID)

    assert response.status_code == 302
    assert response["Location"] == detail_url(provision) + "#assessments"
    assessment = ProvisionAssessment.objects.get()
    assert (assessment.provision, assessment.assessed_by) == (provision, chair_ua)
    assert (assessment.party, assessment.level, assessment.note) == ("UA", 2, VALID["note"])


def test_assessment_keeps_a_history_with_who_recorded_it(login, chair_us, provision):
    login(chair_us).post(assess_url(provision), VALID)

    record = ProvisionAssessment.history.get()
    assert record.history_type == "+"
    assert record.history_user == chair_us
    assert record.party == "US"


def test_htmx_assessment_returns_the_panel_with_the_new_row(login, chair_us, provision):
    response = login(chair_us).post(assess_url(provision), VALID, headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="assessments"')
    assert VALID["note"] in body
    assert 'hx-swap-oob="true"' in body  # the message region updates too
    assert ProvisionAssessment.objects.count() == 1


def test_provision_page_lists_both_delegations_assessments(login, chair_us, chair_ua, provision):
    login(chair_us).post(assess_url(provision), {"level": "1", "note": "US view"})
    login(chair_ua).post(assess_url(provision), {"level": "3", "note": "UA view"})

    body = login(chair_us).get(detail_url(provision)).content.decode()

    assert "US view" in body and "UA view" in body
    assert "United States" in body and "Ukraine" in body
    assert body.index("UA view") < body.index("US view")  # newest first


def test_form_is_shown_to_co_chairs_only(login, chair_us, member_us, monitor, provision):
    assert 'id="assessment_level"' in login(chair_us).get(detail_url(provision)).content.decode()
    for user in (member_us, monitor):
        body = login(user).get(detail_url(provision)).content.decode()
        assert 'id="assessments"' in body
        assert 'id="assessment_level"' not in body


@pytest.mark.parametrize("user", ["member_us", "member_ua", "monitor", "observer", "staff_admin"])
@pytest.mark.parametrize("htmx", [False, True])
def test_only_co_chairs_may_assess(request, login, provision, user, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = login(request.getfixturevalue(user)).post(
        assess_url(provision), VALID, headers=headers
    )

    assert response.status_code == 403
    assert not ProvisionAssessment.objects.exists()
    assert not ProvisionAssessment.history.exists()


def test_user_without_role_meets_the_no_access_page(login, outsider, provision):
    response = login(outsider).post(assess_url(provision), VALID)

    assert response.status_code == 403
    assert "No access yet" in response.content.decode()
    assert not ProvisionAssessment.objects.exists()


def test_anonymous_is_sent_to_log_in(client, provision):
    response = client.post(assess_url(provision), VALID)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ProvisionAssessment.objects.exists()


def test_unknown_provision_is_404(login, chair_us, provision):
    response = login(chair_us).post(reverse("provision_assess", args=[provision.pk + 99]), VALID)

    assert response.status_code == 404


def test_get_is_not_allowed(login, chair_us, provision):
    assert login(chair_us).get(assess_url(provision)).status_code == 405


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"note": "Kept text"}, "level", "Choose an implementation level."),
        ({"level": "7", "note": "Kept text"}, "level", "Select a valid choice."),
        ({"level": "2", "note": ""}, "note", "Say what the assessment rests on."),
    ],
)
def test_bad_input_on_plain_post_rerenders_the_page_with_the_message(
    login, chair_us, provision, data, field, message
):
    response = login(chair_us).post(assess_url(provision), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" in body
    assert provision.title in body  # the whole provision page, not a bare form
    assert message in body
    if data.get("note"):
        assert "Kept text</textarea>" in body
    assert not ProvisionAssessment.objects.exists()


def test_bad_input_on_htmx_post_returns_the_panel_with_the_message(login, chair_us, provision):
    response = login(chair_us).post(
        assess_url(provision), {"level": "", "note": "Kept text"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body
    assert "Choose an implementation level." in body
    assert "Kept text</textarea>" in body
    assert not ProvisionAssessment.objects.exists()


def test_assessment_text_is_escaped(login, chair_us, provision):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    login(chair_us).post(assess_url(provision), {"level": "1", "note": payload})

    body = login(chair_us).get(detail_url(provision)).content.decode()

    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def _page_queries(client, provision) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail_url(provision)).status_code == 200
    return len(queries)


def test_panel_costs_the_same_queries_for_few_and_many_assessments(
    login, chair_us, chair_ua, provision, django_assert_max_num_queries
):
    client = login(chair_us)
    ProvisionAssessment.objects.create(
        provision=provision, assessed_by=chair_us, party="US", level=1, note="one"
    )
    few = _page_queries(client, provision)
    for index in range(12):
        ProvisionAssessment.objects.create(
            provision=provision,
            assessed_by=chair_ua if index % 2 else chair_us,
            party="UA" if index % 2 else "US",
            level=index % 4,
            note=f"note {index}",
        )
    many = _page_queries(client, provision)

    assert few == many
    with django_assert_max_num_queries(many):
        client.get(detail_url(provision))
