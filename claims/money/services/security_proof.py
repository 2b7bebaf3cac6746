"""The IT-security discount's proof, decided in a claim where it is relevant (DOMAIN.md, "Ransom
and the IT-security proof"): missing or negative, the policy loses the discount from the next
insurance year on and the premium difference is recorded."""

from __future__ import annotations

from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.models import Claim, InformationRequest
from claims.money.models import SecurityProofDecision
from claims.money.services.common import require_adjuster
from claims.services.tx import business_action
from config.audit import audit_record
from policies.models import Policy
from policies.premiums import premium_discount_remove


def security_proof_decide(*, claim: Claim, outcome: str, reason: str, by
                          ) -> SecurityProofDecision:
    require_adjuster(by, _("decide on the IT-security proof"))
    if outcome not in SecurityProofDecision.Outcome.values:
        raise ClaimValidationError({"outcome": _("Choose provided, missing or negative.")})
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Give the reason for the decision.")})
    if not claim.policy.it_security_discount:
        raise TransitionConflict(_("The policy has no IT-security discount to decide on."))
    if not claim.information_requests.filter(
            kind=InformationRequest.Kind.IT_SECURITY_PROOF).exists():
        raise TransitionConflict(
            _("The proof was not asked in this claim: only a security-relevant loss asks for it."))
    with business_action():
        policy = Policy.objects.select_for_update().get(pk=claim.policy_id)
        lost_from, difference = None, None
        if outcome != SecurityProofDecision.Outcome.PROVIDED:
            year = next((number for number, starts, ends in policy.insurance_years()
                         if starts <= claim.loss_date < ends), 1)
            lost_from = year + 1
            difference = premium_discount_remove(
                policy=policy, from_year=lost_from,
                reason=f"IT-security discount lost after claim {claim.number}: {reason.strip()}")
        decision = SecurityProofDecision.objects.create(
            claim=claim, outcome=outcome, reason=reason.strip(), decided_by=by,
            discount_lost_from_year=lost_from, **(
                {"premium_difference": difference} if difference is not None else {}),
        )
        audit_record(
            actor=by, action="money.security_proof_decided", obj=decision,
            to_value=outcome, reason=reason.strip(),
            payload={"policy": policy.number, "discount_lost_from_year": lost_from,
                     "premium_difference": decision.premium_difference},
            claim_id=claim.pk,
        )
    return decision
