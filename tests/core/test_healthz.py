import pytest
from django.db import OperationalError

from tracker.core import views


class UnreachableDatabase:
    """Stands in for django.db.connection when the database does not answer."""

    def cursor(self):
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_healthz_answers_200_with_an_empty_body(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(views, "connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b""


@pytest.mark.django_db
def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
