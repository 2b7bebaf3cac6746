"""Bulk handling of an event's claims (with audit rows), vendor capacity and the dashboard's
figures (exposure = the sum of the accounts' remaining cover) in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from claims.events.selectors import event_dashboard
from claims.events.services import (
    event_bulk_assign,
    event_bulk_commission,
    event_bulk_information_request,
    event_bulk_note,
    event_claim_link,
    event_claim_unlink,
    event_claims_link,
    vendor_capacity_set,
)
from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.vendors.models import VendorJob
from config.models import AuditEntry
from policies.dependencies import policy_dependencies_set
from policies.models import InsuranceYearAccount
from tests.events.conftest import other_holder_policy
from tests.factories import make_adjuster, make_org, report, service

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(event, adjuster, cyber_policy, holder_user, team_lead):
    claims = [report(cyber_policy, holder_user, code="hacking", days_ago=1,
                     description=f"Incident {n} at site {n * 13}") for n in range(3)]
    policy, user = other_holder_policy("Bakery Nord", team_lead)
    claims.append(report(policy, user, code="hacking", days_ago=1,
                         description="Our shop PCs were encrypted."))
    event_claims_link(event=event, claims=claims, by=adjuster)
    return claims


def test_linking_by_hand_and_in_bulk_is_audited_and_unlinking_needs_a_reason(
        event, adjuster, linked):
    with pytest.raises(TransitionConflict):
        event_claim_link(event=event, claim=linked[0], by=adjuster)
    _done, skipped = event_claims_link(event=event, claims=linked[:2], by=adjuster)
    assert skipped == linked[:2]
    with pytest.raises(ClaimValidationError):
        event_claim_unlink(event=event, claim=linked[0], by=adjuster, reason=" ")
    event_claim_unlink(event=event, claim=linked[0], by=adjuster, reason="Another cause.")
    assert AuditEntry.objects.filter(action="event.claim_linked").count() == 4
    assert AuditEntry.objects.get(action="event.claim_unlinked").reason == "Another cause."


def test_bulk_assign_round_robin_and_by_load(event, adjuster, other_adjuster, linked,
                                             team_lead):
    result = event_bulk_assign(event=event, by=adjuster, mode="round_robin",
                               adjusters=[adjuster, other_adjuster])
    assert list(result.done.values()) == ["adj", "adj2", "adj", "adj2"]
    assert AuditEntry.objects.filter(action="claim.assigned").count() == 4
    summary = AuditEntry.objects.get(action="event.bulk_assign")
    assert summary.payload["mode"] == "round_robin" and summary.actor == adjuster

    third = make_adjuster("adj3", team_lead=team_lead)
    result = event_bulk_assign(event=event, by=adjuster, mode="by_load",
                               adjusters=[adjuster, other_adjuster, third])
    loads = sorted(list(result.done.values()).count(name) for name in ("adj", "adj2", "adj3"))
    assert loads == [1, 1, 2]


def test_bulk_information_request_and_note_reach_every_open_claim(event, adjuster, linked):
    due = timezone.localdate() + timedelta(days=7)
    result = event_bulk_information_request(
        event=event, by=adjuster, question="Which FileBridge version did you run?", due_date=due)
    assert len(result.done) == 4 and not result.failed
    for claim in linked:
        assert claim.information_requests.get().question.startswith("Which FileBridge")
    event_bulk_note(event=event, by=adjuster, text="Part of the FileBridge campaign.")
    assert AuditEntry.objects.filter(action="information_request.opened").count() == 4
    assert AuditEntry.objects.filter(action="claim.note_added").count() == 4
    assert AuditEntry.objects.filter(action__startswith="event.bulk_").count() == 2


def test_a_bulk_action_on_a_claim_that_is_not_linked_is_refused(event, adjuster, linked,
                                                                cyber_policy, holder_user):
    stray = report(cyber_policy, holder_user, code="hacking", description="Something else.")
    with pytest.raises(ClaimValidationError):
        event_bulk_note(event=event, by=adjuster, text="x", claim_ids=[stray.pk])


def test_commissioning_fills_a_vendor_to_its_daily_capacity_then_offers_the_next(
        event, adjuster, linked):
    first = make_org("Alpha Forensik", "forensics", panel=True)
    second = make_org("Beta Forensik", "forensics", panel=True)
    make_org("Gamma Forensik", "forensics", panel=True)  # not on the event's panel
    event.vendor_panel.set([first, second])
    vendor_capacity_set(organisation=first, jobs_per_day=2, by=adjuster)
    vendor_capacity_set(organisation=second, jobs_per_day=1, by=adjuster)

    result = event_bulk_commission(event=event, by=adjuster, service=service("forensics"))
    # The vendors' own ranking (fewer open jobs first) spreads the work; capacity caps it.
    assert sorted(result.done.values()) == ["Alpha Forensik", "Alpha Forensik", "Beta Forensik"]
    [failure] = result.failed.values()
    assert failure.startswith("Every panel vendor for IT forensics is at capacity today")
    assert VendorJob.objects.filter(organisation=first).count() == 2
    assert AuditEntry.objects.filter(action="vendor_job.requested").count() == 3
    assert AuditEntry.objects.filter(action="vendor.capacity_set").count() == 2

    vendor_capacity_set(organisation=second, jobs_per_day=5, by=adjuster)
    result = event_bulk_commission(event=event, by=adjuster, service=service("forensics"))
    assert list(result.done.values()) == ["Beta Forensik"]


def test_exposure_equals_the_sum_of_the_accounts_remaining_cover(
        event, adjuster, linked, team_lead, itl_policy, cyber_policy,
        django_assert_max_num_queries):
    # A policy with no claim that depends on the named software counts too; one that does not,
    # does not.
    dependent, _user = other_holder_policy("Dental Practice", team_lead, product="it_liability")
    policy_dependencies_set(policy=dependent, by=adjuster,
                            dependencies=[{"kind": "software", "name": "FileBridge MFT"}])
    policy_dependencies_set(policy=itl_policy, by=adjuster,
                            dependencies=[{"kind": "provider", "name": "Other Cloud"}])
    account = InsuranceYearAccount.objects.filter(section__policy=cyber_policy).first()
    InsuranceYearAccount.objects.filter(pk=account.pk).update(committed=Decimal("12345.67"))

    with django_assert_max_num_queries(10):
        dashboard = event_dashboard(event=event)

    policies = {claim.policy_id for claim in linked} | {dependent.pk}
    accounts = InsuranceYearAccount.objects.filter(section__policy__in=policies)
    expected = sum((a.remaining for a in accounts), Decimal("0.00"))
    assert dashboard.exposure_total == expected
    assert dashboard.exposure_policies == 3
    by_module = {(row.product, row.module): row for row in dashboard.exposure}
    assert by_module[("IT liability", "IT liability base cover")].policies == 1
    assert by_module[("Cyber insurance", "Cyber and data own damage")].policies == 2
    assert dashboard.claims_linked == 4
    assert dashboard.reported == Decimal("48000.00")
    assert dashboard.timeline[-1].linked_total == 4


def test_the_dashboard_needs_the_same_queries_for_many_claims(
        event, adjuster, linked, cyber_policy, holder_user, django_assert_max_num_queries):
    more = [report(cyber_policy, holder_user, code="hacking", description=f"More {n} x{n * 3}")
            for n in range(6)]
    event_claims_link(event=event, claims=more, by=adjuster)
    with django_assert_max_num_queries(10):
        dashboard = event_dashboard(event=event)
    assert dashboard.claims_linked == 10
