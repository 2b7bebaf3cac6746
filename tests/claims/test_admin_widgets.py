"""The claim page's choice lists are written in Python (``claims.admin.widgets.ListSelect``): the
HTML must be Django's ``Select``'s, character for character, whatever the choices say."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe

from claims.admin.widgets import ListSelect
from tests.factories import make_adjuster

pytestmark = pytest.mark.django_db

CHOICES = [("", "---------"), (1, "Anna <Admin> & Co"), (2, mark_safe("<b>bold</b>")),
           ("quote\"d", 'label "quoted"'), (3, "Ünïcödé")]


@pytest.mark.parametrize("value", [None, "", "1", 2, "quote\"d", "missing"])
@pytest.mark.parametrize("attrs", [
    {}, {"id": "id_field", "required": True, "disabled": False, "data-context": "x<y"},
])
def test_a_list_select_writes_what_djangos_select_renders(value, attrs):
    ours = ListSelect(choices=CHOICES, attrs={"class": "wide"}).render("field", value, attrs)
    django = forms.Select(choices=CHOICES, attrs={"class": "wide"}).render("field", value, attrs)
    assert ours == django


def test_option_groups_are_left_to_django():
    choices = [("Group <1>", [(1, "one"), (2, "two")]), (3, "three")]
    assert ListSelect(choices=choices).render("f", 2) == forms.Select(choices=choices).render(
        "f", 2)


def _page(client, url: str, language: str) -> str:
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_claim_page_is_the_same_as_with_djangos_select(
    client, adjuster, reported_claim, language, monkeypatch
):
    make_adjuster("zoe <the second> & co")
    client.force_login(adjuster)
    url = reverse("admin:claims_claim_change", args=[reported_claim.pk])
    ours = _page(client, url, language)
    assert re.search(r'<select name="assigned_adjuster".*zoe &lt;the second&gt; &amp; co', ours,
                     re.S)
    assert '<select name="loss_type"' in ours
    monkeypatch.setattr(ListSelect, "render", forms.Select.render)
    assert ours == _page(client, url, language)
