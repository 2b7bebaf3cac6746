"""Privacy fixtures: a policyholder with a closed, paid claim (money, notes, documents, a vendor
job), a third party's claim naming a claimant, and a vendor organisation with a login. Every
claim is reached through the services, so its history and ledger are real. The team lead (a
higher approval limit), the policyholder and their login (full name and address) override the
root's on purpose."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from claims.models import ClaimDocument, ClaimNote
from claims.money.models import Payment
from claims.money.services import (
    cost_line_add,
    payment_execute,
    settlement_approve,
    settlement_propose,
)
from claims.services import document_add, note_add
from policies.models import add_years
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    category,
    claim_in_settlement,
    make_document,
    make_job,
    make_org,
    make_policy,
    make_team_lead,
    make_vendor_user,
    pdf,
    report,
    set_limit,
    walk,
)

D = Decimal


def years_later(years: int, days: int = 0):
    """A day ``years`` calendar years (plus ``days``) after today."""
    return add_years(timezone.localdate(), years) + timedelta(days=days)


@pytest.fixture
def team_lead(db):
    lead = make_team_lead("lead")
    set_limit(lead, "5000000.00")
    return lead


@pytest.fixture
def privacy_admin(db):
    return UserFactory(username="dpo", is_staff=True, is_superuser=True)


@pytest.fixture
def holder_user(db):
    return UserFactory(username="holder", first_name="Anna", last_name="Schmidt")


@pytest.fixture
def holder(holder_user):
    return PolicyholderFactory(user=holder_user, company_name="Schmidt IT-Beratung",
                               contact_name="Anna Schmidt", email="anna@schmidt.example",
                               phone="+49 821 123456", street="Lechstr. 5", postcode="86150")


@pytest.fixture
def policy(holder, team_lead):
    return make_policy(holder=holder, product="cyber", created_by=team_lead,
                       sections={"cyber_own_damage": "100000", "cyber_bi": "100000"})


@pytest.fixture
def organisation(db):
    return make_org("Forensik Nord GmbH", "forensics")


@pytest.fixture
def vendor_user(organisation):
    return make_vendor_user("vendor.nord", organisation)


@pytest.fixture
def closed_claim(policy, holder_user, adjuster, team_lead, organisation, vendor_user):
    """A ransomware claim: a note to the policyholder and an internal one, an evidence PDF, a
    finished vendor job with its report, 5,000.00 paid to the policyholder, closed."""
    claim = claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster,
                                description="Ransomware on Anna Schmidt's laptop, phone "
                                            "+49 821 123456")
    note_add(claim=claim, text="We have your evidence, Ms Schmidt.", author=adjuster,
             visibility=ClaimNote.Visibility.POLICYHOLDER)
    note_add(claim=claim, text="Internal: check the backup story.", author=adjuster)
    document_add(claim=claim, upload=pdf("ransom-note.pdf"),
                 doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=holder_user)
    report_doc = make_document(claim, vendor_user)
    make_job(claim, organisation, state="completed", completed_at=timezone.now(),
             report_document=report_doc)
    cost_line_add(claim=claim, category=category("forensics"), amount=D("5000.00"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=team_lead)
    for payment in Payment.objects.filter(settlement=settlement):
        payment_execute(payment_id=payment.pk)
    claim.refresh_from_db()
    return walk(claim, adjuster, "close")


@pytest.fixture
def claimant_claim(itl_policy, holder_user, adjuster):
    """A third party's claim against the insured, naming the claimant, with a letter to them."""
    claim = report(itl_policy, holder_user, code="pure_financial_loss",
                   description="Our update stopped the client's staff for a day",
                   claimant_name="Client AG", claimant_email="legal@client.example",
                   claimant_address="Hauptstr. 1, 86150 Augsburg")
    document_add(claim=claim, upload=pdf("letter-to-client.pdf"),
                 doc_type=ClaimDocument.Type.CORRESPONDENCE, uploaded_by=adjuster)
    return claim
