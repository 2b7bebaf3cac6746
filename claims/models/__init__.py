"""Claims models: the claim and its state machine, its records, activities and adjusters."""

from claims.models.activities import Activity, ActivityTemplate, Holiday
from claims.models.adjusters import AdjusterProfile
from claims.models.claim import (
    FINAL_STATES,
    TRANSITION_NAMES,
    WITHDRAWABLE_STATES,
    Claim,
    ClaimNumberCounter,
    ClaimSection,
    ClaimSeries,
    ClaimState,
    DenialReason,
)
from claims.models.receipts import ReceivedReport, ReportReceipt
from claims.models.records import ClaimDocument, ClaimNote, InformationRequest

__all__ = [
    "FINAL_STATES",
    "TRANSITION_NAMES",
    "WITHDRAWABLE_STATES",
    "Activity",
    "ActivityTemplate",
    "AdjusterProfile",
    "Claim",
    "ClaimDocument",
    "ClaimNote",
    "ClaimNumberCounter",
    "ClaimSection",
    "ClaimSeries",
    "ClaimState",
    "DenialReason",
    "Holiday",
    "InformationRequest",
    "ReceivedReport",
    "ReportReceipt",
]
