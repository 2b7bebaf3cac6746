"""The approval reads the policyholder's language and the activity templates before it takes the
account's lock (issue 17): what the policyholder receives and the activities opened are the same
as when they were read under the lock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.models import Activity, ActivityTemplate, ClaimState
from claims.money.models import SettlementState
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from claims.notifications import holder_language_send
from language.services import in_language_of, language_set
from tests.factories import UserFactory, category

pytestmark = pytest.mark.django_db


def _chosen_by_in_language_of(holder) -> str:
    with in_language_of(user_id=holder.user_id, email=holder.email) as language:
        return language


@pytest.mark.parametrize("case", [
    "user chose", "user chose nothing, another user with the address chose",
    "no user, someone signing in with the address chose", "no user, nobody chose",
])
def test_the_language_read_ahead_is_the_one_the_emails_choose(claim, case):
    holder = claim.policy.policyholder
    other = UserFactory(username="same-address", email=holder.email.upper())
    if case == "user chose":
        language_set(user=holder.user, language="en")
    elif case.startswith("user chose nothing"):
        language_set(user=other, language="en")
    else:
        holder.user = None
        holder.save(update_fields=["user"])
        if case.startswith("no user, someone"):
            language_set(user=other, language="en")
    assert holder_language_send(claim_id=claim.pk)() == _chosen_by_in_language_of(holder)


def test_an_approval_writes_in_the_policyholders_language_and_opens_the_settled_activities(
        claim, adjuster, holder_user, mailoutbox, django_capture_on_commit_callbacks):
    language_set(user=holder_user, language="en")
    cost_line_add(claim=claim, category=category("restoration"), amount=Decimal("5000.00"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        settlement = settlement_approve(settlement=settlement, by=adjuster)

    assert settlement.state == SettlementState.APPROVED
    claim.refresh_from_db()
    assert claim.state == ClaimState.SETTLED
    [email] = [mail for mail in mailoutbox if claim.number in mail.subject]
    assert email.subject == f"Your claim {claim.number}: the settlement is approved"
    templates = set(ActivityTemplate.objects.filter(state=ClaimState.SETTLED, active=True)
                    .values_list("pk", flat=True))
    opened = set(Activity.objects.filter(claim=claim, completed_at__isnull=True,
                                         opened_in_state=ClaimState.SETTLED)
                 .values_list("template_id", flat=True))
    assert opened == templates
