"""A policyholder in a real browser: signs in, reports a ransomware incident as an emergency with
evidence, sees the claim number and the 24/7 hotline, then answers the adjuster's question.
A screenshot of every page goes to test-artifacts/portal/ (desktop and phone width)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Claim, InformationRequest
from claims.services import information_request_create
from tests.factories import (
    PASSWORD,
    PolicyholderFactory,
    UserFactory,
    make_adjuster,
    make_policy,
    make_team_lead,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def people():
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adjuster", team_lead=lead)
    user = UserFactory(username="anna", first_name="Anna")
    holder = PolicyholderFactory(user=user, company_name="Schmidt IT-Beratung",
                                 contact_name="Anna Schmidt", email="anna@example.com")
    policy = make_policy(holder=holder, product="cyber", created_by=lead)
    return {"user": user, "adjuster": adjuster, "policy": policy}


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "portal"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        width = page.viewport_size
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size(width)

    return shot


def test_policyholder_reports_a_ransomware_emergency_and_answers_the_question(
    live_server, page, shots, people, tmp_path
):
    evidence = tmp_path / "ransom-note.pdf"
    evidence.write_bytes(PDF)

    page.goto(f"{live_server.url}/portal/")
    assert "/accounts/login/" in page.url
    shots(page, "01-sign-in")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/$"))
    assert page.locator("h1").inner_text() == "Hello, Anna Schmidt"
    assert people["policy"].number in page.content()
    shots(page, "02-home")

    page.click("main >> text=Report an incident")
    page.wait_for_url(re.compile(r"/portal/report/$"))
    assert page.is_visible("text=+49 800 247 2470")
    page.check("label:has-text('My systems were encrypted by ransomware') input")
    assert not page.is_visible("#claimant")  # own damage: nobody claims against the insured
    yesterday = timezone.localdate() - timedelta(days=1)
    page.fill("#id_loss_date", yesterday.isoformat())
    page.fill("#id_description", "All screens show a ransom note; the file server is encrypted.")
    page.fill("#id_estimated_amount", "25000")
    page.check("#id_emergency")
    page.set_input_files("#id_documents", str(evidence))
    shots(page, "03-report-form")
    page.dblclick("#report-submit")  # an impatient double click must still make one claim

    page.wait_for_url(re.compile(r"/portal/claims/\d+/reported/$"))
    claim = Claim.objects.get()
    assert page.locator("#claim-number").inner_text() == claim.number
    assert page.is_visible("text=call our 24/7 hotline now")
    assert page.is_visible("text=+49 800 247 2470")
    assert claim.state == "reported" and claim.emergency
    assert claim.documents.get().original_name == "ransom-note.pdf"
    shots(page, "04-confirmation")

    question = information_request_create(
        claim=claim, question="Please tell us when you last made a full backup.",
        due_date=timezone.localdate() + timedelta(days=7), requested_by=people["adjuster"],
    )
    page.click("text=Go to the claim page")
    page.wait_for_url(re.compile(rf"/portal/claims/{claim.pk}/$"))
    assert page.is_visible("text=Please tell us when you last made a full backup.")
    assert page.is_visible(f"text=We need an answer from you by {question.due_date:%d.%m.%Y}")
    shots(page, "05-claim-with-question")

    form = page.locator(f"#answer-form-{question.pk}")
    form.locator("textarea").fill("Last Sunday night, to an offline disk.")
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=your answer has been sent")
    assert page.is_visible("text=Questions you answered")
    assert page.is_visible("text=Last Sunday night, to an offline disk.")
    question.refresh_from_db()
    assert question.status == InformationRequest.Status.ANSWERED
    assert question.documents.count() == 1
    assert not claim.awaiting_information
    shots(page, "06-claim-answered")

    page.click("main >> text=My claims and policies")
    page.wait_for_url(re.compile(r"/portal/$"))
    assert page.is_visible(f"text={claim.number}")
    assert page.is_visible("text=An adjuster will call you within the hour.")
    shots(page, "07-home-with-claim")
    assert Claim.objects.count() == 1
