"""Every portal page renders for its owner, with what the policyholder needs to see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import ClaimDocument
from claims.services import document_add
from tests.factories import walk
from tests.portal.conftest import upload

pytestmark = pytest.mark.django_db


def test_home_shows_policies_modules_sums_deductible_and_aggregates(portal, cyber_policy,
                                                                    itl_policy):
    page = portal.get(reverse("portal:home")).content.decode()
    for policy in (cyber_policy, itl_policy):
        assert policy.number in page
    assert "Cyber and data own damage" in page
    assert "Cyber business interruption" in page
    assert "€250,000.00" in page  # the cyber own-damage sum insured
    assert "€1,000.00 per loss event" in page  # the deductible
    assert "500,000.00" in page  # the annual maximum: 2 x 250,000
    assert "Remaining" in page
    assert "+49 800 247 2470" in page  # the cyber product's hotline


def test_home_lists_open_claims_with_state_and_what_happens_next(portal, my_claim, adjuster,
                                                                 question):
    page = portal.get(reverse("portal:home")).content.decode()
    assert my_claim.number in page
    assert "Reported" in page
    assert f"We need an answer from you by {question.due_date:%d.%m.%Y}" in page


def test_home_says_what_happens_next_per_state(portal, my_claim, adjuster):
    walk(my_claim, adjuster, "start_liability_check")
    page = portal.get(reverse("portal:home")).content.decode()
    assert "We are checking cover and liability" in page


def test_a_paid_claim_is_not_open_and_asks_for_no_answer(portal, my_claim, adjuster, question):
    walk(my_claim, adjuster, "start_liability_check", "start_mitigation", "start_settlement",
         "approve_settlement", "mark_paid")

    page = portal.get(reverse("portal:home")).content.decode()

    assert "You have no open claims" in page
    assert "Earlier claims" in page and my_claim.number in page
    assert "We need an answer from you" not in page
    detail = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert "We need an answer from you" not in detail


def test_closed_and_withdrawn_claims_are_listed_as_earlier_claims(portal, my_claim, holder_user):
    walk(my_claim, holder_user, "withdraw")
    page = portal.get(reverse("portal:home")).content.decode()
    assert "You have no open claims" in page
    assert "Earlier claims" in page and my_claim.number in page


def test_policy_page_shows_sections_aggregates_and_its_claims(portal, cyber_policy, my_claim):
    page = portal.get(reverse("portal:policy", args=[cyber_policy.pk])).content.decode()
    assert cyber_policy.number in page
    assert "Annual maximum" in page
    assert my_claim.number in page


def test_report_page_offers_loss_types_in_plain_words_and_a_one_time_token(portal):
    response = portal.get(reverse("portal:report"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "My systems were encrypted by ransomware" in page
    assert "A client claims damages for a missed deadline" in page
    assert "I damaged or lost a client&#x27;s property (e.g. I lost a client&#x27;s key)" in page
    assert 'name="submission_token"' in page
    assert "csrfmiddlewaretoken" in page
    assert "+49 800 247 2470" in page
    assert len(portal.session["portal_report_tokens"]) == 1


def test_claim_page_shows_timeline_visible_notes_questions_and_documents(
        portal, my_claim, question, visible_note, internal_note, adjuster):
    walk(my_claim, adjuster, "start_liability_check")
    page = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert my_claim.number in page
    assert "Incident reported" in page
    assert "Status: Liability and coverage check" in page
    assert "We have called your IT partner." in page
    assert "Internal: check the backup story." not in page
    assert "Please send the ransom note as a photo." in page
    assert f'action="{reverse("portal:answer", args=[my_claim.pk, question.pk])}"' in page
    assert "evidence.pdf" in page
    assert "Withdraw this claim" in page
    assert page.count("csrfmiddlewaretoken") >= 4  # answer, documents, message, withdraw


def test_claim_page_hides_documents_of_adjusters_and_vendors(portal, my_claim, adjuster):
    hidden = document_add(claim=my_claim, upload=upload("vendor-report.pdf"),
                          doc_type=ClaimDocument.Type.VENDOR_REPORT, uploaded_by=adjuster)
    page = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert "vendor-report.pdf" not in page
    url = reverse("portal:document", args=[my_claim.pk, hidden.pk])
    assert portal.get(url).status_code == 404


def test_emergency_claim_page_shows_the_hotline(portal, cyber_policy, holder_user):
    from tests.factories import report

    claim = report(cyber_policy, holder_user, emergency=True)
    page = portal.get(reverse("portal:claim", args=[claim.pk])).content.decode()
    assert "call our 24/7 hotline now" in page
    assert "+49 800 247 2470" in page
    assert "An adjuster will call you within the hour." in page


def test_no_withdraw_form_once_the_claim_is_past_mitigation(portal, my_claim, adjuster):
    walk(my_claim, adjuster, "start_liability_check", "start_settlement")
    page = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert "Withdraw this claim" not in page


def test_the_document_downloads_through_the_portal_as_an_attachment(portal, my_claim):
    document = my_claim.documents.get(original_name="evidence.pdf")
    response = portal.get(reverse("portal:document", args=[my_claim.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert 'attachment; filename="evidence.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_claim_page_never_links_media_urls(portal, my_claim, settings):
    page = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert f"/{settings.MEDIA_URL}" not in page


def test_home_lists_reports_sent_through_the_interface_until_they_are_claims(
    portal, holder_user, cyber_policy, itl_policy, other_holder, other_user, other_policy
):
    """A report sent with ``Prefer: respond-async`` is on the home page while it is being
    registered, and with the reason if it could not be; once registered it is listed as its
    claim. Another policyholder's reports are not shown."""
    from datetime import timedelta

    from django.utils import timezone

    from claims.models import ReportReceipt
    from claims.services import report_receipt_register, report_receive
    from tests.factories import loss_type

    def sent(policy, description, by=holder_user):
        return report_receive(policy=policy, loss_type=loss_type("ransomware"),
                              loss_date=timezone.localdate() - timedelta(days=1),
                              description=description, reported_by=by)

    sent(other_policy, "Someone else's report.", by=other_user)

    waiting = sent(cyber_policy, "Waiting to be registered.")
    registered = sent(cyber_policy, "Registered at once.")
    claim = report_receipt_register(receipt_id=registered.pk)
    refused = sent(itl_policy, "Refused at registration.")
    itl_policy.policyholder = other_holder  # the policy passed on meanwhile: the rules refuse it
    itl_policy.save(update_fields=["policyholder"])
    assert report_receipt_register(receipt_id=refused.pk) is None

    page = portal.get(reverse("portal:home")).content.decode()

    assert "Reports sent through our interface" in page
    assert "Being registered: the claim number follows in a moment" in page
    assert page.count("Being registered") == 1  # the waiting one only
    assert "Could not be registered" in page
    assert ReportReceipt.objects.get(pk=refused.pk).error in page
    assert claim.number in page  # the registered one, as its claim
    assert waiting.policy.number in page
    assert other_policy.number not in page
