"""Each job transition, done by each role: only the job's vendor does the vendor's steps, only
an adjuster the adjuster's; a wrong state is a conflict and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.vendors import services
from claims.vendors.models import VendorJob
from config.models import AuditEntry
from tests.factories import make_document, make_job, make_org, pdf

ROLES = ["vendor", "other_vendor", "adjuster", "policyholder", "anonymous"]


def _call(name, job, by):
    calls = {
        "accept": lambda: services.vendor_job_accept(job=job, by=by),
        "decline": lambda: services.vendor_job_decline(job=job, reason="No capacity.", by=by),
        "quote": lambda: services.vendor_job_quote(job=job, estimate=Decimal("4500.00"),
                                                   scope="Image the disks.", by=by),
        "approve_quote": lambda: services.vendor_job_approve_quote(job=job, by=by),
        "progress": lambda: services.vendor_job_progress_add(job=job, percent=30,
                                                             text="Disks imaged.", by=by),
        "report": lambda: services.vendor_job_report_upload(job=job, upload=pdf(), by=by),
        "complete": lambda: services.vendor_job_complete(job=job, by=by),
        "invoice": lambda: services.vendor_job_invoice(job=job, amount=Decimal("4100.00"),
                                                       upload=pdf("invoice.pdf"), by=by),
        "approve_overrun": lambda: services.vendor_job_approve_overrun(
            job=job, reason="Extra disks found.", by=by),
        "accept_for_payment": lambda: services.vendor_job_accept_for_payment(job=job, by=by),
        "cancel": lambda: services.vendor_job_cancel(job=job, reason="Not needed.", by=by),
    }
    return calls[name]()


# action, state the job is in, the role allowed, the state after
CASES = [
    ("accept", "requested", "vendor", "accepted"),
    ("decline", "requested", "vendor", "declined"),
    ("quote", "accepted", "vendor", "quoted"),
    ("approve_quote", "quoted", "adjuster", "approved"),
    ("progress", "approved", "vendor", "in_progress"),
    ("report", "in_progress", "vendor", "in_progress"),
    ("complete", "in_progress+report", "vendor", "completed"),
    ("invoice", "completed", "vendor", "invoiced"),
    ("approve_overrun", "invoiced+over", "adjuster", "invoiced"),
    ("accept_for_payment", "invoiced", "adjuster", "accepted_for_payment"),
    ("cancel", "requested", "adjuster", "cancelled"),
    ("cancel", "in_progress", "adjuster", "cancelled"),
]


def _job_in(state: str, claim, org, vendor):
    base, _, extra = state.partition("+")
    fields = {}
    if base in ("completed", "invoiced"):
        fields["report_document"] = make_document(claim, vendor)
    if base == "invoiced":
        fields["invoice_document"] = make_document(claim, vendor, "invoice")
        fields["invoice_amount"] = Decimal("6000.00" if extra == "over" else "4200.00")
    if extra == "report":
        fields["report_document"] = make_document(claim, vendor)
    return make_job(claim, org, state=base, **fields)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "state", "allowed", "after"), CASES,
                         ids=[f"{c[0]}-from-{c[1]}" for c in CASES])
def test_each_transition_only_by_its_role(action, state, allowed, after, role, people, claim,
                                          org_a):
    job = _job_in(state, claim, org_a, people["vendor"])
    before = job.state
    audits = AuditEntry.objects.filter(object_type="vendors.vendorjob").count()
    if role != allowed:
        with pytest.raises(PermissionDeniedError):
            _call(action, job, people[role])
        assert VendorJob.objects.get(pk=job.pk).state == before
        return
    _call(action, job, people[role])
    job.refresh_from_db()
    assert job.state == after
    assert AuditEntry.objects.filter(object_type="vendors.vendorjob").count() == audits + 1
    entry = AuditEntry.objects.filter(object_type="vendors.vendorjob").latest("id")
    assert entry.claim_id == claim.pk
    assert entry.actor == people[role]


# action, a state it is not possible in, who tries
WRONG_STATE = [
    ("accept", "accepted", "vendor"),
    ("decline", "in_progress", "vendor"),
    ("quote", "requested", "vendor"),
    ("quote", "approved", "vendor"),
    ("approve_quote", "accepted", "adjuster"),
    ("progress", "requested", "vendor"),
    ("report", "completed", "vendor"),
    ("complete", "approved", "vendor"),
    ("complete", "in_progress", "vendor"),  # no final report yet
    ("invoice", "in_progress", "vendor"),
    ("approve_overrun", "invoiced", "adjuster"),  # within the tolerance: nothing to approve
    ("accept_for_payment", "completed", "adjuster"),
    ("accept_for_payment", "invoiced+over", "adjuster"),  # overrun not approved yet
    ("cancel", "completed", "adjuster"),
    ("cancel", "declined", "adjuster"),
    ("cancel", "accepted_for_payment", "adjuster"),
]


@pytest.mark.parametrize(("action", "state", "role"), WRONG_STATE,
                         ids=[f"{c[0]}-in-{c[1]}" for c in WRONG_STATE])
def test_a_transition_in_the_wrong_state_is_a_conflict_and_changes_nothing(
        action, state, role, people, claim, org_a):
    job = _job_in(state, claim, org_a, people["vendor"])
    before = job.state
    audits = AuditEntry.objects.count()
    with pytest.raises(TransitionConflict):
        _call(action, job, people[role])
    assert VendorJob.objects.get(pk=job.pk).state == before
    assert AuditEntry.objects.count() == audits


def test_a_vendor_off_the_panel_needs_approval_before_work_starts(claim, org_b, vendor_b,
                                                                   adjuster):
    job = make_job(claim, org_b, state="quoted", estimate=Decimal("3000.00"))
    with pytest.raises(TransitionConflict, match="approval"):
        services.vendor_job_progress_add(job=job, percent=10, text="Started", by=vendor_b)
    services.vendor_job_approve_quote(job=job, by=adjuster)
    services.vendor_job_progress_add(job=job, percent=10, text="Started", by=vendor_b)
    assert job.state == "in_progress"
    assert job.approved_estimate == Decimal("3000.00")


def test_a_panel_vendor_may_start_right_after_accepting(claim, org_a, vendor_a):
    job = make_job(claim, org_a, state="accepted")
    update = services.vendor_job_progress_add(job=job, percent=5, text="On site", by=vendor_a,
                                              visible_to_policyholder=True)
    assert job.state == "in_progress" and job.progress_percent == 5
    assert update.visible_to_policyholder


def test_declining_needs_a_reason(job_a, vendor_a):
    with pytest.raises(ClaimValidationError) as error:
        services.vendor_job_decline(job=job_a, reason="  ", by=vendor_a)
    assert "reason" in error.value.errors
    assert VendorJob.objects.get(pk=job_a.pk).state == "requested"


def test_cancelling_needs_a_reason(job_a, adjuster):
    with pytest.raises(ClaimValidationError):
        services.vendor_job_cancel(job=job_a, reason="", by=adjuster)


def test_progress_is_validated_and_append_only(claim, org_a, vendor_a):
    job = make_job(claim, org_a, state="in_progress")
    with pytest.raises(ClaimValidationError) as error:
        services.vendor_job_progress_add(job=job, percent=101, text="", by=vendor_a)
    assert set(error.value.errors) == {"percent", "text"}
    update = services.vendor_job_progress_add(job=job, percent=50, text="Half", by=vendor_a)
    with pytest.raises(ValueError):
        update.save()
    with pytest.raises(ValueError):
        update.delete()


def test_a_refused_report_file_is_not_stored(claim, org_a, vendor_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = make_job(claim, org_a, state="in_progress")
    bad = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 program", content_type="application/pdf")
    with pytest.raises(ClaimValidationError):
        services.vendor_job_report_upload(job=job, upload=bad, by=vendor_a)
    job.refresh_from_db()
    assert job.report_document is None


def test_the_adjuster_commissions_only_vendors_offering_the_service(claim, adjuster, vendor_a):
    from tests.factories import service

    lawyers = make_org("Gamma Recht", "lawyers")
    with pytest.raises(ClaimValidationError):
        services.vendor_job_request(claim=claim, organisation=lawyers,
                                    service=service("forensics"), by=adjuster)
    with pytest.raises(PermissionDeniedError):
        services.vendor_job_request(claim=claim, organisation=lawyers,
                                    service=service("lawyers"), by=vendor_a)
    job = services.vendor_job_request(claim=claim, organisation=lawyers,
                                      service=service("lawyers"), by=adjuster, scope="Advice")
    assert job.state == "requested" and job.requested_by == adjuster
    assert AuditEntry.objects.filter(action="vendor_job.requested", claim_id=claim.pk).exists()


# the actions that email someone; approve_overrun sends none (the adjuster is the actor)
EMAILED = [case for case in CASES if case[0] not in ("report", "approve_overrun")]


@pytest.mark.parametrize(("action", "state", "allowed", "after"), EMAILED,
                         ids=[f"{c[0]}-from-{c[1]}" for c in EMAILED])
def test_an_action_and_its_emails_are_committed_together(action, state, allowed, after, people,
                                                          claim, org_a, monkeypatch):
    """The emails go to the outbox in the action's own transaction: when they cannot be
    stored, the action is not committed either (no job moved without its notice, no notice of
    a move that did not happen)."""
    job = _job_in(state, claim, org_a, people["vendor"])
    before = job.state

    def outbox_down(**kwargs):
        raise RuntimeError("the outbox cannot be written")

    monkeypatch.setattr("claims.notifications.email_enqueue", outbox_down)
    with pytest.raises(RuntimeError):
        _call(action, job, people[allowed])

    job = VendorJob.objects.get(pk=job.pk)
    assert job.state == before
    assert not AuditEntry.objects.filter(object_id=str(job.pk),
                                         action__startswith="vendor_job.").exists()
