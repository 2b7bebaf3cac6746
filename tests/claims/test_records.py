"""Notes (append-only), information requests, series, assignment and corrections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import Claim, ClaimDocument, ClaimNote, InformationRequest
from claims.services import (
    claim_assign,
    claim_series_link,
    claim_series_unlink,
    claim_update,
    information_request_answer,
    information_request_cancel,
    information_request_create,
    note_add,
)
from config.models import AuditEntry
from tests.factories import PolicyholderFactory, loss_type, make_policy, report

pytestmark = pytest.mark.django_db


# --- notes ---------------------------------------------------------------------------------------

def test_an_adjuster_adds_an_internal_note_and_it_is_audited(reported_claim, adjuster):
    note = note_add(claim=reported_claim, text="Called the CEO.", author=adjuster)
    assert note.visibility == ClaimNote.Visibility.INTERNAL
    assert AuditEntry.objects.filter(claim_id=reported_claim.pk,
                                     action="claim.note_added").exists()


def test_the_policyholder_writes_only_notes_they_can_see(reported_claim, holder_user, stranger):
    note = note_add(claim=reported_claim, text="Backups were offline.", author=holder_user,
                    visibility=ClaimNote.Visibility.POLICYHOLDER)
    assert note.author == holder_user
    with pytest.raises(PermissionDeniedError):
        note_add(claim=reported_claim, text="x", author=holder_user)
    with pytest.raises(PermissionDeniedError):
        note_add(claim=reported_claim, text="x", author=stranger,
                 visibility=ClaimNote.Visibility.POLICYHOLDER)
    with pytest.raises(ClaimValidationError):
        note_add(claim=reported_claim, text="  ", author=holder_user,
                 visibility=ClaimNote.Visibility.POLICYHOLDER)


def test_notes_cannot_be_edited_or_deleted(reported_claim, adjuster):
    note = note_add(claim=reported_claim, text="First impression.", author=adjuster)
    note.text = "Rewritten history"
    with pytest.raises(ValueError):
        note.save()
    with pytest.raises(ValueError):
        note.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ClaimNote.objects.filter(pk=note.pk).update(text="Rewritten history")
    with pytest.raises(DatabaseError), transaction.atomic():
        ClaimNote.objects.filter(pk=note.pk).delete()
    assert ClaimNote.objects.get(pk=note.pk).text == "First impression."


# --- information requests ------------------------------------------------------------------------

@pytest.fixture
def open_request(claim_in_liability_check, adjuster):
    return information_request_create(
        claim=claim_in_liability_check, question="Please send the forensic report.",
        due_date=timezone.localdate() + timedelta(days=10), requested_by=adjuster,
    )


def test_a_request_makes_the_claim_await_information(open_request, holder_user):
    claim = open_request.claim
    assert claim.awaiting_information
    assert claim.information_due_date == open_request.due_date


def test_only_adjusters_ask_and_not_for_the_past(claim_in_liability_check, holder_user,
                                                 adjuster):
    with pytest.raises(PermissionDeniedError):
        information_request_create(claim=claim_in_liability_check, question="?",
                                   due_date=timezone.localdate(), requested_by=holder_user)
    with pytest.raises(ClaimValidationError) as caught:
        information_request_create(claim=claim_in_liability_check, question="?",
                                   due_date=timezone.localdate() - timedelta(days=1),
                                   requested_by=adjuster)
    assert "due_date" in caught.value.errors


def test_the_policyholder_answers_with_a_document_and_the_claim_is_cleared(
    open_request, holder_user
):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")

    information_request_answer(request=open_request, answer="Attached.",
                               answered_by=holder_user, documents=[pdf])

    open_request.refresh_from_db()
    assert open_request.status == InformationRequest.Status.ANSWERED
    assert open_request.closed_by == holder_user
    assert not open_request.claim.awaiting_information
    document = open_request.documents.get()
    assert document.content_type == "application/pdf"
    assert document.claim == open_request.claim
    assert open_request.activities.get().completed_at is not None
    assert AuditEntry.objects.filter(action="information_request.answered",
                                     claim_id=open_request.claim_id).exists()


def test_an_answer_with_a_refused_file_changes_nothing(open_request, holder_user):
    exe = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ClaimValidationError) as caught:
        information_request_answer(request=open_request, answer="Here.",
                                   answered_by=holder_user, documents=[exe])
    assert "proof.pdf" in caught.value.errors["file"][0]
    open_request.refresh_from_db()
    assert open_request.status == InformationRequest.Status.OPEN
    assert not ClaimDocument.objects.exists()


def test_only_the_policyholder_or_an_adjuster_answers_once(open_request, stranger, adjuster):
    with pytest.raises(PermissionDeniedError):
        information_request_answer(request=open_request, answer="x", answered_by=stranger)
    information_request_answer(request=open_request, answer="By phone: yes.",
                               answered_by=adjuster)
    with pytest.raises(TransitionConflict):
        information_request_answer(request=open_request, answer="again", answered_by=adjuster)


def test_an_adjuster_cancels_a_request_with_a_reason(open_request, adjuster):
    with pytest.raises(ClaimValidationError):
        information_request_cancel(request=open_request, by=adjuster, reason="")
    information_request_cancel(request=open_request, by=adjuster, reason="Not needed.")
    open_request.refresh_from_db()
    assert open_request.status == InformationRequest.Status.CANCELLED
    assert not open_request.claim.awaiting_information


# --- series --------------------------------------------------------------------------------------

def test_claims_from_one_cause_are_linked_and_unlinked_with_audit(cyber_policy, holder_user,
                                                                 adjuster):
    first = report(cyber_policy, holder_user, description="Attack on the mail server")
    second = report(cyber_policy, holder_user, code="data_carrier_theft",
                    description="During the same attack a backup disk went missing")
    third = report(cyber_policy, holder_user, code="ddos", description="Web shop flooded")

    series = claim_series_link(claims=[first, second], cause="Attack of 3 March", by=adjuster)
    claim_series_link(claims=[series.claims.first(), third], cause="", by=adjuster)

    assert set(series.claims.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}
    assert AuditEntry.objects.filter(action="claim.series_linked").count() == 3

    claim_series_unlink(claim=third, by=adjuster)
    claim_series_unlink(claim=second, by=adjuster)
    assert not Claim.objects.filter(series__isnull=False).exists()


def test_series_need_an_adjuster_a_cause_and_one_policy(cyber_policy, itl_policy, holder_user,
                                                        adjuster):
    first = report(cyber_policy, holder_user, description="Attack")
    second = report(cyber_policy, holder_user, code="hacking", description="Other attack")
    other = report(itl_policy, holder_user, description="Elsewhere")
    with pytest.raises(PermissionDeniedError):
        claim_series_link(claims=[first, second], cause="x", by=holder_user)
    with pytest.raises(ClaimValidationError):
        claim_series_link(claims=[first, second], cause=" ", by=adjuster)
    with pytest.raises(ClaimValidationError):
        claim_series_link(claims=[first, other], cause="x", by=adjuster)
    with pytest.raises(ClaimValidationError):
        claim_series_link(claims=[first], cause="x", by=adjuster)


# --- assignment and corrections -----------------------------------------------------------------

def test_claims_are_assigned_to_adjusters_only(reported_claim, adjuster, holder_user):
    with pytest.raises(ClaimValidationError):
        claim_assign(claim=reported_claim, adjuster=holder_user, by=adjuster)
    with pytest.raises(PermissionDeniedError):
        claim_assign(claim=reported_claim, adjuster=adjuster, by=holder_user)
    claim_assign(claim=reported_claim, adjuster=adjuster, by=adjuster)
    assert Claim.objects.get(pk=reported_claim.pk).assigned_adjuster == adjuster
    assert AuditEntry.objects.get(action="claim.assigned").to_value == adjuster.username


def test_a_corrected_loss_type_reruns_the_coverage_check(claim_in_liability_check, adjuster):
    claim = claim_in_liability_check
    claim_update(claim=claim, by=adjuster,
                 changes={"loss_type": loss_type("contract_withdrawal"),
                          "estimated_amount": "500"})
    claim.refresh_from_db()
    assert claim.coverage_code == "no_section_for_loss_type"
    entry = AuditEntry.objects.get(claim_id=claim.pk, action="claim.updated")
    assert set(entry.payload) == {"loss_type", "estimated_amount"}


def test_facts_are_fixed_after_the_decision(claim_in_mitigation, adjuster):
    with pytest.raises(TransitionConflict):
        claim_update(claim=claim_in_mitigation, by=adjuster,
                     changes={"loss_date": timezone.localdate()})
    with pytest.raises(ClaimValidationError):
        claim_update(claim=claim_in_mitigation, by=adjuster, changes={"state": "paid"})
    claim_update(claim=claim_in_mitigation, by=adjuster, changes={"estimated_amount": "90000"})


def test_a_third_party_loss_type_needs_a_claimant(reported_claim, adjuster):
    with pytest.raises(ClaimValidationError):
        claim_update(claim=reported_claim, by=adjuster,
                     changes={"loss_type": loss_type("bodily_injury")})


def test_another_policyholders_claims_are_out_of_reach(reported_claim, team_lead):
    other_user = type(team_lead).objects.create_user("other-holder")
    other_holder = PolicyholderFactory(user=other_user)
    make_policy(holder=other_holder, created_by=team_lead)
    with pytest.raises(PermissionDeniedError):
        note_add(claim=reported_claim, text="hi", author=other_user,
                 visibility=ClaimNote.Visibility.POLICYHOLDER)
