"""Money v2 in the services and the admin: the deductible owed by the insured (collected, written
off, reversed), one deductible per loss event, the ransom agreement, authority as data, the
vendor doors (jobs cancelled with the claim, quotes and invoices rejected with a reason)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from claims.exceptions import (
    ClaimValidationError,
    PermissionDeniedError,
    TransitionConflict,
)
from claims.models import Activity, AdjusterProfile
from claims.money.models import AuthorityLevel, LedgerEntry, Payment, RansomAgreement
from claims.money.selectors import insured_share, settlement_preview
from claims.money.services import (
    cost_line_add,
    deductible_owed,
    deductible_receivable_settle,
    interruption_assess,
    payment_execute,
    ransom_agreement_record,
    reversal_record,
    security_proof_decide,
    settlement_approve,
    settlement_propose,
)
from claims.money.services.common import approval_limit
from claims.services import claim_transition
from claims.services.adjusters import adjuster_profile_set
from config.models import AuditEntry
from tests.claims.desk_tabs import claim_page
from tests.factories import (
    SuperuserFactory,
    category,
    claim_in_settlement,
    make_claims_manager,
    report,
    walk,
)

D = Decimal
pytestmark = pytest.mark.django_db


def add(claim, code, amount, by, payee="policyholder", section=None, vendor=None):
    return cost_line_add(claim=claim, category=category(code), amount=D(amount),
                         payee_kind=payee, by=by, section=section, vendor=vendor)


def approve(claim, by, section=None):
    return settlement_approve(settlement=settlement_propose(claim=claim, by=by, section=section),
                              by=by)


def check_ledger() -> str:
    out = StringIO()
    call_command("check_ledger", stdout=out)
    return out.getvalue()


def test_a_vendor_only_claim_leaves_the_deductible_owed_with_an_activity_to_collect_it(
        claim, adjuster):
    add(claim, "forensics", "8000.00", adjuster, payee="vendor", vendor="Forensik AG")

    settlement = approve(claim, adjuster)

    assert settlement.approved_amount == D("7000.00")
    assert [(p.payee_name, p.amount) for p in Payment.objects.all()] == [
        ("Forensik AG", D("8000.00"))]
    assert deductible_owed(claim=claim) == D("1000.00")
    activity = Activity.objects.get(claim=claim, completed_at__isnull=True,
                                    title__startswith="Collect the deductible")
    payment_execute(payment_id=Payment.objects.get().pk)
    assert Activity.objects.filter(pk=activity.pk, completed_at__isnull=True).exists()

    with pytest.raises(ClaimValidationError, match="more than that"):
        deductible_receivable_settle(claim=claim, how="received", amount=D("1500"),
                                     reason="x", by=adjuster)
    deductible_receivable_settle(claim=claim, how="received", amount=D("400"),
                                 reason="First instalment", by=adjuster)
    deductible_receivable_settle(claim=claim, how="written_off", reason="Insolvent",
                                 by=adjuster)

    share = insured_share(claim=claim)
    assert (share.owed, share.received, share.written_off, share.still_owed) == (
        D("1000.00"), D("400.00"), D("600.00"), D("0.00"))
    assert Activity.objects.get(pk=activity.pk).completed_at is not None
    assert AuditEntry.objects.filter(action="money.deductible_written_off",
                                     claim_id=claim.pk).exists()
    assert "deductible owed by insureds 0.00" in check_ledger()


def test_a_later_payment_to_the_insured_takes_what_it_owes_on_the_loss_event(claim, adjuster):
    bi = claim.policy.sections.get(module__code="cyber_bi")
    add(claim, "forensics", "3000.00", adjuster, payee="vendor", vendor="Forensik AG")
    approve(claim, adjuster)
    assert deductible_owed(claim=claim) == D("1000.00")
    add(claim, "interruption_loss", "5000.00", adjuster, section=bi)
    interruption_assess(claim=claim, section=bi, first_8_hours_loss=D("1500"), by=adjuster)
    claim.refresh_from_db()
    assert claim.state == "settled"  # its sections so far are decided; a new one may follow

    settlement = approve(claim, adjuster, section=bi)

    # BI: the larger deductible (1,500) once for the event; 1,000 of it was advanced before.
    assert settlement.deductible_taken == D("500.00")
    insured = Payment.objects.get(settlement=settlement)
    assert insured.amount == D("3500.00")  # 5,000 - 500 deductible - 1,000 owed before
    assert deductible_owed(claim=claim) == D("0.00")
    assert insured_share(claim=claim).deducted == D("1500.00")
    assert check_ledger().startswith("Ledger OK")


def test_a_series_takes_one_deductible_across_its_claims(policy_100k, holder_user, adjuster):
    from claims.services import claim_series_link

    first = claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
    second = claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
    claim_series_link(claims=[first, second], cause="One attack", by=adjuster)
    first.refresh_from_db()
    second.refresh_from_db()
    add(first, "restoration", "600.00", adjuster)
    approve(first, adjuster)  # 600 of the deductible borne, nothing paid
    add(second, "restoration", "2000.00", adjuster)

    assert settlement_preview(claim=second).deductible == D("400.00")


def test_reversing_an_unpaid_vendor_settlement_reverses_what_the_insured_owed(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster, payee="vendor", vendor="Forensik AG")
    settlement = approve(claim, adjuster)
    commitment = LedgerEntry.objects.get(settlement=settlement, kind="commitment")

    reversal_record(entry=commitment, by=adjuster, reason="Invoice withdrawn")

    assert deductible_owed(claim=claim) == D("0.00")
    assert Payment.objects.get().status == "cancelled"
    assert check_ledger().startswith("Ledger OK")


def test_a_ransom_is_approved_only_after_a_recorded_agreement(claim, adjuster):
    add(claim, "ransom", "4000.00", adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    with pytest.raises(TransitionConflict, match="police report"):
        settlement_approve(settlement=settlement, by=adjuster)
    with pytest.raises(ClaimValidationError):
        ransom_agreement_record(claim=claim, agreed_by_name="", agreed_at=timezone.now(),
                                police_report_reference="", by=adjuster)

    ransom_agreement_record(claim=claim, agreed_by_name="Dr. Weber (Head of claims)",
                            agreed_at=timezone.now() - timedelta(hours=1),
                            police_report_reference="LKA-BY 2026/4711", by=adjuster)

    assert settlement_approve(settlement=settlement, by=adjuster).state == "approved"
    assert RansomAgreement.objects.get(claim=claim).recorded_by == adjuster


def test_authority_levels_escalate_to_the_lowest_level_that_may_approve(
        holder, holder_user, adjuster, team_lead):
    from tests.factories import make_policy

    manager = make_claims_manager("manager")
    policy = make_policy(holder=holder, product="cyber", created_by=team_lead,
                         sections={"cyber_own_damage": "500000"})
    claim = claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster)
    add(claim, "restoration", "250000.00", adjuster)

    settlement = approve(claim, adjuster)

    assert settlement.state == "pending_team_lead"
    assert settlement.required_level.name == "Claims manager"
    assert approval_limit(team_lead) == D("100000.00")
    assert approval_limit(manager) == D("1000000.00")
    assert settlement_approve(settlement=settlement, by=manager).state == "approved"


def test_nobody_changes_their_own_limit_or_team(team_lead, adjuster, admin_user):
    with pytest.raises(PermissionDeniedError, match="own"):
        adjuster_profile_set(user=team_lead, team_lead=None, approval_limit=D("5000000"),
                             by=team_lead)
    # A personal limit only lowers the level's: a team lead stays at most at 100,000.
    adjuster_profile_set(user=adjuster, team_lead=team_lead, approval_limit=D("5000000"),
                         by=admin_user)
    assert approval_limit(adjuster) == D("10000.00")


def test_a_team_lead_cannot_raise_their_own_limit_in_the_admin(client, team_lead):
    client.force_login(team_lead)
    profile = AdjusterProfile.objects.get(user=team_lead)
    url = reverse("admin:claims_adjusterprofile_change", args=[profile.pk])
    response = client.post(url, {"team_lead": "", "approval_limit": "5000000.00"})
    assert response.status_code == 403
    level = AuthorityLevel.objects.get(group__name="team_leads")
    response = client.post(reverse("admin:money_authoritylevel_change", args=[level.pk]),
                           {"name": level.name, "group": level.group_id, "rank": level.rank,
                            "approval_limit": "5000000.00"})
    assert response.status_code == 403
    assert AuthorityLevel.objects.get(pk=level.pk).approval_limit == D("100000.00")
    assert approval_limit(team_lead) == D("100000.00")


def test_an_administrator_changes_an_authority_level_with_an_audit_row(client, team_lead):
    AdjusterProfile.objects.filter(user=team_lead).update(approval_limit=None)  # the level's
    admin_user = SuperuserFactory()
    client.force_login(admin_user)
    level = AuthorityLevel.objects.get(group__name="team_leads")
    response = client.post(reverse("admin:money_authoritylevel_change", args=[level.pk]),
                           {"name": level.name, "group": level.group_id, "rank": level.rank,
                            "approval_limit": "150000.00"})
    assert response.status_code == 302
    assert approval_limit(team_lead) == D("150000.00")
    assert AuditEntry.objects.filter(action="money.authority_level_changed").exists()


def test_the_admin_records_the_first_8_hours_a_ransom_agreement_and_a_received_deductible(
        client, claim, adjuster):
    bi = claim.policy.sections.get(module__code="cyber_bi")
    client.force_login(adjuster)
    response = client.post(reverse("admin:money_interruption_assess", args=[claim.pk]),
                           {"section": bi.pk, "first_8_hours_loss": "3200.00", "reason": "x"})
    assert response.status_code == 302
    response = client.post(reverse("admin:money_ransom_agreement", args=[claim.pk]), {
        "agreed_by_name": "Dr. Weber", "agreed_at": "2026-01-05 10:00",
        "police_report_reference": "LKA 1", "note": ""})
    assert response.status_code == 302, response.content
    assert RansomAgreement.objects.filter(claim=claim).exists()
    add(claim, "forensics", "3000.00", adjuster, payee="vendor", vendor="Forensik AG")
    approve(claim, adjuster)
    page = claim_page(client, reverse("admin:claims_claim_change", args=[claim.pk]))
    assert "still owed 1,000.00" in page
    response = client.post(reverse("admin:money_deductible_settle", args=[claim.pk]),
                           {"how": "received", "amount": "", "reason": "Transfer"})
    assert response.status_code == 302
    assert deductible_owed(claim=claim) == D("0.00")


def test_withdrawing_or_denying_a_claim_cancels_its_open_vendor_jobs(
        policy_100k, holder_user, adjuster, mailoutbox, django_capture_on_commit_callbacks):
    from tests.factories import make_job, make_org

    org = make_org("Forensik AG", "forensics")
    claim = walk(report(policy_100k, holder_user), adjuster, "start_liability_check")
    job = make_job(claim, org, state="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=claim, transition="withdraw", by=holder_user,
                         reason="Found the backup")
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert "withdrawn" in job.cancel_reason
    assert any("job cancelled" in mail.subject for mail in mailoutbox)

    other = walk(report(policy_100k, holder_user), adjuster, "start_liability_check")
    open_job = make_job(other, org, state="requested")
    claim_transition(claim=other, transition="deny", by=adjuster, reason="Excluded",
                     payload={"denial_reason": "not_covered"})
    open_job.refresh_from_db()
    assert open_job.state == "cancelled"


def test_an_invoice_is_rejected_with_a_reason_and_above_the_tolerance_needs_one(
        policy_100k, holder_user, adjuster):
    from claims.vendors import services as vendors
    from tests.factories import make_job, make_org

    org = make_org("Forensik AG", "forensics")
    claim = walk(report(policy_100k, holder_user), adjuster, "start_liability_check")
    job = make_job(claim, org, state="invoiced", invoice_amount=D("9999999.00"))
    with pytest.raises(ClaimValidationError):
        vendors.vendor_job_reject_invoice(job=job, reason=" ", by=adjuster)
    with pytest.raises(ClaimValidationError, match="above the tolerance"):
        vendors.vendor_job_accept_invoice(job=job, by=adjuster)

    job = vendors.vendor_job_reject_invoice(job=job, reason="Far above the estimate",
                                            by=adjuster)

    assert job.state == "completed"  # the vendor may send a corrected invoice
    assert job.rejection_reason == "Far above the estimate"
    quoted = make_job(claim, org, state="quoted")
    quoted = vendors.vendor_job_reject_quote(job=quoted, reason="Too expensive", by=adjuster)
    assert quoted.state == "accepted"


def test_a_sold_policy_stores_its_premium_per_insurance_year(holder, team_lead, client):
    from tests.factories import make_policy

    policy = make_policy(holder=holder, product="cyber", created_by=team_lead, term_years=3,
                         it_security_discount=True, sections={"cyber_own_damage": "100000"})
    rows = list(policy.premiums.values_list("year", "premium", "it_security_discount"))
    # revenue band of the factory's policyholder decides the base; discount in years 1 and 2
    assert [row[0] for row in rows] == [1, 2, 3]
    assert [row[2] for row in rows] == [True, True, False]
    assert rows[0][1] < rows[2][1]
    assert all(row[1] >= D("145.80") for row in rows)
    client.force_login(team_lead)
    body = client.get(f"/api/policies/{policy.pk}/").json()
    assert [row["premium"] for row in body["premiums"]] == [f"{row[1]:.2f}" for row in rows]
    page = client.get(reverse("admin:policies_policy_change", args=[policy.pk])).content.decode()
    assert "premium per insurance year" in page.lower()


def test_the_security_proof_is_asked_only_for_security_relevant_losses_and_a_missing_one_costs_the_discount(  # noqa: E501
        holder, holder_user, team_lead, adjuster):
    from tests.factories import make_policy

    policy = make_policy(holder=holder, product="cyber", created_by=team_lead, term_years=3,
                         it_security_discount=True, sections={"cyber_own_damage": "100000"})
    laptop = walk(report(policy, holder_user, code="data_carrier_theft"), adjuster,
                  "start_liability_check")
    assert not laptop.information_requests.exists()
    with pytest.raises(TransitionConflict, match="not asked"):
        security_proof_decide(claim=laptop, outcome="missing", reason="x", by=adjuster)
    hacked = walk(report(policy, holder_user, code="hacking"), adjuster, "start_liability_check")
    assert hacked.information_requests.get().kind == "it_security_proof"
    before = {row.year: row.premium for row in policy.premiums.all()}

    decision = security_proof_decide(claim=hacked, outcome="missing",
                                     reason="No certificate sent in 14 days", by=adjuster)

    after = {row.year: row for row in policy.premiums.all()}
    assert decision.discount_lost_from_year == 2
    assert after[1].premium == before[1] and after[1].it_security_discount
    assert not after[2].it_security_discount and after[2].premium > before[2]
    assert decision.premium_difference == after[2].premium - before[2]
    assert AuditEntry.objects.filter(action="money.security_proof_decided").exists()


def test_the_portal_report_asks_for_the_first_8_hours_and_the_statement_shows_what_is_owed(
        client, claim, holder_user, adjuster, policy_100k):
    from claims.money.models import InterruptionAssessment

    client.force_login(holder_user)
    page = client.get(reverse("portal:report")).content.decode()
    assert "first 8 hours" in page
    from claims.portal.services import portal_claim_report
    from tests.factories import loss_type

    reported, _ = portal_claim_report(
        holder=policy_100k.policyholder, user=holder_user,
        submission_token=__import__("uuid").uuid4(), policy=policy_100k,
        loss_type=loss_type("ddos"), loss_date=timezone.localdate(),
        description="Shop down since 9:00", emergency=True, first_8_hours_loss=D("1800.00"))
    stated = InterruptionAssessment.objects.get(claim=reported)
    assert stated.first_8_hours_loss == D("1800.00")
    assert stated.section.module.code == "cyber_bi"

    add(claim, "forensics", "3000.00", adjuster, payee="vendor", vendor="Forensik AG")
    approve(claim, adjuster)
    page = client.get(reverse("portal:claim", args=[claim.pk])).content.decode()
    assert "Your deductible to pay" in page
    assert "1,000.00" in page


def test_defence_costs_outside_the_sum_insured_are_paid_without_using_the_aggregate(
        holder, holder_user, team_lead, adjuster):
    from coverage.models import CostCategory
    from tests.factories import make_policy

    CostCategory.objects.filter(code="defence_costs").update(erodes_sum_insured=False)
    policy = make_policy(holder=holder, product="it_liability", created_by=team_lead,
                         sections={"itl_base": "250000"})
    claim = walk(report(policy, holder_user, code="pure_financial_loss"), adjuster,
                 "start_liability_check")
    claim_transition(claim=claim, transition="defend", by=adjuster, reason="Unjustified")
    add(claim, "defence_costs", "4300.00", adjuster)

    settlement = approve(claim, adjuster)

    assert settlement.approved_amount == D("4300.00")
    assert settlement.account.__class__.objects.get(pk=settlement.account_id).committed == D("0")
    assert LedgerEntry.objects.get(settlement=settlement).kind == "outside_limits"
    payment_execute(payment_id=Payment.objects.get(settlement=settlement).pk)
    assert check_ledger().startswith("Ledger OK")


def test_an_invoice_above_the_tolerance_is_accepted_with_a_reason_through_the_api(
        policy_100k, holder_user, adjuster, client):
    from tests.factories import make_job, make_org

    org = make_org("Forensik AG", "forensics")
    claim = walk(report(policy_100k, holder_user), adjuster, "start_liability_check")
    job = make_job(claim, org, state="invoiced", invoice_amount=D("9000.00"))
    client.force_login(adjuster)
    url = f"/api/vendor-jobs/{job.pk}/accept-invoice/"
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 400
    assert "tolerance" in refused.json()["error"]["message"]

    accepted = client.post(url, {"reason": "Two extra disks, agreed by phone"},
                           content_type="application/json")

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted_for_payment"
    assert accepted.json()["overrun_reason"] == "Two extra disks, agreed by phone"
    assert claim.cost_lines.get().amount == D("9000.00")


def test_an_administrator_cannot_change_their_own_groups(client, team_lead):
    from django.contrib.auth.models import Group

    admin_user = SuperuserFactory()
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="groups"' not in page.content.decode()  # read-only on one's own page
    other = client.get(reverse("admin:auth_user_change", args=[team_lead.pk]))
    assert 'name="groups"' in other.content.decode()
    assert not admin_user.groups.filter(pk__in=Group.objects.all()).exists()
