"""Invoices: within the tolerance they go straight to payment; above it the adjuster approves
with a reason; accepted, the invoice becomes a cost line and the settlement preview changes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.vendors import services
from tests.factories import make_document, make_job, pdf


@pytest.fixture
def completed_job(claim, org_a, vendor_a):
    return make_job(claim, org_a, state="completed", estimate=Decimal("5000.00"),
                    approved_estimate=Decimal("5000.00"),
                    report_document=make_document(claim, vendor_a))


def _invoice(job, vendor, amount):
    return services.vendor_job_invoice(job=job, amount=Decimal(amount), upload=pdf("inv.pdf"),
                                       by=vendor)


def test_an_invoice_within_the_tolerance_needs_no_extra_approval(completed_job, vendor_a):
    _invoice(completed_job, vendor_a, "5500.00")  # exactly +10 %
    assert completed_job.invoice_limit == Decimal("5500.00")
    assert not completed_job.invoice_over_tolerance


def test_an_invoice_over_the_estimate_needs_the_adjusters_approval_with_a_reason(
        completed_job, vendor_a, adjuster):
    _invoice(completed_job, vendor_a, "5500.01")
    assert completed_job.invoice_over_tolerance
    with pytest.raises(TransitionConflict, match="tolerance"):
        services.vendor_job_accept_for_payment(job=completed_job, by=adjuster)
    with pytest.raises(ClaimValidationError):
        services.vendor_job_approve_overrun(job=completed_job, reason=" ", by=adjuster)
    services.vendor_job_approve_overrun(job=completed_job, reason="Two more disks than quoted.",
                                        by=adjuster)
    assert completed_job.overrun_reason == "Two more disks than quoted."
    assert completed_job.overrun_approved_by == adjuster
    with pytest.raises(TransitionConflict):  # approved once: nothing more to approve
        services.vendor_job_approve_overrun(job=completed_job, reason="again", by=adjuster)
    services.vendor_job_accept_for_payment(job=completed_job, by=adjuster)
    assert completed_job.state == "accepted_for_payment"


def test_the_tolerance_is_a_setting(completed_job, vendor_a, settings):
    settings.VENDOR_INVOICE_TOLERANCE = "0.25"
    _invoice(completed_job, vendor_a, "6000.00")
    assert completed_job.invoice_limit == Decimal("6250.00")
    assert not completed_job.invoice_over_tolerance


def test_an_accepted_invoice_becomes_a_cost_line_and_changes_the_settlement_preview(
        completed_job, vendor_a, adjuster):
    from claims.money.models import CostLine
    from claims.money.selectors import settlement_preview

    claim = completed_job.claim
    before = settlement_preview(claim=claim)
    _invoice(completed_job, vendor_a, "5000.00")
    services.vendor_job_accept_for_payment(job=completed_job, by=adjuster)
    line = CostLine.objects.get(pk=completed_job.cost_line_ref)
    assert line.claim_id == claim.pk
    assert line.amount == Decimal("5000.00")
    assert line.category.code == "forensics"
    assert line.payee_kind == "vendor"
    assert line.source == "vendor_invoice"
    assert line.source_job_id == completed_job.pk
    after = settlement_preview(claim=claim)
    assert after.claimed == before.claimed + Decimal("5000.00")
    assert after.payable > before.payable


@pytest.mark.parametrize(("language", "invoiced", "limit"), [
    ("de", "6.000,00\u00a0€", "5.500,00\u00a0€"),
    ("en", "€6,000.00", "€5,500.00"),
])
def test_the_invoice_email_shows_amounts_in_the_recipients_format(
        completed_job, vendor_a, adjuster, django_capture_on_commit_callbacks, language, invoiced,
        limit):
    from django.core import mail

    from language.services import language_set

    completed_job.claim.assigned_adjuster = adjuster
    completed_job.claim.save(update_fields=["assigned_adjuster"])
    language_set(user=adjuster, language=language)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _invoice(completed_job, vendor_a, "6000.00")

    [email] = [m for m in mail.outbox if adjuster.email in m.to]
    assert invoiced in email.body and limit in email.body
    assert "EUR" not in email.body and "6,000.00 EUR" not in email.body


def test_the_quote_email_shows_the_amount_in_the_recipients_format(
        claim, org_a, adjuster, vendor_a, django_capture_on_commit_callbacks):
    from django.core import mail

    from language.services import language_set

    claim.assigned_adjuster = adjuster
    claim.save(update_fields=["assigned_adjuster"])
    language_set(user=adjuster, language="de")
    job = make_job(claim, org_a, state="accepted")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_job_quote(job=job, estimate=Decimal("1500"), scope="Forensik", by=vendor_a)

    [email] = [m for m in mail.outbox if adjuster.email in m.to]
    assert "veranschlagt 1.500,00\u00a0€ für Auftrag" in email.body
