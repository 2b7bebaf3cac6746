"""First notice of loss: numbering, what a report must contain, who may report, duplicates."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from difflib import SequenceMatcher

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import Claim
from claims.services import claim_duplicate_resolve, claim_report
from claims.services.duplicates import description_similarity, most_similar
from config.models import AuditEntry
from tests.factories import loss_type, make_policy, report

pytestmark = pytest.mark.django_db


def test_a_report_gets_a_year_and_sequence_number_and_starts_reported(reported_claim,
                                                                     holder_user):
    year = timezone.localdate().year
    assert re.fullmatch(rf"{year}-\d{{5}}", reported_claim.number)
    assert reported_claim.state == "reported"
    assert reported_claim.reported_by == holder_user
    assert reported_claim.coverage_covered is None


def test_numbers_follow_each_other(cyber_policy, holder_user):
    first = report(cyber_policy, holder_user, description="one thing happened")
    second = report(cyber_policy, holder_user, description="something else entirely, later")
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_the_report_is_audited(reported_claim, holder_user):
    entry = AuditEntry.objects.get(claim_id=reported_claim.pk, action="claim.reported")
    assert entry.actor == holder_user
    assert entry.to_value == "reported"
    assert entry.payload["policy"] == reported_claim.policy.number
    assert entry.payload["estimated_amount"] == "12000.00"


def test_an_adjuster_can_record_a_report(cyber_policy, adjuster):
    claim = report(cyber_policy, adjuster)
    assert claim.reported_by == adjuster


def test_someone_else_cannot_report_on_a_policy(cyber_policy, stranger):
    with pytest.raises(PermissionDeniedError):
        report(cyber_policy, stranger)
    assert not Claim.objects.exists()


def test_a_future_loss_date_is_refused(cyber_policy, holder_user):
    with pytest.raises(ClaimValidationError) as caught:
        report(cyber_policy, holder_user, days_ago=-1)
    assert "loss_date" in caught.value.errors


def test_a_liability_claim_needs_the_third_party(itl_policy, holder_user):
    with pytest.raises(ClaimValidationError) as caught:
        claim_report(policy=itl_policy, loss_type=loss_type("bodily_injury"),
                     loss_date=timezone.localdate(), description="Someone tripped",
                     reported_by=holder_user)
    assert set(caught.value.errors) == {"claimant_name", "claimant_address"}

    claim = claim_report(policy=itl_policy, loss_type=loss_type("bodily_injury"),
                         loss_date=timezone.localdate(), description="Someone tripped",
                         reported_by=holder_user, claimant_name="Erika Muster",
                         claimant_email="erika@example.com")
    assert claim.claimant_display == "Erika Muster"


def test_own_damage_names_the_insured_as_claimant(reported_claim):
    assert "Pixel & Code GmbH" in reported_claim.claimant_display


def test_the_estimate_is_kept_as_exact_money(cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, estimated_amount="1234.565")
    assert claim.estimated_amount == Decimal("1234.57")
    with pytest.raises(ClaimValidationError):
        report(cyber_policy, holder_user, estimated_amount=Decimal("-1"))


def test_the_policyholder_gets_a_confirmation_and_emergencies_alert_the_adjusters(
    cyber_policy, holder_user, adjuster, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = report(cyber_policy, holder_user, emergency=True)
    subjects = [mail.subject for mail in mailoutbox]
    assert f"Your claim {claim.number} has been received" in subjects
    alert = next(mail for mail in mailoutbox if "EMERGENCY" in mail.subject)
    assert adjuster.email in alert.to


# --- duplicates ----------------------------------------------------------------------------------

DESCRIPTION = "Ransomware encrypted our file server and all laptops on Monday morning"


def test_a_similar_report_on_the_same_policy_days_apart_is_flagged_never_merged(
    cyber_policy, holder_user
):
    first = report(cyber_policy, holder_user, description=DESCRIPTION, days_ago=4)
    second = report(cyber_policy, holder_user, days_ago=2,
                    description="Ransomware encrypted our file server and the laptops, Monday")

    assert second.possible_duplicate_of == first
    assert second.duplicate_similarity >= Decimal("0.6")
    assert second.duplicate_flag_open
    assert first.possible_duplicate_of is None
    assert Claim.objects.count() == 2
    entry = AuditEntry.objects.get(claim_id=second.pk, action="claim.reported")
    assert entry.payload["possible_duplicate_of"] == first.number


@pytest.mark.parametrize(("days_ago", "description", "same_policy"), [
    (2, "A client tripped over a cable in our office and broke an arm", True),
    (8, DESCRIPTION, True),
    (2, DESCRIPTION, False),
])
def test_different_stories_dates_or_policies_are_not_flagged(
    cyber_policy, holder, holder_user, team_lead, days_ago, description, same_policy
):
    report(cyber_policy, holder_user, description=DESCRIPTION, days_ago=4)
    policy = cyber_policy if same_policy else make_policy(holder=holder, created_by=team_lead)
    claim = report(policy, holder_user, description=description, days_ago=days_ago)
    assert claim.possible_duplicate_of is None


def test_similarity_ignores_case_and_spacing():
    assert description_similarity("Server  DOWN\n", "server down") == 1.0
    assert description_similarity("abc", "xyz") == 0.0


def test_the_adjuster_confirms_or_dismisses_the_flag(cyber_policy, holder_user, adjuster):
    first = report(cyber_policy, holder_user, description=DESCRIPTION)
    second = report(cyber_policy, holder_user, description=DESCRIPTION + ".")
    with pytest.raises(PermissionDeniedError):
        claim_duplicate_resolve(claim=second, is_duplicate=True, by=holder_user)
    with pytest.raises(ClaimValidationError):
        claim_duplicate_resolve(claim=first, is_duplicate=True, by=adjuster)

    claim_duplicate_resolve(claim=second, is_duplicate=True, by=adjuster)

    second.refresh_from_db()
    assert second.duplicate_of == first
    assert not second.duplicate_flag_open
    assert AuditEntry.objects.filter(claim_id=second.pk, action="claim.duplicate_reviewed",
                                     to_value="duplicate").exists()


def test_reports_in_a_new_year_start_a_new_sequence(cyber_policy, holder_user):
    now = timezone.now()
    next_year = now.replace(year=now.year + 1)
    claim = report(cyber_policy, holder_user, now=next_year,
                   loss_date=timezone.localdate() - timedelta(days=1))
    assert claim.number == f"{now.year + 1}-00001"


def test_only_the_policys_most_recent_claims_are_compared(cyber_policy, holder_user, settings,
                                                          monkeypatch):
    from claims.services import duplicates

    settings.CLAIMS_DUPLICATE_MAX_CANDIDATES = 3
    oldest = report(cyber_policy, holder_user, description=DESCRIPTION, days_ago=3)
    for number in range(3):
        report(cyber_policy, holder_user, days_ago=3,
               description=f"Burst water pipe number {number} flooded the basement archive")
    compared = []
    monkeypatch.setattr(duplicates, "SequenceMatcher", lambda *args, **kwargs: compared.append(
        args[2]) or SequenceMatcher(*args, **kwargs))
    claim = report(cyber_policy, holder_user, description=DESCRIPTION, days_ago=2)
    assert len(compared) == 3  # not the fourth, oldest claim
    assert claim.possible_duplicate_of is None  # the oldest one is beyond the recent ones
    assert oldest.description.lower() not in compared


def test_a_report_sent_twice_is_flagged_without_a_full_comparison(cyber_policy, holder_user,
                                                                   monkeypatch):
    """The same text (after case and spacing) scores 1.0 at once; difflib is not needed."""
    from claims.services import duplicates

    first = report(cyber_policy, holder_user, description=DESCRIPTION, days_ago=2)

    def compare(*args, **kwargs):
        raise AssertionError("compared in full")

    monkeypatch.setattr(duplicates, "SequenceMatcher", compare)
    again = report(cyber_policy, holder_user, description=f"  {DESCRIPTION.upper()} ", days_ago=2)
    assert again.possible_duplicate_of == first
    assert again.duplicate_similarity == Decimal("1.0")


def test_the_duplicate_check_costs_the_same_on_a_policy_with_many_claims(
        cyber_policy, holder_user, settings, django_assert_max_num_queries):
    from claims.services.duplicates import find_possible_duplicate

    settings.CLAIMS_DUPLICATE_MAX_CANDIDATES = 10
    first = report(cyber_policy, holder_user, description=DESCRIPTION, days_ago=3)
    Claim.objects.bulk_create([
        Claim(number=f"X-{n}", policy=cyber_policy, loss_type=first.loss_type,
              loss_date=first.loss_date, reported_at=first.reported_at - timedelta(days=1),
              description=f"Unrelated story {n} about a stolen laptop", reported_by=holder_user)
        for n in range(200)
    ])
    claim = Claim(policy=cyber_policy, loss_date=first.loss_date, description=DESCRIPTION)
    with django_assert_max_num_queries(1):
        duplicate, similarity = find_possible_duplicate(claim=claim)
    assert duplicate == first and similarity == Decimal("1.0")


_WORDS = st.sampled_from(["server", "encrypted", "laptop", "stolen", "ransomware", "the",
                          "our", "office", "monday", "car", "data", "a", "backup", "failed"])
_TEXTS = st.lists(_WORDS, min_size=0, max_size=8).map(" ".join)


@hypothesis_settings(max_examples=300, deadline=None)
@given(text=_TEXTS, others=st.lists(_TEXTS, max_size=12),
       threshold=st.sampled_from([0.0, 0.3, 0.6, 0.9, 1.0]))
def test_the_most_similar_text_is_the_one_every_comparison_would_find(text, others, threshold):
    # The reference: compare with every text; the best ratio, of equal ones the last.
    scores = [SequenceMatcher(None, text, other, autojunk=False).ratio() for other in others]
    expected = None
    if scores and max(scores) >= threshold:
        best = max(range(len(scores)), key=lambda index: (scores[index], index))
        expected = (best, scores[best])
    assert most_similar(text, others, threshold) == expected
