"""What happens next on a claim, in the policyholder's words."""

from __future__ import annotations

from claims.models import Claim, ClaimState

S = ClaimState
NEXT_STEPS = {
    S.REPORTED: "An adjuster will contact you within one business day.",
    S.LIABILITY_CHECK: "We are checking cover and liability. We will tell you the result.",
    S.MITIGATION: (
        "Specialists we commissioned are working to keep the damage small. "
        "Their progress appears on this page."
    ),
    S.DEFENDING: (
        "We consider the claim against you unjustified and defend it at our cost. Do not admit "
        "liability or pay the claimant yourself; send us any letter you receive from them."
    ),
    S.SETTLEMENT: "We are calculating what we pay. The settlement statement will appear here.",
    S.SETTLED: "The settlement is approved and the payment is on its way.",
    S.PAID: "The payment has been made. We will close the claim.",
    S.CLOSED: "The claim is closed. If something new comes up, write to us.",
    S.DENIED: (
        "We cannot cover this claim; the reason is given on the claim page. If you disagree, "
        "write to your adjuster."
    ),
    S.WITHDRAWN: "The claim was withdrawn. Nothing more happens on it.",
    S.REOPENED: "The claim was reopened; an adjuster is reviewing it again.",
}
EMERGENCY_REPORTED = "An adjuster will call you within the hour."


def next_step_text(*, claim: Claim, state: str | None = None) -> str:
    """The next step for ``state`` (default: the claim's state), ignoring open questions."""
    state = state or claim.state
    if state == S.REPORTED and claim.emergency:
        return EMERGENCY_REPORTED
    return NEXT_STEPS.get(state, "")


def next_step(*, claim: Claim) -> str:
    """The next step as the claim page and the home page show it: an open question comes first."""
    if claim.state not in (S.PAID, S.CLOSED, S.WITHDRAWN, S.DENIED):
        due = claim.information_due_date
        if due is not None:
            return f"We need an answer from you by {due:%d.%m.%Y}."
    return next_step_text(claim=claim)
