"""The settlement's explanation in the reader's language: stored as codes and amounts, shown in
German (the default) or English with the reader's money format; rows stored as sentences before
still show; the API gives the codes with the text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from claims.money.models import Settlement
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from claims.money.steps import settlement_error_text, steps_json, steps_text
from coverage.settlement import SettlementInputError, Step
from tests.claims.desk_tabs import claim_page
from tests.factories import category

pytestmark = pytest.mark.django_db


def test_a_proposal_stores_its_steps_as_codes_and_amounts(claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("8000"),
                  payee_kind="policyholder", by=adjuster)

    settlement = settlement_propose(claim=claim, by=adjuster)

    steps = settlement.explanation["steps"]
    assert steps[0] == {"code": "category", "args": {"category": "forensics",
                                                      "claimed": "8000.00"}}
    assert steps[-1] == {"code": "payable", "args": {"payable": "7000.00"}}
    assert {"code": "deductible_taken",
            "args": {"deductible": "1000.00", "non_exempt": "8000.00"}} in steps


def test_the_claim_page_explains_the_settlement_in_german_with_german_amounts(
    client, claim, adjuster
):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("8000"),
                  payee_kind="policyholder", by=adjuster)
    client.force_login(adjuster)

    page = claim_page(client, reverse("admin:claims_claim_change", args=[claim.pk]),
                      HTTP_ACCEPT_LANGUAGE="de")

    assert "Selbstbehalt 1.000,00\u00a0€ abgezogen von 8.000,00\u00a0€" in page
    assert "Zahlbar 7.000,00\u00a0€" in page
    assert f"{category('forensics').name_de}: 8.000,00\u00a0€ geltend gemacht" in page
    assert "taken from" not in page


def test_the_approval_queue_shows_stored_steps_in_the_deciders_language(
    client, claim, adjuster, team_lead
):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("20000"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=adjuster)
    decide = reverse("admin:money_settlement_decide", args=[claim.pk, settlement.pk])
    client.force_login(team_lead)

    german = client.get(decide, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get(decide, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Zahlbar 19.000,00\u00a0€" in german
    assert "Payable €19,000.00" in english


def test_steps_stored_as_english_sentences_before_still_show(claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("8000"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    Settlement.objects.filter(pk=settlement.pk).update(explanation={
        **settlement.explanation, "steps": ["Deductible 1,000.00 taken.", "Payable 7,000.00"]})
    stored = Settlement.objects.get(pk=settlement.pk).explanation["steps"]

    with translation.override("de"):
        assert steps_text(stored) == ["Deductible 1,000.00 taken.", "Payable 7,000.00"]
        assert steps_json(stored)[1] == {"code": None, "args": {}, "text": "Payable 7,000.00"}


def test_a_step_with_an_unknown_code_shows_as_it_was_stored():
    assert steps_text([{"code": "from_the_future", "args": {}}]) == [
        "{'code': 'from_the_future', 'args': {}}"]


def test_the_api_gives_code_args_and_text_in_the_requests_language(client, claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("8000"),
                  payee_kind="policyholder", by=adjuster)
    client.force_login(adjuster)
    url = f"/api/claims/{claim.pk}/settlement-preview/"

    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").json()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()

    assert german["steps"][-1] == {"code": "payable", "args": {"payable": "7000.00"},
                                   "text": "Zahlbar 7.000,00\u00a0€"}
    assert english["steps"][-1]["text"] == "Payable €7,000.00"
    assert german["payable"] == english["payable"] == "7000.00"
    settlement = settlement_propose(claim=claim, by=adjuster)
    listed = client.get(f"/api/claims/{claim.pk}/settlements/",
                        HTTP_ACCEPT_LANGUAGE="de").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    row = next(row for row in rows if row["id"] == settlement.pk)
    assert row["explanation"]["steps"][-1]["text"] == "Zahlbar 7.000,00\u00a0€"


def test_notes_of_a_step_are_translated_with_it():
    step = Step("deductible_none", {}, (Step("nothing_subject_to_deductible"),))
    with translation.override("de"):
        assert steps_text([step]) == [
            "Kein Selbstbehalt abgezogen (keine der gedeckten Kosten unterliegt dem Selbstbehalt)"]
    with translation.override("en"):
        assert steps_text([step.to_json()]) == [
            "No deductible taken (none of the covered costs is subject to it)"]


def test_an_input_error_is_said_in_the_readers_language():
    error = SettlementInputError("lines[0].amount", "more than %(max)s",
                                 {"max": Decimal("999999999999.99")})
    assert str(error) == "lines[0].amount: more than 999,999,999,999.99"
    with translation.override("de"):
        assert settlement_error_text(error) == (
            "lines[0].amount: mehr als 999.999.999.999,99\u00a0€")
