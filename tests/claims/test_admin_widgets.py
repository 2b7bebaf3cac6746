"""The claim page's choice lists are written in Python (``claims.admin.widgets.ListSelect``): the
HTML must be Django's ``Select``'s, character for character, whatever the choices say."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AdminEmailInputWidget,
    AdminTextareaWidget,
    AdminTextInputWidget,
)
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from claims.admin.forms import LOSS_TYPES, ClaimChangeForm
from claims.admin.widgets import DirectRenderer, ListSelect
from config.statements import _Placeholders
from tests.factories import make_adjuster, walk

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


@pytest.mark.parametrize("value", [None, "", "1", ["1", "2"]])
def test_a_list_select_selects_the_first_of_equal_values_as_django_does(value):
    choices = [(None, "none"), (1, "one"), ("1", "one again"), (2, "two")]
    ours = ListSelect(choices=choices).render("f", value, {"id": "id_f"})
    assert ours == forms.Select(choices=choices).render("f", value, {"id": "id_f"})


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


# --- DirectRenderer: the claim form's inputs, labels and error lists ----------------------------

VALUES = [None, "", "plain", "x<y & \"quoted\" 'single'", mark_safe("<b>safe</b>"),
          "  spaced  \n", "Ünïcödé", 0, 12, Decimal("1000.50"), date(2024, 2, 29), True, False]
ATTRS = [None, {"id": "id_field", "required": True, "disabled": False, "maxlength": 200,
                "data-x": "a<b", "aria-label": mark_safe("<i>x</i>"), "step": 0.5}]


@pytest.mark.parametrize("widget", [
    forms.TextInput, forms.EmailInput, forms.NumberInput, forms.URLInput, forms.PasswordInput,
    forms.HiddenInput, forms.DateInput, forms.DateTimeInput, forms.TimeInput, forms.CheckboxInput,
    forms.Textarea, AdminDateWidget, AdminTextInputWidget, AdminTextareaWidget,
    AdminEmailInputWidget, forms.FileInput,
])
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_direct_renderer_writes_what_djangos_templates_render(widget, attrs):
    direct, django = DirectRenderer(), get_default_renderer()
    for value in VALUES:
        for language in ("en", "de"):
            with translation.override(language):
                ours = widget(attrs={"class": "c"}).render("name", value, attrs, renderer=direct)
                theirs = widget(attrs={"class": "c"}).render("name", value, attrs,
                                                             renderer=django)
            assert ours == theirs, (widget, value)


class _Labelled(forms.Form):
    plain = forms.CharField(label="Name & <title>")
    safe = forms.CharField(label=mark_safe("<em>Safe</em>"), required=False)
    asked = forms.BooleanField(label="Done?")
    lazy = forms.DateField(label=gettext_lazy("Loss date"))
    custom = forms.CharField(label="  Spaced  ", widget=forms.TextInput(attrs={"id": "own"}))


@pytest.mark.parametrize("auto_id", ["id_%s", "", False])
@pytest.mark.parametrize("data", [None, {"plain": "", "asked": "x", "lazy": "no date"}])
def test_labels_and_error_lists_are_djangos(auto_id, data):
    class Direct(_Labelled):
        default_renderer = DirectRenderer()

    ours, theirs = Direct(data, auto_id=auto_id), _Labelled(data, auto_id=auto_id)
    for name in _Labelled.base_fields:
        for kwargs in ({}, {"attrs": {"class": "required inline", "data-x": True}},
                       {"label_suffix": ""}, {"contents": "Other <b>", "tag": "legend"}):
            assert ours[name].label_tag(**kwargs) == theirs[name].label_tag(**kwargs)
        assert str(ours[name].errors) == str(theirs[name].errors)
        assert ours[name].errors.as_ul() == theirs[name].errors.as_ul()
        assert str(ours[name]) == str(theirs[name])
    assert str(ours.non_field_errors()) == str(theirs.non_field_errors())


def test_the_loss_types_listed_are_the_fields_queryset(reported_claim):
    form = ClaimChangeForm(instance=reported_claim)
    placeholders = _Placeholders({})
    assert str(form.fields["loss_type"].queryset.query) == str(
        LOSS_TYPES.build(placeholders).query)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("state", ["reported", "liability_check"])
def test_the_claim_page_is_the_same_as_with_djangos_form_renderer(
    client, adjuster, reported_claim, language, state, monkeypatch
):
    claim = reported_claim
    if state == "liability_check":
        claim = walk(reported_claim, adjuster, "start_liability_check")
    client.force_login(adjuster)
    for url in (reverse("admin:claims_claim_change", args=[claim.pk]),
                reverse("admin:claims_claim_change", args=[claim.pk]) + "?tabs=all"):
        ours = _page(client, url, language)
        assert '<input type="text" name="claimant_name"' in ours
        with monkeypatch.context() as patched:
            patched.setattr(DirectRenderer, "render",
                            lambda self, name, context, request=None:
                            get_default_renderer().render(name, context, request))
            assert ours == _page(client, url, language)


@pytest.mark.parametrize("inner", [forms.Select, forms.HiddenInput])
@pytest.mark.parametrize("field", ["loss_type", "assigned_adjuster"])
def test_the_related_field_links_are_djangos(inner, field, monkeypatch):
    from itertools import product

    from django.contrib import admin
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

    from claims.models import Claim

    rel = Claim._meta.get_field(field).remote_field
    for flags in product([False, True], repeat=4):
        for limited in ({}, {"is_active": True}):
            monkeypatch.setattr(rel, "limit_choices_to", limited)
            for language in ("en", "de"):
                with translation.override(language):
                    rendered = [
                        RelatedFieldWidgetWrapper(
                            inner(choices=[(1, "one")]) if inner is forms.Select else inner(),
                            rel, admin.site, *flags,
                        ).render(field, 1, {"id": f"id_{field}"}, renderer=renderer)
                        for renderer in (DirectRenderer(), get_default_renderer())]
                assert rendered[0] == rendered[1], (flags, limited, language)
