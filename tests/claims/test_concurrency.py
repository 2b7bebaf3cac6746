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
from tests.threads import started_on_another_connection

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


def _blocked_behind_claim_lock(claim, action) -> tuple[bool, list[object]]:
    """Hold the claim's row lock (as a transition does) while ``action`` runs on another
    connection; return whether the claim's activities could still be locked meanwhile (the
    action is waiting for the claim, not holding an activity) and what the action returned."""
    from django.db import transaction

    from claims.models import Activity

    with transaction.atomic():
        Claim.objects.select_for_update().get(pk=claim.pk)
        thread, outcome = started_on_another_connection(action)
        thread.join(timeout=1.5)  # the action is now waiting (it cannot finish without the claim)
        assert thread.is_alive(), outcome
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '500ms'")
        try:
            list(Activity.objects.select_for_update(nowait=True).filter(claim=claim))
            free = True
        except Exception:  # the other connection holds an activity's lock
            free = False
    thread.join(timeout=30)
    return free, outcome


def test_completing_an_activity_waits_for_the_claim_before_locking_the_activity(setting):
    """The claim's next due time is kept by a trigger on the activities, which updates the claim:
    a service that changed the activity first and then the claim would deadlock with a transition
    (claim first, then its activities)."""
    from claims.models import Activity
    from claims.services.activities import activity_complete

    claim, adjuster, _holder = setting
    activity = Activity.objects.filter(claim=claim, completed_at__isnull=True).first()

    free, outcome = _blocked_behind_claim_lock(
        claim, lambda: activity_complete(activity=activity, by=adjuster, note="Called."))

    assert free
    assert isinstance(outcome[0], Activity) and outcome[0].completed_at is not None


def test_answering_a_request_waits_for_the_claim_before_locking_the_request(setting):
    from datetime import timedelta

    from django.utils import timezone

    from claims.models import InformationRequest
    from claims.services import information_request_create
    from claims.services.information import information_request_cancel

    claim, adjuster, _holder = setting
    request = information_request_create(
        claim=claim, question="The logs, please.",
        due_date=timezone.localdate() + timedelta(days=3), requested_by=adjuster)

    free, outcome = _blocked_behind_claim_lock(
        claim, lambda: information_request_cancel(request=request, by=adjuster,
                                                  reason="Found them."))

    assert free
    assert InformationRequest.objects.get(pk=request.pk).status == "cancelled"
