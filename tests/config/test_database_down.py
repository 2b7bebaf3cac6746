"""With the database unreachable, the API answers 503 "try again" in its error shape with
Retry-After, pages show the friendly 503 page; any other error stays a 500."""

from importlib import import_module

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db
# The session engine in use (its load reads the database on every signed-in request).
SESSION_STORE = import_module(settings.SESSION_ENGINE).SessionStore
# The token authentication in use (its read of the token runs on every API request with a token).
TOKEN_AUTHENTICATION = import_string(
    settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0])


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(TOKEN_AUTHENTICATION, "authenticate_credentials", refused)
    monkeypatch.setattr(SESSION_STORE, "load", refused)


def test_the_api_answers_503_in_its_error_shape(client, database_down):
    response = client.get("/api/me/claims/", HTTP_AUTHORIZATION="Token " + "a" * 64)
    assert response.status_code == 503
    assert response.json() == {"error": {
        "code": "service_unavailable",
        "message": "The service is briefly unavailable; please try again in a moment.",
        "fields": {}}}
    assert int(response["Retry-After"]) > 0


def test_a_page_shows_the_friendly_503_page(client, database_down):
    client.cookies["sessionid"] = "k" * 32
    response = client.get("/portal/")
    assert response.status_code == 503
    assert b"try again in a moment" in response.content
    assert response["Retry-After"]


def test_any_other_error_is_still_a_500(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SESSION_STORE, "load", broken)
    client.cookies["sessionid"] = "k" * 32
    assert client.get("/portal/").status_code == 500
    response = client.get("/api/me/claims/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
