"""Every write of a claim's money goes through these services."""

from claims.money.services.lines import cost_line_add, interruption_assess, reserve_set
from claims.money.services.payments import payment_execute, payments_sweep, reversal_record
from claims.money.services.ransom import ransom_agreement_record
from claims.money.services.receivables import deductible_owed, deductible_receivable_settle
from claims.money.services.security_proof import security_proof_decide
from claims.money.services.settlements import (
    settlement_approve,
    settlement_propose,
    settlement_refuse,
    settlements_approve_in_background,
)

__all__ = [
    "cost_line_add",
    "deductible_owed",
    "deductible_receivable_settle",
    "interruption_assess",
    "payment_execute",
    "payments_sweep",
    "ransom_agreement_record",
    "reserve_set",
    "reversal_record",
    "security_proof_decide",
    "settlement_approve",
    "settlement_propose",
    "settlement_refuse",
    "settlements_approve_in_background",
]
