"""A claim enters mitigation only with a vendor job and leaves it only when every job is done or
cancelled."""

from __future__ import annotations

import pytest

from claims.exceptions import TransitionConflict
from claims.services import claim_transition
from tests.factories import make_job


def test_mitigation_needs_a_job(claim, adjuster, org_a):
    with pytest.raises(TransitionConflict, match="at least one vendor job"):
        claim_transition(claim=claim, transition="start_mitigation", by=adjuster)
    assert claim.state == "liability_check"
    make_job(claim, org_a, state="declined")
    with pytest.raises(TransitionConflict):
        claim_transition(claim=claim, transition="start_mitigation", by=adjuster)
    make_job(claim, org_a)
    claim_transition(claim=claim, transition="start_mitigation", by=adjuster)
    assert claim.state == "mitigation"


@pytest.mark.parametrize("open_state", ["requested", "accepted", "quoted", "approved",
                                        "in_progress"])
def test_a_claim_leaves_mitigation_only_when_its_jobs_are_done(claim, adjuster, org_a, org_b,
                                                               open_state):
    done = make_job(claim, org_a, state="completed")
    claim_transition(claim=claim, transition="start_mitigation", by=adjuster)
    make_job(claim, org_b, state=open_state)
    with pytest.raises(TransitionConflict, match="still open"):
        claim_transition(claim=claim, transition="start_settlement", by=adjuster)
    assert claim.state == "mitigation"
    assert done.state == "completed"


def test_done_or_cancelled_jobs_let_the_claim_go_to_settlement(claim, adjuster, org_a, org_b):
    for state in ("completed", "invoiced", "accepted_for_payment", "cancelled", "declined"):
        make_job(claim, org_a, state=state)
    claim_transition(claim=claim, transition="start_mitigation", by=adjuster)
    claim_transition(claim=claim, transition="start_settlement", by=adjuster)
    assert claim.state == "settlement"
