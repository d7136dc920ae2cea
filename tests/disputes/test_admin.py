def test_admin_shows_a_dispute_without_offering_to_move_it(login, staff_admin, dispute):
    response = login(staff_admin).get(f"/admin/disputes/dispute/{dispute.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="status"' not in page
    assert dispute.title in page


def test_admin_does_not_raise_disputes(login, staff_admin):
    assert login(staff_admin).get("/admin/disputes/dispute/add/").status_code == 403


def test_admin_shows_a_check_without_closing_its_actions(login, staff_admin, provision, monitor):
    from tests.monitoring.conftest import make_action, make_check

    check = make_check(provision, monitor)
    make_action(check)
    response = login(staff_admin).get(f"/admin/monitoring/monitoringcheck/{check.pk}/change/")
    assert response.status_code == 200
    assert 'name="corrective_actions-0-state"' not in response.content.decode()
