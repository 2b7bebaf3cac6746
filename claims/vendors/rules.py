"""The claim workflow's rules about vendors, called by ``claims.services.transitions``:
a claim enters mitigation only with a vendor job, and leaves it only when every job is done."""

from __future__ import annotations

from claims.exceptions import TransitionConflict
from claims.models import Claim, ClaimState

from .models import DEAD_STATES, DONE_STATES


def claim_transition_check(*, claim: Claim, transition: str) -> None:
    """Raise TransitionConflict (409) if the vendor jobs do not allow ``transition``."""
    jobs = claim.vendor_jobs.all()
    if transition == "start_mitigation" and not jobs.exclude(state__in=DEAD_STATES).exists():
        raise TransitionConflict(
            "Mitigation needs at least one vendor job: commission a vendor first."
        )
    if transition == "start_settlement" and claim.state == ClaimState.MITIGATION:
        unfinished = jobs.exclude(state__in=DONE_STATES).select_related("organisation",
                                                                         "service")
        if unfinished:
            names = ", ".join(f"{job.service} by {job.organisation} ({job.get_state_display()})"
                              for job in unfinished)
            raise TransitionConflict(
                f"The claim leaves mitigation only when its vendor jobs are done or cancelled; "
                f"still open: {names}."
            )
