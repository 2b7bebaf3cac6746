"""Two people press a button on the same claim at the same moment: one wins, the other gets the
409 conflict, and the history shows one transition. Real threads, real connections, committed
data (so ``transaction=True``)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from claims.exceptions import TransitionConflict
from claims.models import Claim, ClaimState
from claims.services import claim_report, claim_transition
from config.models import AuditEntry
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_policy,
    make_team_lead,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(pk: int, moves: list[tuple[str, object, str]]) -> list[object]:
    """Each thread loads the claim on its own connection, waits for the others, then moves it."""
    barrier = threading.Barrier(len(moves))
    results: list[object] = [None] * len(moves)

    def run(index: int, name: str, user, reason: str) -> None:
        try:
            claim = Claim.objects.get(pk=pk)
            barrier.wait(timeout=10)
            claim_transition(claim=claim, transition=name, by=user, reason=reason)
            results[index] = "ok"
        except Exception as error:  # collected and asserted on in the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, *move))
               for index, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def setting():
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adj", team_lead=lead)
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user), created_by=lead)
    from django.utils import timezone

    claim = claim_report(policy=policy, loss_type=loss_type("ransomware"),
                         loss_date=timezone.localdate(), description="Encrypted",
                         reported_by=holder_user)
    return claim, adjuster, holder_user


def test_two_concurrent_transitions_one_wins_the_other_gets_409(setting):
    claim, adjuster, holder_user = setting

    results = _race(claim.pk, [
        ("start_liability_check", adjuster, ""),
        ("withdraw", holder_user, "Found the backup."),
    ])

    assert sorted(map(str, [type(r).__name__ if r != "ok" else r for r in results])) == [
        "TransitionConflict", "ok"]
    conflict = next(r for r in results if isinstance(r, TransitionConflict))
    assert conflict.status_code == 409
    final = Claim.objects.get(pk=claim.pk).state
    winner = ClaimState.LIABILITY_CHECK if results[0] == "ok" else ClaimState.WITHDRAWN
    assert final == winner
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="claim.transition").count() == 1


def test_the_same_transition_twice_at_once_happens_once(setting):
    claim, adjuster, _holder = setting
    second = make_adjuster("adj2")

    results = _race(claim.pk, [("start_liability_check", adjuster, ""),
                               ("start_liability_check", second, "")])

    assert results.count("ok") == 1
    assert any(isinstance(r, TransitionConflict) for r in results)
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="claim.coverage_checked"
                                     ).count() == 1
    assert Claim.objects.get(pk=claim.pk).activities.filter(
        completed_at__isnull=True).count() == 1
