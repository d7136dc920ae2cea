import pytest


@pytest.mark.django_db
def test_healthz_answers_200_with_no_body(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b""


def test_provision_list_shows_the_provision(login, observer, provision):
    response = login(observer).get("/provisions/")
    assert response.status_code == 200
    assert provision.title in response.content.decode()
