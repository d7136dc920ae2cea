"""An organisation's page: its names, its people, the milestones it leads, its history."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.organisations.conftest import lead
from tracker.accounts.organisations import update_organisation
from tracker.milestones.models import Milestone

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(organisation) -> str:
    return f"/organisations/{organisation.pk}/"


def test_page_shows_names_kind_and_party(login, observer, directory):
    response = login(observer).get(url(directory["agency"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert "<h1>Ministry of Economy</h1>" in page
    assert '<dd lang="uk">Міністерство економіки</dd>' in page
    assert "Government agency" in page
    assert "Ukraine" in page


def test_page_lists_the_people_who_act_with_role_and_party(login, member_us, organisation, people):
    page = login(member_us).get(url(organisation)).content.decode()

    people_section = page.split('id="people-heading"')[1].split("</section>")[0]
    assert "Olena" in people_section and "Co-chair" in people_section
    assert "Taras" in people_section and "Member" in people_section
    assert "Gone" not in people_section  # disabled
    assert "Waiting" not in people_section  # no role yet


def test_task_force_sees_e_mail_addresses(login, member_us, monitor, organisation, people):
    for person in (member_us, monitor):
        page = login(person).get(url(organisation)).content.decode()
        assert 'href="mailto:olena@example.org"' in page


def test_observer_does_not_see_e_mail_addresses(login, observer, organisation, people):
    page = login(observer).get(url(organisation)).content.decode()

    assert "Olena" in page
    assert "olena@example.org" not in page
    assert "E-mail" not in page


def test_page_lists_the_milestones_it_leads_with_links(login, observer, organisation, provision):
    lead(organisation, provision, 2)
    other = Milestone.objects.create(
        provision=provision,
        title="Led by nobody",
        responsible_party="UA",
        due_date=datetime.date(2026, 5, 1),
    )

    page = login(observer).get(url(organisation)).content.decode()

    milestone = Milestone.objects.filter(lead_organisation=organisation).first()
    assert f'href="/milestones/{milestone.pk}/"' in page
    assert "2 milestones" in page
    assert other.title not in page
    assert f'href="/milestones/?lead_organisation={organisation.pk}"' in page
    # One agreement: no agreement column.
    assert '<th scope="col">Agreement</th>' not in page


def test_milestones_of_several_agreements_show_their_agreement(
    login, observer, organisation, provision, second_provision
):
    lead(organisation, provision, 1)
    lead(organisation, second_provision, 1, title="Recycling pilot")

    page = login(observer).get(url(organisation)).content.decode()

    assert '<th scope="col">Agreement</th>' in page
    assert "second-agreement" in page
    assert "test-agreement" in page


def test_milestones_page_by_twenty_and_htmx_gets_the_section_alone(
    login, observer, organisation, provision
):
    lead(organisation, provision, 25)
    client = login(observer)

    first = client.get(url(organisation))
    second = client.get(url(organisation) + "?page=2", **HTMX)

    assert len(first.context["page"].object_list) == 20
    assert "?page=2" in first.content.decode()
    body = second.content.decode()
    assert second.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="milestones"')
    assert body.count("<tr>") == 1 + 5  # the header and five rows
    assert "People" not in body


def test_empty_sections_say_so(login, observer, directory):
    page = login(observer).get(url(directory["ngo"])).content.decode()

    assert "Nobody in the tracker belongs to this organisation yet" in page
    assert "This organisation leads no milestone yet" in page


def test_history_shows_who_changed_what_and_why(login, observer, chair_ua, organisation):
    update_organisation(
        chair_ua,
        organisation,
        {"name": "State Geological Survey", "name_uk": "", "kind": "agency", "affiliation": "UA"},
        version=1,
        reason="Renamed by decree.",
        at=timezone.now() + datetime.timedelta(minutes=5),
    )

    page = login(observer).get(url(organisation)).content.decode()

    history = page.split('id="history-heading"')[1]
    assert "Chair Ua · Changed: name · Renamed by decree." in history
    assert "Added to the directory" in history
    assert history.index("Renamed by decree.") < history.index("Added to the directory")


def test_edit_button_only_for_those_who_may_edit(
    login, chair_ua, chair_us, staff_admin, member_ua, organisation
):
    for person, shown in (
        (chair_ua, True),
        (staff_admin, True),
        (chair_us, False),
        (member_ua, False),
    ):
        page = login(person).get(url(organisation)).content.decode()
        assert (f'href="/organisations/{organisation.pk}/edit/"' in page) is shown, person.username


def test_unknown_organisation_is_404(login, observer):
    assert login(observer).get("/organisations/999999/").status_code == 404


def test_page_answers_post_with_405(login, observer, organisation):
    assert login(observer).post(url(organisation)).status_code == 405


def test_user_without_a_role_is_refused(login, outsider, organisation):
    response = login(outsider).get(url(organisation))

    assert response.status_code == 403
    assert organisation.name not in response.content.decode()


def _detail_queries(client, organisation, django_assert_max_num_queries) -> int:
    # Session, user, the header's unread count, the organisation, the milestones' count and
    # rows, whether they span agreements, the people, the history.
    with django_assert_max_num_queries(9) as captured:
        response = client.get(url(organisation))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_stays_the_same_with_many_milestones_people_and_changes(
    login,
    observer,
    chair_ua,
    organisation,
    provision,
    second_provision,
    people,
    django_assert_max_num_queries,
):
    client = login(observer)
    lead(organisation, provision, 1)
    few = _detail_queries(client, organisation, django_assert_max_num_queries)

    lead(organisation, provision, 30, title="More")
    lead(organisation, second_provision, 30, title="Elsewhere")
    for number in range(25):
        organisation.refresh_from_db()
        update_organisation(
            chair_ua,
            organisation,
            {"name": f"Service {number}", "name_uk": "", "kind": "agency", "affiliation": "UA"},
            version=organisation.version,
            reason=f"Change {number}",
        )

    assert _detail_queries(client, organisation, django_assert_max_num_queries) == few


def test_a_milestone_page_links_to_its_lead_organisation(
    login, observer, milestone_ua, organisation
):
    milestone_ua.lead_organisation = organisation
    milestone_ua.save()

    page = login(observer).get(f"/milestones/{milestone_ua.pk}/").content.decode()

    assert f'<a href="/organisations/{organisation.pk}/">State Geological Service</a>' in page
