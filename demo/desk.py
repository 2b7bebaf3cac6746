"""Demo data of the adjuster's desk: a policyholder's unanswered message on an open demo claim,
so that the start page's queue "Messages from policyholders" has something in it."""

from __future__ import annotations

from django.utils import timezone

from claims.models import FINAL_STATES, Claim, ClaimNote
from claims.services import note_add
from claims.services.activities import activity_open_for_message

TEXT = "Hello, is there any news on our claim? Our accountant is asking. Thank you!"


def load(stdout) -> list[tuple[str, str, str]]:
    claim = (Claim.objects.exclude(state__in=FINAL_STATES)
             .filter(policy__policyholder__user__isnull=False)
             .select_related("policy__policyholder").order_by("pk").first())
    if claim is None or ClaimNote.objects.filter(claim=claim, text=TEXT).exists():
        return []
    note_add(claim=claim, text=TEXT, author=claim.policy.policyholder.user,
             visibility=ClaimNote.Visibility.POLICYHOLDER)
    activity_open_for_message(claim=claim, now=timezone.now())
    stdout.write(f"Desk: a policyholder's message waits on claim {claim.number}.")
    return []
