"""What happens next on a claim, in the policyholder's words."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Claim, ClaimState

S = ClaimState
NEXT_STEPS = {
    S.REPORTED: gettext_lazy("An adjuster will contact you within one business day."),
    S.LIABILITY_CHECK: gettext_lazy(
        "We are checking cover and liability. We will tell you the result."),
    S.MITIGATION: gettext_lazy(
        "Specialists we commissioned are working to keep the damage small. "
        "Their progress appears on this page."
    ),
    S.DEFENDING: gettext_lazy(
        "We consider the claim against you unjustified and defend it at our cost. Do not admit "
        "liability or pay the claimant yourself; send us any letter you receive from them."
    ),
    S.SETTLEMENT: gettext_lazy(
        "We are calculating what we pay. The settlement statement will appear here."),
    S.SETTLED: gettext_lazy("The settlement is approved and the payment is on its way."),
    S.PAID: gettext_lazy("The payment has been made. We will close the claim."),
    S.CLOSED: gettext_lazy("The claim is closed. If something new comes up, write to us."),
    S.DENIED: gettext_lazy(
        "We cannot cover this claim; the reason is given on the claim page. If you disagree, "
        "write to your adjuster."
    ),
    S.WITHDRAWN: gettext_lazy("The claim was withdrawn. Nothing more happens on it."),
    S.REOPENED: gettext_lazy("The claim was reopened; an adjuster is reviewing it again."),
}
EMERGENCY_REPORTED = gettext_lazy("An adjuster will call you within the hour.")


def next_step_text(*, claim: Claim, state: str | None = None) -> str:
    """The next step for ``state`` (default: the claim's state), ignoring open questions."""
    state = state or claim.state
    if state == S.REPORTED and claim.emergency:
        return str(EMERGENCY_REPORTED)
    return str(NEXT_STEPS.get(state, ""))


def next_step(*, claim: Claim) -> str:
    """The next step as the claim page and the home page show it: an open question comes first."""
    if claim.state not in (S.PAID, S.CLOSED, S.WITHDRAWN, S.DENIED):
        due = claim.information_due_date
        if due is not None:
            return _("We need an answer from you by %(date)s.") % {
                "date": date_format(due, "SHORT_DATE_FORMAT")}
    return next_step_text(claim=claim)
