import datetime

import pytest
from django.utils import timezone

from tests.disputes.conftest import make_dispute, set_status, snapshot
from tracker.core.models import Provision
from tracker.disputes import services
from tracker.disputes.models import Dispute, DisputeStatus

HTMX = {"HTTP_HX_REQUEST": "true"}
S = DisputeStatus


# --- list --------------------------------------------------------------------------------


def _titles(response) -> list[str]:
    return [dispute.title for dispute in response.context["page"].object_list]


def test_list_shows_disputes_with_their_status(login, monitor, dispute):
    response = login(monitor).get("/disputes/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert dispute.title in page
    assert "badge-raised" in page
    assert "1 dispute matches" in page


def test_htmx_list_request_gets_only_the_results(login, monitor, dispute):
    response = login(monitor).get("/disputes/?status=raised", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert dispute.title in body


def test_list_answers_post_with_405(login, monitor):
    assert login(monitor).post("/disputes/").status_code == 405


def test_list_refuses_a_user_without_a_role(login, outsider, dispute):
    assert login(outsider).get("/disputes/").status_code == 403


@pytest.fixture
def several(member_us, member_ua, chair_ua, provision, agreement):
    other = Provision.objects.create(
        agreement=agreement,
        reference="P-05",
        title="Royalties",
        category="investment_infrastructure",
        responsible_party="US",
    )
    late = make_dispute(member_us, provision, title="Late")
    Dispute.objects.filter(pk=late.pk).update(
        raised_on=datetime.date(2026, 1, 1), response_due=datetime.date(2026, 1, 31)
    )
    answered = make_dispute(member_us, provision, title="Answered")
    set_status(answered, S.ACKNOWLEDGED)
    from_ukraine = make_dispute(member_ua, other, title="From Ukraine")
    set_status(from_ukraine, S.RESOLVED)
    return other


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=acknowledged", ["Answered"]),
        ("status=open", ["Answered", "Late"]),
        ("raised_by_party=UA", ["From Ukraine"]),
        ("response_overdue=yes", ["Late"]),
        ("response_overdue=no", ["From Ukraine", "Answered"]),
        ("sort=title", ["Answered", "From Ukraine", "Late"]),
        ("sort=-raised_on", ["From Ukraine", "Answered", "Late"]),
    ],
)
def test_list_filters_and_sorts(login, monitor, several, query, expected):
    assert _titles(login(monitor).get(f"/disputes/?{query}")) == expected


def test_list_filters_by_provision(login, monitor, several):
    assert _titles(login(monitor).get(f"/disputes/?provision={several.pk}")) == ["From Ukraine"]


def test_overdue_response_is_flagged_in_the_list(login, monitor, several):
    page = login(monitor).get("/disputes/?response_overdue=yes").content.decode()
    assert "Response overdue" in page.split('id="results"')[1]


