"""The 500 page: in the request's language, and still an answer when the template itself fails."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils import translation

from config import errors


def test_the_500_page_is_in_the_requests_language():
    request = RequestFactory().get("/portal/")
    with translation.override("de"):
        german = errors.server_error(request)
    with translation.override("en"):
        english = errors.server_error(request)

    assert german.status_code == english.status_code == 500
    assert '<html lang="de">' in german.content.decode()
    assert "Bei uns ist etwas schiefgegangen" in german.content.decode()
    assert "Something went wrong on our side" in english.content.decode()


def test_the_500_page_answers_even_when_its_template_fails(monkeypatch):
    def broken(name):
        raise RuntimeError("template store unreadable")

    monkeypatch.setattr(errors.loader, "get_template", broken)

    response = errors.server_error(RequestFactory().get("/portal/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Bei uns ist etwas schiefgegangen" in response.content.decode()
