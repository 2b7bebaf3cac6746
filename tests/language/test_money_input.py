"""One money field in every door: the portal, the vendor portal and the admin accept 1400,50,
1.400,50 and 1400.50 and refuse what is ambiguous or not ASCII digits, with a clear message."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone, translation

from claims.models import Claim
from claims.vendors.models import VendorJob
from claims.vendors.portal.forms import InvoiceForm, QuoteForm
from coverage.models import Product, SumInsuredOption
from language.forms import MoneyField
from language.money import AmountError, format_amount, parse_amount
from tests.factories import PASSWORD, make_job

ACCEPTED = [("1400,50", "1400.50"), ("1.400,50", "1400.50"), ("1400.50", "1400.50"),
            ("1,400.50", "1400.50"), ("1400", "1400.00"), ("1.400.000", "1400000.00"),
            ("12,5", "12.50"), ("1 400,50 €", "1400.50"), ("0,99", "0.99")]
REFUSED = [("１２３", "non_ascii"), ("١٢٣", "non_ascii"), ("1.400", "ambiguous"),
           ("1,400", "ambiguous"), ("1,234,5", "invalid"), ("12,345", "ambiguous"),
           ("1.40.0", "invalid"), ("1400,505", "max_decimal_places"), ("abc", "invalid")]


@pytest.mark.parametrize(("typed", "amount"), ACCEPTED)
def test_money_is_read_as_people_type_it(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(("typed", "code"), REFUSED)
def test_ambiguous_or_foreign_digits_are_refused_with_a_reason(typed, code):
    with pytest.raises(AmountError) as error:
        parse_amount(typed)
    assert error.value.code == code


def test_the_refusal_is_explained_in_the_readers_language():
    field = MoneyField()
    with translation.override("de"):
        with pytest.raises(Exception) as error:
            field.clean("1.400")
        assert "mehrdeutig" in str(error.value)
        with pytest.raises(Exception) as error:
            field.clean("１２３")
        assert "nur mit den Ziffern 0–9" in str(error.value)
    with translation.override("en"):
        with pytest.raises(Exception) as error:
            field.clean("١٢٣")
        assert "digits 0-9 only" in str(error.value)


def test_one_filter_shows_money_in_the_readers_format():
    with translation.override("de"):
        assert format_amount(Decimal("1400.5")) == "1.400,50\u00a0€"
    with translation.override("en"):
        assert format_amount(Decimal("1400.5")) == "€1,400.50"


# --- the portal door -----------------------------------------------------------------------------

def _report(client, policy, amount: str, loss_date: str | None = None):
    from tests.portal.test_report import _data

    data = _data(client, policy, estimated_amount=amount)
    if loss_date:
        data["loss_date"] = loss_date
    return client.post("/portal/report/", data, HTTP_ACCEPT_LANGUAGE="de")


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "amount"), ACCEPTED[:4])
def test_the_portal_report_accepts_german_and_english_amounts(portal, cyber_policy, typed,
                                                              amount):
    response = _report(portal, cyber_policy, typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Claim.objects.get().estimated_amount == Decimal(amount)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["１２３", "١٢٣", "1.400"])
def test_the_portal_report_refuses_ambiguous_or_foreign_digits_in_german(portal, cyber_policy,
                                                                         typed):
    response = _report(portal, cyber_policy, typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bitte korrigieren Sie" in page
    assert ("mehrdeutig" in page) or ("nur mit den Ziffern 0–9" in page)
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_the_portal_report_accepts_a_german_date(portal, cyber_policy):
    day = timezone.localdate() - timedelta(days=3)
    response = _report(portal, cyber_policy, "1.400,50", loss_date=day.strftime("%d.%m.%Y"))
    assert response.status_code == 302
    assert Claim.objects.get().loss_date == day


# --- the vendor portal door ----------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "amount"), ACCEPTED[:4])
def test_the_vendor_quote_and_invoice_forms_accept_the_amount(typed, amount):
    quote = QuoteForm({"estimate": typed, "scope": "Forensics"})
    assert quote.is_valid(), quote.errors
    assert quote.cleaned_data["estimate"] == Decimal(amount)
    invoice = InvoiceForm({"amount": typed})
    assert "amount" not in invoice.errors


@pytest.mark.parametrize("typed", ["１２３", "١٢٣", "1.400", "1,400"])
def test_the_vendor_forms_refuse_ambiguous_or_foreign_digits(typed):
    assert "estimate" in QuoteForm({"estimate": typed, "scope": "x"}).errors
    assert "amount" in InvoiceForm({"amount": typed}).errors


@pytest.mark.django_db
def test_a_vendor_quotes_in_german_through_the_portal(claim, org_a, vendor_a, client):
    job = make_job(claim, org_a, state="accepted")
    assert client.login(username=vendor_a.username, password=PASSWORD)
    response = client.post(f"/vendor/jobs/{job.pk}/quote/",
                           {"estimate": "1.400,50", "scope": "Forensik"},
                           HTTP_ACCEPT_LANGUAGE="de", follow=True)
    assert response.status_code == 200
    assert VendorJob.objects.get(pk=job.pk).estimate == Decimal("1400.50")
    refused = client.post(f"/vendor/jobs/{job.pk}/quote/", {"estimate": "１２３", "scope": "x"},
                          HTTP_ACCEPT_LANGUAGE="de")
    assert refused.status_code == 400 or "nur mit den Ziffern" in refused.content.decode()


# --- the admin door ------------------------------------------------------------------------------

def _decimal_fields_of_admin_forms():
    for model, model_admin in admin.site._registry.items():
        for field in model._meta.concrete_fields:
            if field.get_internal_type() == "DecimalField" and field.editable:
                yield model_admin, field


def test_every_admin_form_types_money_through_the_money_field():
    seen = 0
    for model_admin, field in _decimal_fields_of_admin_forms():
        formfield = model_admin.formfield_for_dbfield(field, request=None)
        assert isinstance(formfield, MoneyField), f"{model_admin}: {field.name}"
        seen += 1
    assert seen >= 5


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "expected"), [*ACCEPTED[:4], ("١٢٣", None), ("1.400", None)])
def test_an_admin_model_form_accepts_and_refuses_amounts(admin_user, typed, expected):
    product = Product.objects.get(code="cyber")
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = admin.site._registry[SumInsuredOption].get_form(
        request, fields=["product", "amount"])
    form = form_class({"product": product.pk, "amount": typed})
    if expected is None:
        assert "amount" in form.errors
    else:
        assert "amount" not in form.errors
        assert form.cleaned_data["amount"] == Decimal(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "ok"), [("1.400,50", True), ("1400.50", True),
                                           ("１２３", False), ("1,400", False)])
def test_the_admin_cost_line_form_accepts_and_refuses_amounts(claim, typed, ok):
    from claims.money.admin import CostLineForm

    form = CostLineForm({"amount": typed}, claim=claim)
    assert ("amount" not in form.errors) is ok