def _list_queries(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(10) as captured:
        response = client.get("/disputes/?status=open&sort=-raised_on")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_query_count_stays_the_same_with_many_rows(
    login, monitor, member_us, provision, agreement, django_assert_max_num_queries
):
    client = login(monitor)
    make_dispute(member_us, provision)
    few = _list_queries(client, django_assert_max_num_queries)
    others = [
        Provision.objects.create(
            agreement=agreement,
            reference=f"P-{number + 10}",
            title=f"Provision {number}",
            category="capacity_building",
            responsible_party="UA",
        )
        for number in range(3)
    ]
    for number in range(30):
        make_dispute(member_us, provision, provisions=[provision, others[number % 3]])
    assert _list_queries(client, django_assert_max_num_queries) == few


def test_list_pages_by_fifty(login, monitor, member_us, provision):
    for number in range(51):
        make_dispute(member_us, provision, title=f"Dispute {number:02}")
    response = login(monitor).get("/disputes/?sort=title&page=2")
    assert _titles(response) == ["Dispute 50"]
    assert "51 disputes match" in response.content.decode()


# --- raise -------------------------------------------------------------------------------


def _raise_data(provision, party: str, **overrides) -> dict:
    data = {
        "agreement": provision.agreement_id,
        "provisions": [provision.pk],
        "raised_by_party": party,
        "title": "Royalty calculation",
        "description": "The royalty base excludes processing.",
        "raising_position": "Processing must be included.",
    }
    return {**data, **overrides}


def test_member_opens_the_form_for_their_own_party(login, member_ua, provision):
    response = login(member_ua).get(f"/disputes/new/?provision={provision.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert '<input type="hidden" name="raised_by_party" value="UA">' in page
    assert response.context["form"].initial["provisions"] == [provision.pk]
    assert response.context["responding_party"] == "United States"


def test_member_raises_a_dispute(login, member_ua, provision):
    response = login(member_ua).post("/disputes/new/", _raise_data(provision, "UA"))

    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/{dispute.pk}/"
    assert (dispute.raised_by_party, dispute.responding_party, dispute.raised_by) == (
        "UA",
        "US",
        member_ua,
    )
    assert dispute.response_due == dispute.raised_on + datetime.timedelta(days=30)


def test_crafted_post_for_the_other_party_is_refused_and_saves_nothing(login, member_ua, provision):
    response = login(member_ua).post("/disputes/new/", _raise_data(provision, "US"))
    assert response.status_code == 403
    assert not Dispute.objects.exists()


def test_invalid_dispute_keeps_the_input_and_saves_nothing(login, chair_us, provision):
    response = login(chair_us).post(
        "/disputes/new/", _raise_data(provision, "US", provisions=[], title="Kept title")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["provisions"] == ["Choose at least one provision."]
    assert "Kept title" in response.content.decode()
    assert not Dispute.objects.exists()


def test_htmx_invalid_raise_returns_the_form_fragment(login, chair_us, provision):
    response = login(chair_us).post(
        "/disputes/new/", _raise_data(provision, "US", title=""), **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="raise-form"')


@pytest.mark.parametrize("user", ["monitor", "observer"])
def test_monitors_and_observers_cannot_raise(request, login, user, provision):
    client = login(request.getfixturevalue(user))
    assert client.get("/disputes/new/").status_code == 403
    assert client.post("/disputes/new/", _raise_data(provision, "US")).status_code == 403
    assert not Dispute.objects.exists()


def test_raise_answers_put_with_405(login, member_us):
    assert login(member_us).put("/disputes/new/").status_code == 405


# --- detail ------------------------------------------------------------------------------


def test_detail_shows_the_dispute_and_its_timeline(login, observer, dispute, member_ua):
    from tracker.disputes.services import add_comment

    add_comment(member_ua, dispute, "We are looking into it.")
    Dispute.objects.filter(pk=dispute.pk).update(visibility="public")
    response = login(observer).get(f"/disputes/{dispute.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert dispute.raising_position in page
    timeline = page.split('id="timeline-list"')[1].split("</ol>")[0]
    assert timeline.index("badge-raised") < timeline.index("We are looking into it.")
    assert "Move the dispute" not in page
    assert 'id="comment-form"' not in page


def test_responding_co_chair_sees_only_the_moves_open_to_them(login, chair_ua, dispute):
    response = login(chair_ua).get(f"/disputes/{dispute.pk}/")
    assert [status for status, _verb, _form in response.context["moves"]] == ["acknowledged"]
    assert "Record your party's position" in response.content.decode()


def test_detail_answers_post_with_405(login, monitor, dispute):
    assert login(monitor).post(f"/disputes/{dispute.pk}/").status_code == 405


def test_detail_refuses_a_user_without_a_role(login, outsider, dispute):
    assert login(outsider).get(f"/disputes/{dispute.pk}/").status_code == 403


# --- transitions -------------------------------------------------------------------------


def test_responding_co_chair_acknowledges(login, chair_ua, dispute):
    response = login(chair_ua).post(
        f"/disputes/{dispute.pk}/transition/", {"to_status": "acknowledged", "text": "Received."}
    )
    dispute.refresh_from_db()
    assert response.status_code == 302
    assert dispute.status == "acknowledged"
    assert dispute.events.last().text == "Received."


def test_htmx_transition_returns_the_dispute_fragment(login, chair_ua, dispute):
    response = login(chair_ua).post(
        f"/disputes/{dispute.pk}/transition/", {"to_status": "acknowledged"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="dispute-body"')
    assert "badge-acknowledged" in body
    assert "The dispute is now Acknowledged." in body


def test_raising_co_chair_cannot_acknowledge(login, chair_us, dispute):
    before = snapshot(dispute)
    response = login(chair_us).post(
        f"/disputes/{dispute.pk}/transition/", {"to_status": "acknowledged"}
    )
    assert response.status_code == 403
    assert snapshot(dispute) == before


def test_move_the_status_does_not_allow_is_a_conflict_with_the_reason(login, chair_us, dispute):
    before = snapshot(dispute)
    response = login(chair_us).post(
        f"/disputes/{dispute.pk}/transition/", {"to_status": "escalated", "text": "Now"}
    )
    assert response.status_code == 409
    assert "A dispute that is raised cannot become escalated." in response.content.decode()
    assert snapshot(dispute) == before


def test_resolving_without_resolution_is_refused_beside_the_field(login, chair_us, dispute):
    set_status(dispute, S.UNDER_CONSULTATION)
    before = snapshot(dispute)

    response = login(chair_us).post(
        f"/disputes/{dispute.pk}/propose/", {"decision": "resolved", "text": ""}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "resolving needs it" in page
    assert snapshot(dispute) == before
    assert not dispute.proposals.exists()


def test_resolving_in_one_step_through_the_transition_is_refused(login, chair_us, dispute):
    set_status(dispute, S.ESCALATED)
    before = snapshot(dispute)
    response = login(chair_us).post(
        f"/disputes/{dispute.pk}/transition/",
        {"to_status": "resolved", "text": "Data shared by 1 May."},
    )
    assert response.status_code == 403
    assert snapshot(dispute) == before


def test_co_chair_proposes_a_resolution_and_the_dispute_keeps_its_status(
    login, chair_us, chair_ua, dispute
):
    set_status(dispute, S.ESCALATED)
    response = login(chair_us).post(
        f"/disputes/{dispute.pk}/propose/",
        {"decision": "resolved", "text": "Data shared by 1 May."},
    )
    dispute.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/{dispute.pk}/#proposal"
    assert (dispute.status, dispute.resolution) == ("escalated", "")

    # The proposer's page says what is awaited; the other party's co-chair may decide.
    own_page = login(chair_us).get(f"/disputes/{dispute.pk}/").content.decode()
    assert "Resolution proposed by Chair Us (United States)" in own_page
    assert f"/disputes/{dispute.pk}/concur/" not in own_page
    other = login(chair_ua).get(f"/disputes/{dispute.pk}/")
    assert other.context["may_decide"]
    assert f"/disputes/{dispute.pk}/concur/" in other.content.decode()


def test_htmx_concurrence_resolves_and_returns_the_dispute_fragment(
    login, chair_us, chair_ua, dispute
):
    set_status(dispute, S.ESCALATED)
    proposal = services.propose_decision(chair_us, dispute, S.RESOLVED, "Data shared by 1 May.")
    response = login(chair_ua).post(
        f"/disputes/{dispute.pk}/concur/", {"proposal": proposal.pk, "note": "Agreed."}, **HTMX
    )
    body = response.content.decode()
    dispute.refresh_from_db()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="dispute-body"')
    assert (dispute.status, dispute.resolution) == ("resolved", "Data shared by 1 May.")
    assert dispute.resolved_on == timezone.localdate()
    assert "concurring with the proposal of Chair Us" in body


def test_the_proposer_cannot_concur_with_their_own_proposal(login, chair_us, dispute):
    set_status(dispute, S.ESCALATED)
    proposal = services.propose_decision(chair_us, dispute, S.RESOLVED, "Data by May.")
    before = snapshot(dispute)
    response = login(chair_us).post(f"/disputes/{dispute.pk}/concur/", {"proposal": proposal.pk})
    assert response.status_code == 403
    assert snapshot(dispute) == before


def test_rejection_needs_a_reason_and_keeps_what_was_typed(login, chair_us, chair_ua, dispute):
    set_status(dispute, S.ESCALATED)
    proposal = services.propose_decision(chair_us, dispute, S.RESOLVED, "Data by May.")
    client = login(chair_ua)

    response = client.post(f"/disputes/{dispute.pk}/reject/", {"proposal": proposal.pk})
    assert response.status_code == 400
    assert "Give the reason for rejecting the proposal." in response.content.decode()

    response = client.post(
        f"/disputes/{dispute.pk}/reject/", {"proposal": proposal.pk, "reason": "Too late."}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    proposal.refresh_from_db()
    assert (dispute.status, proposal.outcome) == ("escalated", "rejected")
    assert dispute.events.last().text == "Too late."


def test_concurring_with_a_superseded_proposal_is_a_conflict(login, chair_us, chair_ua, dispute):
    set_status(dispute, S.ESCALATED)
    first = services.propose_decision(chair_us, dispute, S.RESOLVED, "Data by May.")
    services.propose_decision(chair_ua, dispute, S.RESOLVED, "Data by April.")
    before = snapshot(dispute)
    # chair_ua acted on a page that still showed the first proposal: it is theirs to
    # decide no longer, as chair_ua now holds the open counter-proposal.
    response = login(chair_ua).post(f"/disputes/{dispute.pk}/concur/", {"proposal": first.pk})
    assert response.status_code == 409
    assert "already decided" in response.content.decode()
    assert snapshot(dispute) == before


def test_a_proposal_of_another_dispute_is_not_found(login, chair_us, chair_ua, dispute, provision):
    other = set_status(make_dispute(chair_us, provision, title="Other"), S.ESCALATED)
    proposal = services.propose_decision(chair_us, other, S.RESOLVED, "Data by May.")
    response = login(chair_ua).post(f"/disputes/{dispute.pk}/concur/", {"proposal": proposal.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["propose", "concur", "reject"])
def test_decision_endpoints_answer_get_with_405(login, chair_ua, dispute, url):
    assert login(chair_ua).get(f"/disputes/{dispute.pk}/{url}/").status_code == 405


def test_transition_answers_get_with_405(login, chair_ua, dispute):
    assert login(chair_ua).get(f"/disputes/{dispute.pk}/transition/").status_code == 405


# --- positions ---------------------------------------------------------------------------


def test_responding_member_records_the_position(login, member_ua, dispute):
    response = login(member_ua).post(
        f"/disputes/{dispute.pk}/position/", {"responding_position": "April at the latest."}
    )
    dispute.refresh_from_db()
    assert response.status_code == 302
    assert dispute.responding_position == "April at the latest."
    assert dispute.events.last().kind == "position"


def test_htmx_position_returns_the_dispute_fragment(login, member_ua, dispute):
    response = login(member_ua).post(
        f"/disputes/{dispute.pk}/position/", {"responding_position": "April."}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "April." in body


def test_raising_party_cannot_record_the_responding_position(login, member_us, dispute):
    before = snapshot(dispute)
    response = login(member_us).post(
        f"/disputes/{dispute.pk}/position/", {"responding_position": "Theirs"}
    )
    assert response.status_code == 403
    assert snapshot(dispute) == before


def test_empty_position_is_refused(login, member_ua, dispute):
    before = snapshot(dispute)
    response = login(member_ua).post(
        f"/disputes/{dispute.pk}/position/", {"responding_position": ""}
    )
    assert response.status_code == 400
    assert "Write the position." in response.content.decode()
    assert snapshot(dispute) == before


def test_position_answers_get_with_405(login, member_ua, dispute):
    assert login(member_ua).get(f"/disputes/{dispute.pk}/position/").status_code == 405


# --- comments ----------------------------------------------------------------------------


def test_htmx_comment_returns_the_new_entry_and_a_fresh_form(login, monitor, dispute):
    response = login(monitor).post(
        f"/disputes/{dispute.pk}/comments/", {"text": "Site visit planned."}, **HTMX
    )
    body = response.content.decode()
    event = dispute.events.last()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(f'<li id="event-{event.pk}"')
    assert "Site visit planned." in body
    form = body.split('<form id="comment-form"')[1]
    assert 'hx-swap-oob="true"' in form.split(">")[0]
    assert "Site visit planned." not in form


def test_comment_without_javascript_redirects_to_the_entry(login, member_ua, dispute):
    response = login(member_ua).post(f"/disputes/{dispute.pk}/comments/", {"text": "Noted."})
    event = dispute.events.last()
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/{dispute.pk}/#event-{event.pk}"
    assert event.text == "Noted."


def test_empty_comment_is_refused(login, member_ua, dispute):
    before = snapshot(dispute)
    response = login(member_ua).post(f"/disputes/{dispute.pk}/comments/", {"text": " "})
    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()
    assert snapshot(dispute) == before


def test_comment_on_a_closed_dispute_is_a_conflict(login, member_ua, dispute):
    set_status(dispute, S.WITHDRAWN)
    before = snapshot(dispute)
    response = login(member_ua).post(
        f"/disputes/{dispute.pk}/comments/", {"text": "Too late"}, **HTMX
    )
    assert response.status_code == 409
    assert "<html" not in response.content.decode()
    assert snapshot(dispute) == before


def test_observer_cannot_comment(login, observer, dispute):
    Dispute.objects.filter(pk=dispute.pk).update(visibility="public")
    before = snapshot(dispute)
    response = login(observer).post(f"/disputes/{dispute.pk}/comments/", {"text": "Hello"})
    assert response.status_code == 403
    assert snapshot(dispute) == before


def test_comment_answers_get_with_405(login, member_ua, dispute):
    assert login(member_ua).get(f"/disputes/{dispute.pk}/comments/").status_code == 405


def test_provision_page_lists_its_disputes(login, monitor, dispute, provision):
    page = login(monitor).get(f"/provisions/{provision.pk}/").content.decode()
    assert dispute.title in page.split('id="disputes-heading"')[1]


def test_htmx_empty_comment_answers_with_the_form_in_place_of_the_form(login, member_ua, dispute):
    response = login(member_ua).post(f"/disputes/{dispute.pk}/comments/", {"text": ""}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 400
    assert body.startswith('<form id="comment-form"')
    assert "Write a comment." in body
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#comment-form", "outerHTML")
