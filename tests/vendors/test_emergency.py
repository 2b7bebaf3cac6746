"""Emergency claims: a forensics job goes at once to the best 24/7 vendor, who must accept within
the hour; otherwise the job is escalated and offered to the next vendor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.vendors import services
from claims.vendors.models import VendorJob
from config.models import AuditEntry, OutboxMessage
from tests.factories import make_org, report


@pytest.fixture
def forensics_vendors(db):
    return [make_org("Office Hours Panel", panel=True),
            make_org("Night Owls 24/7", available_24_7=True),
            make_org("Always On Panel 24/7", available_24_7=True, panel=True)]


def test_reporting_an_emergency_cyber_claim_enqueues_the_proposal(cyber_policy, itl_policy,
                                                                  holder_user):
    claim = report(cyber_policy, holder_user, emergency=True)
    message = OutboxMessage.objects.get(task_name="vendors.emergency_job_propose")
    assert message.kwargs == {"claim_id": claim.pk}
    report(cyber_policy, holder_user, emergency=False, description="not urgent at all")
    report(itl_policy, holder_user, emergency=True, code="client_data_loss",
           claimant_name="Client AG", claimant_address="Augsburg",
           description="IT liability has no 24/7 hotline")
    assert OutboxMessage.objects.filter(task_name="vendors.emergency_job_propose").count() == 1


def test_the_best_24_7_forensics_vendor_gets_the_job_with_a_one_hour_deadline(
        cyber_policy, holder_user, forensics_vendors):
    claim = report(cyber_policy, holder_user, emergency=True)
    now = timezone.now()
    job = services.emergency_job_propose(claim_id=claim.pk, now=now)
    assert job.organisation.name == "Always On Panel 24/7"
    assert job.service.code == "forensics" and job.emergency and job.requested_by is None
    assert job.accept_deadline == now + timedelta(hours=1)
    assert services.emergency_job_propose(claim_id=claim.pk) is None  # idempotent
    assert VendorJob.objects.filter(claim=claim).count() == 1


def test_an_unaccepted_emergency_job_is_escalated_to_the_next_vendor_once(
        cyber_policy, holder_user, forensics_vendors, adjuster, mailoutbox,
        django_capture_on_commit_callbacks):
    claim = report(cyber_policy, holder_user, emergency=True)
    now = timezone.now()
    first = services.emergency_job_propose(claim_id=claim.pk, now=now)
    assert services.jobs_escalate_unaccepted(now=now + timedelta(minutes=59)) == 0
    later = now + timedelta(minutes=61)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_escalate_unaccepted(now=later) == 1
    first.refresh_from_db()
    assert first.state == "escalated"
    second = first.escalated_to
    assert second.organisation.name == "Night Owls 24/7"
    assert second.state == "requested" and second.accept_deadline == later + timedelta(hours=1)
    assert AuditEntry.objects.filter(action="vendor_job.escalate", claim_id=claim.pk,
                                     actor=None).count() == 1
    assert any("escalated" in mail.subject and adjuster.email in mail.to for mail in mailoutbox)
    assert services.jobs_escalate_unaccepted(now=later) == 0  # idempotent
    services.jobs_escalate_unaccepted(now=later + timedelta(minutes=61))
    third = second.__class__.objects.get(escalated_from=second)
    assert third.organisation.name == "Office Hours Panel"
    services.jobs_escalate_unaccepted(now=later + timedelta(minutes=130))
    assert VendorJob.objects.filter(claim=claim).count() == 3  # nobody left to ask


def test_an_accepted_emergency_job_is_not_escalated(cyber_policy, holder_user,
                                                    forensics_vendors):
    claim = report(cyber_policy, holder_user, emergency=True)
    job = services.emergency_job_propose(claim_id=claim.pk)
    from tests.factories import make_vendor_user

    services.vendor_job_accept(job=job, by=make_vendor_user("v", job.organisation))
    assert services.jobs_escalate_unaccepted(now=timezone.now() + timedelta(hours=2)) == 0
    assert VendorJob.objects.get(pk=job.pk).state == "accepted"


def test_a_declined_emergency_job_goes_to_the_next_vendor_at_once(cyber_policy, holder_user,
                                                                  forensics_vendors):
    claim = report(cyber_policy, holder_user, emergency=True)
    job = services.emergency_job_propose(claim_id=claim.pk)
    from tests.factories import make_vendor_user

    services.vendor_job_decline(job=job, reason="Team busy",
                                by=make_vendor_user("v", job.organisation))
    assert job.escalated_to.organisation.name == "Night Owls 24/7"
