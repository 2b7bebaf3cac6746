"""The coverage check on entry to the liability check, for each product and module, and the
IT-security proof it asks for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.exceptions import PermissionDeniedError
from claims.models import Claim, InformationRequest
from claims.services import claim_coverage_check, claim_transition
from config.models import AuditEntry
from policies.models import InsuranceYearAccount, Policy
from tests.factories import make_policy, report

pytestmark = pytest.mark.django_db


def _checked(policy, reporter, adjuster, code, **extra):
    claim = report(policy, reporter, code=code, **extra)
    claim_transition(claim=claim, transition="start_liability_check", by=adjuster)
    return Claim.objects.get(pk=claim.pk)


def _section_codes(claim):
    return set(claim.sections.values_list("module__code", flat=True))


@pytest.mark.parametrize(("product", "loss_type", "module"), [
    ("cyber", "data_carrier_theft", "cyber_own_damage"),
    ("cyber", "data_breach_liability", "cyber_liability"),
    ("it_liability", "pure_financial_loss", "itl_base"),
    ("it_liability", "insider_breach", "itl_dcd"),
    ("it_liability", "contract_withdrawal", "itl_rpc"),
])
def test_a_loss_covered_by_exactly_one_module_is_covered_under_it(
    holder, holder_user, adjuster, team_lead, product, loss_type, module
):
    policy = make_policy(holder=holder, product=product, created_by=team_lead)

    claim = _checked(policy, holder_user, adjuster, loss_type)

    assert claim.coverage_covered is True
    assert claim.coverage_code == "covered"
    assert claim.coverage_section.module.code == module
    assert claim.coverage_insurance_year == 1
    assert claim.coverage_account.section == claim.coverage_section
    assert claim.coverage_account.starts_on <= claim.loss_date < claim.coverage_account.ends_on
    assert claim.coverage_checked_at is not None
    assert "Covered under" in claim.coverage_message
    assert _section_codes(claim) == {module}
    assert claim.claim_sections.get().is_primary


@pytest.mark.parametrize("loss_type", ["ransomware", "hacking", "ddos"])
def test_a_cyber_attack_is_handled_under_own_damage_and_business_interruption(
    cyber_policy, holder_user, adjuster, loss_type
):
    claim = _checked(cyber_policy, holder_user, adjuster, loss_type)

    assert claim.coverage_covered is True
    assert _section_codes(claim) == {"cyber_own_damage", "cyber_bi"}
    primary = claim.claim_sections.get(is_primary=True)
    assert primary.section == claim.coverage_section
    assert all(link.account is not None for link in claim.claim_sections.all())


def test_a_ransomware_loss_on_it_liability_is_covered_by_the_dcd_add_on(
    itl_policy, holder_user, adjuster
):
    claim = _checked(itl_policy, holder_user, adjuster, "ransomware")
    assert claim.coverage_section.module.code == "itl_dcd"


@pytest.mark.parametrize(("product", "sections", "loss_type"), [
    ("it_liability", {"itl_base": "500000"}, "ransomware"),
    ("it_liability", {"itl_base": "500000", "itl_dcd": "250000"}, "contract_withdrawal"),
    ("cyber", {"cyber_own_damage": "100000"}, "data_breach_liability"),
    ("cyber", {"cyber_own_damage": "100000"}, "missed_deadline"),
])
def test_no_section_for_the_loss_type_is_not_covered(
    holder, holder_user, adjuster, team_lead, product, sections, loss_type
):
    policy = make_policy(holder=holder, product=product, sections=sections,
                         created_by=team_lead)

    claim = _checked(policy, holder_user, adjuster, loss_type)

    assert claim.coverage_covered is False
    assert claim.coverage_code == "no_section_for_loss_type"
    assert claim.coverage_message
    assert claim.coverage_section is None and claim.coverage_account is None
    assert not claim.sections.exists()


def test_a_loss_before_the_policy_started_is_not_covered(holder, holder_user, adjuster,
                                                        team_lead):
    policy = make_policy(holder=holder, created_by=team_lead,
                         start_date=timezone.localdate() - timedelta(days=1))
    claim = _checked(policy, holder_user, adjuster, "ransomware", days_ago=5)
    assert (claim.coverage_covered, claim.coverage_code) == (False, "before_start")


def test_a_loss_after_the_expiry_is_not_covered(holder, holder_user, adjuster, team_lead):
    policy = make_policy(holder=holder, created_by=team_lead,
                         start_date=timezone.localdate() - timedelta(days=500))
    claim = _checked(policy, holder_user, adjuster, "ransomware", days_ago=2)
    assert (claim.coverage_covered, claim.coverage_code) == (False, "after_expiry")


def test_a_loss_on_a_cancelled_policy_is_not_covered(cyber_policy, holder_user, adjuster):
    Policy.objects.filter(pk=cyber_policy.pk).update(
        status=Policy.Status.CANCELLED,
        cancelled_from=timezone.localdate() - timedelta(days=10),
    )
    cyber_policy.refresh_from_db()
    claim = _checked(cyber_policy, holder_user, adjuster, "ransomware", days_ago=2)
    assert (claim.coverage_covered, claim.coverage_code) == (False, "policy_cancelled")


def test_a_loss_before_the_cancellation_date_is_still_covered(cyber_policy, holder_user,
                                                              adjuster):
    Policy.objects.filter(pk=cyber_policy.pk).update(
        status=Policy.Status.CANCELLED, cancelled_from=timezone.localdate())
    cyber_policy.refresh_from_db()
    claim = _checked(cyber_policy, holder_user, adjuster, "ransomware", days_ago=2)
    assert claim.coverage_covered is True


def test_a_missing_insurance_year_is_not_covered(cyber_policy, holder_user, adjuster):
    InsuranceYearAccount.objects.filter(section__policy=cyber_policy).delete()
    claim = _checked(cyber_policy, holder_user, adjuster, "data_carrier_theft")
    assert (claim.coverage_covered, claim.coverage_code) == (False, "no_insurance_year")


def test_the_check_is_audited_with_its_result(claim_in_liability_check, adjuster):
    entry = AuditEntry.objects.get(claim_id=claim_in_liability_check.pk,
                                   action="claim.coverage_checked")
    assert entry.actor == adjuster
    assert entry.to_value == "covered"
    assert entry.payload["insurance_year"] == 1


def test_a_reopened_claim_is_checked_again(claim_reopened, adjuster):
    claim_transition(claim=claim_reopened, transition="start_liability_check", by=adjuster)
    assert AuditEntry.objects.filter(claim_id=claim_reopened.pk,
                                     action="claim.coverage_checked").count() == 2


def test_an_adjuster_can_run_the_check_again_after_a_correction(
    claim_in_liability_check, adjuster, holder_user
):
    claim = claim_in_liability_check
    Policy.objects.filter(pk=claim.policy_id).update(
        status=Policy.Status.CANCELLED, cancelled_from=claim.loss_date)
    claim.policy.refresh_from_db()

    claim_coverage_check(claim=claim, by=adjuster)

    claim.refresh_from_db()
    assert (claim.coverage_covered, claim.coverage_code) == (False, "policy_cancelled")
    with pytest.raises(PermissionDeniedError):
        claim_coverage_check(claim=claim, by=holder_user)


# --- the IT-security discount: proof only in a claim ------------------------------------------

def test_the_it_security_discount_makes_the_check_ask_for_the_proof(
    holder, holder_user, adjuster, team_lead
):
    policy = make_policy(holder=holder, created_by=team_lead, it_security_discount=True)

    claim = _checked(policy, holder_user, adjuster, "ransomware")

    request = claim.information_requests.get()
    assert request.kind == InformationRequest.Kind.IT_SECURITY_PROOF
    assert request.status == InformationRequest.Status.OPEN
    assert request.due_date == timezone.localdate() + timedelta(days=14)
    assert "ISO 27001" in request.question and "pentest" in request.question
    assert claim.awaiting_information
    assert claim.information_due_date == request.due_date
    follow_up = request.activities.get()
    assert timezone.localtime(follow_up.due_at).date() == request.due_date
    assert AuditEntry.objects.filter(claim_id=claim.pk,
                                     action="information_request.opened").exists()


def test_the_proof_is_asked_for_once_even_when_the_check_runs_again(
    holder, holder_user, adjuster, team_lead
):
    policy = make_policy(holder=holder, created_by=team_lead, it_security_discount=True)
    claim = _checked(policy, holder_user, adjuster, "ransomware")

    claim_coverage_check(claim=claim, by=adjuster)

    assert claim.information_requests.count() == 1


def test_no_proof_is_asked_for_without_the_discount(claim_in_liability_check):
    assert not claim_in_liability_check.information_requests.exists()
    assert not claim_in_liability_check.awaiting_information


def test_no_proof_is_asked_for_when_the_loss_is_not_covered(holder, holder_user, adjuster,
                                                           team_lead):
    policy = make_policy(holder=holder, created_by=team_lead, it_security_discount=True,
                         sections={"cyber_own_damage": "100000"})
    claim = _checked(policy, holder_user, adjuster, "data_breach_liability")
    assert claim.coverage_covered is False
    assert not claim.information_requests.exists()


def test_no_proof_is_asked_for_after_the_discount_years(holder, holder_user, adjuster,
                                                        team_lead):
    policy = make_policy(holder=holder, created_by=team_lead, it_security_discount=True,
                         term_years=3,
                         start_date=timezone.localdate() - timedelta(days=365 * 2 + 60))
    claim = _checked(policy, holder_user, adjuster, "ransomware")
    assert claim.coverage_insurance_year == 3
    assert not claim.information_requests.exists()
