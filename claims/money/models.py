"""The money of a claim.

Cost lines, reserve levels, interruption assessments and ledger entries are append-only: a
PostgreSQL trigger (migration 0002) refuses UPDATE and DELETE, and a correction is a new row.

The ledger invariant, checked by ``manage.py check_ledger``, per insurance-year account:
``account.committed == sum(commitment and reversal entries)``, ``committed <= limit`` and
``paid (sum of payment entries) <= committed + deductible advanced (owed and offset entries)``.
Payment entries do not change ``committed``: they record that money left the house.

The deductible is the insured's (DOMAIN.md, "Who pays the deductible"): a vendor or a claimant is
paid the covered amount in full; what the insured's own payments cannot absorb is a receivable,
``deductible_owed`` (+), reduced by ``deductible_offset`` (taken from a later payment to the
insured on the same loss event), ``deductible_received``, ``deductible_written_off`` and
``deductible_reversed`` (its payment was cancelled) entries (-). Per claim, what is owed never
goes below zero. Only ``claims.money.ledger.ledger_post`` writes entries.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from coverage.models import MONEY, CostCategory
from policies.models import CoverageSection, InsuranceYearAccount

USER = settings.AUTH_USER_MODEL


class PayeeKind(models.TextChoices):
    CLAIMANT = "claimant", "Claimant (third party)"
    POLICYHOLDER = "policyholder", "Policyholder"
    VENDOR = "vendor", "Vendor"


class CostLine(models.Model):
    """A cost the claim brings: what, how much, who is to be paid. Immutable once written."""

    class Source(models.TextChoices):
        ADJUSTER = "adjuster", "Entered by the adjuster"
        VENDOR_INVOICE = "vendor_invoice", "Vendor invoice"

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="cost_lines")
    section = models.ForeignKey(CoverageSection, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY, help_text="Negative: a correction of earlier lines.")
    payee_kind = models.CharField(max_length=20, choices=PayeeKind.choices)
    payee_name = models.CharField(max_length=200, help_text="Who is paid, as on the transfer.")
    vendor = models.ForeignKey(
        "vendors.VendorOrganisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADJUSTER)
    source_job_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="cost_line_not_zero"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | ~Q(reason=""), name="cost_line_correction_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.code} {self.amount:,.2f} to {self.payee_name}"


class ReserveKind(models.TextChoices):
    LOSS = "loss", "Loss reserve"
    EXPENSE = "expense", "Expense reserve"


class ReserveChange(models.Model):
    """A new reserve level for one claim, section and kind; the current reserve is the latest."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="reserves")
    section = models.ForeignKey(CoverageSection, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ReserveKind.choices)
    level = models.DecimalField(**MONEY, help_text="The reserve from now on.")
    previous_level = models.DecimalField(**MONEY)
    reason = models.TextField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=0), name="reserve_not_negative"),
            models.CheckConstraint(condition=~Q(reason=""), name="reserve_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.previous_level:,.2f} -> {self.level:,.2f}"


class InterruptionAssessment(models.Model):
    """The assessed loss of the first 8 hours of a business interruption (the deductible of a
    section with the ``first_8_hours`` rule is at least this). The latest row counts."""

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, related_name="interruption_assessments"
    )
    section = models.ForeignKey(CoverageSection, on_delete=models.PROTECT, related_name="+")
    first_8_hours_loss = models.DecimalField(**MONEY)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_8_hours_loss__gte=0), name="interruption_loss_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"first 8 hours {self.first_8_hours_loss:,.2f}"


class SettlementState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PENDING_TEAM_LEAD = "pending_team_lead", "Waiting for a higher authority's approval"
    APPROVED = "approved", "Approved (committed)"
    PAID = "paid", "Paid"
    REFUSED = "refused", "Refused"


OPEN_SETTLEMENT_STATES = [SettlementState.PROPOSED, SettlementState.PENDING_TEAM_LEAD]


class Settlement(models.Model):
    """What is paid on one claim under one section: proposed from the calculation, approved
    (committed against the insurance-year account), paid. Figures are re-computed at approval."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="settlements")
    section = models.ForeignKey(CoverageSection, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        InsuranceYearAccount, on_delete=models.PROTECT, related_name="settlements"
    )
    state = FSMField(
        default=SettlementState.PROPOSED, choices=SettlementState.choices, protected=True
    )
    proposed_payable = models.DecimalField(**MONEY)
    approved_amount = models.DecimalField(**MONEY, null=True, blank=True)
    deductible_taken = models.DecimalField(**MONEY, null=True, blank=True)
    limited_by = models.JSONField(default=list, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    refusal_reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    escalated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The adjuster whose approval limit the amount exceeded.",
    )
    required_level = models.ForeignKey(
        "money.AuthorityLevel", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="Escalated: the lowest authority level that may approve it.",
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Who approved or refused it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "section"],
                condition=Q(state__in=OPEN_SETTLEMENT_STATES),
                name="settlement_one_open_per_claim_section",
            ),
            models.CheckConstraint(
                condition=Q(proposed_payable__gte=0), name="settlement_payable_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "paid"]) | Q(approved_amount__gte=0),
                name="settlement_approved_has_amount_v2",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""),
                name="settlement_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Settlement {self.pk} of {self.claim} ({self.get_state_display()})"

    @property
    def approved_by(self):
        return self.decided_by if self.state in ("approved", "paid") else None

    # Transitions change the state only; the services in claims.money.services do the rest.

    @transition(field=state, source=SettlementState.PROPOSED,
                target=SettlementState.PENDING_TEAM_LEAD)
    def escalate(self):
        """Above the adjuster's approval limit: a team lead decides."""

    @transition(field=state, source=OPEN_SETTLEMENT_STATES, target=SettlementState.APPROVED)
    def approve(self):
        """Committed against the insurance-year account."""

    @transition(field=state, source=OPEN_SETTLEMENT_STATES, target=SettlementState.REFUSED)
    def refuse(self):
        """Refused by a person, or nothing left to commit."""

    @transition(field=state, source=SettlementState.APPROVED, target=SettlementState.PAID)
    def mark_paid(self):
        """Every payment of the settlement is paid."""


class LedgerEntry(models.Model):
    """One immutable money movement on an insurance-year account."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", "Commitment"
        PAYMENT = "payment", "Payment"
        REVERSAL = "reversal", "Reversal of a commitment"
        DEDUCTIBLE_OWED = "deductible_owed", "Deductible owed by the insured"
        DEDUCTIBLE_OFFSET = "deductible_offset", "Deductible taken from a payment to the insured"
        DEDUCTIBLE_RECEIVED = "deductible_received", "Deductible received from the insured"
        DEDUCTIBLE_WRITTEN_OFF = "deductible_written_off", "Deductible written off"
        DEDUCTIBLE_REVERSED = "deductible_reversed", "Deductible owed reversed (payment cancelled)"
        OUTSIDE_LIMITS = "outside_limits", "Paid on top of the sum insured (does not erode it)"
        SUBLIMIT_USE = "sublimit_use", "Use of a per-loss sublimit (no money moves)"

    account = models.ForeignKey(
        InsuranceYearAccount, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="+")
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    payment = models.ForeignKey(
        "Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    category = models.ForeignKey(
        "catalogue.CostCategory", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="Sublimit use: the category whose sublimit is used.",
    )
    amount = models.DecimalField(**MONEY, help_text="Signed: a reversal is negative.")
    idempotency_key = models.CharField(max_length=120, unique=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Empty: the system (the payment task).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reversal", amount__lt=0, reverses__isnull=False)
                | Q(kind__in=["commitment", "payment", "deductible_owed", "outside_limits"],
                    amount__gt=0)
                | Q(kind__in=["deductible_offset", "deductible_received",
                              "deductible_written_off", "deductible_reversed"], amount__lt=0)
                | Q(kind="sublimit_use", category__isnull=False),
                name="ledger_entry_sign_by_kind_v3",
            ),
            models.CheckConstraint(
                condition=~Q(kind="payment") | Q(payment__isnull=False),
                name="ledger_payment_names_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,.2f} ({self.idempotency_key})"


class Payment(models.Model):
    """A transfer to one payee. ``pending`` until the payment task pays it, exactly once: the
    status only moves under a row lock, in the transaction that records the transfer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled (commitment reversed)"

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="payments")
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="payments")
    account = models.ForeignKey(InsuranceYearAccount, on_delete=models.PROTECT, related_name="+")
    payee_kind = models.CharField(max_length=20, choices=PayeeKind.choices)
    payee_name = models.CharField(max_length=200)
    vendor = models.ForeignKey(
        "vendors.VendorOrganisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(**MONEY)
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="How often its task was enqueued.")
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    external_reference = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_at__isnull=False)
                                               & ~Q(external_reference="")),
                name="payment_paid_has_reference",
            ),
            models.UniqueConstraint(
                fields=["external_reference"], condition=~Q(external_reference=""),
                name="payment_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk}: {self.amount:,.2f} to {self.payee_name} ({self.status})"


RECEIVABLE_KINDS = [
    LedgerEntry.Kind.DEDUCTIBLE_OWED, LedgerEntry.Kind.DEDUCTIBLE_OFFSET,
    LedgerEntry.Kind.DEDUCTIBLE_RECEIVED, LedgerEntry.Kind.DEDUCTIBLE_WRITTEN_OFF,
    LedgerEntry.Kind.DEDUCTIBLE_REVERSED,
]
# Cash that may leave on top of ``committed``: the deductible advanced for the insured, and
# costs paid on top of the sum insured.
ADVANCE_KINDS = [LedgerEntry.Kind.DEDUCTIBLE_OWED, LedgerEntry.Kind.DEDUCTIBLE_OFFSET,
                 LedgerEntry.Kind.OUTSIDE_LIMITS]


class AuthorityLevel(models.Model):
    """Financial authority is data (DOMAIN.md, "Authority"): a group of staff and the largest
    settlement its members may approve alone (empty: without limit). Only administrators edit
    this table; a user's limit is the highest level of the groups they are in."""

    name = models.CharField(max_length=60, unique=True)
    group = models.OneToOneField("auth.Group", on_delete=models.PROTECT, related_name="authority")
    approval_limit = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Empty: without limit.",
    )
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the lowest level.")

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        limit = "no limit" if self.approval_limit is None else f"{self.approval_limit:,.2f}"
        return f"{self.name} ({limit})"

    def may_approve(self, amount: Decimal) -> bool:
        return self.approval_limit is None or amount <= self.approval_limit


class RansomAgreement(models.Model):
    """The insurer's agreement to a ransom ("where nothing else helps and after agreement"),
    recorded before a ransom cost line can be approved."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT,
                              related_name="ransom_agreements")
    agreed_by_name = models.CharField(max_length=200, help_text="Who at the insurer agreed.")
    agreed_at = models.DateTimeField(help_text="When the agreement was given.")
    police_report_reference = models.CharField(max_length=100)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(agreed_by_name=""), name="ransom_agreed_by"),
            models.CheckConstraint(condition=~Q(police_report_reference=""),
                                   name="ransom_police_report"),
        ]

    def __str__(self) -> str:
        return f"Ransom agreed by {self.agreed_by_name} ({self.police_report_reference})"


class SecurityProofDecision(models.Model):
    """The adjuster's decision on the IT-security discount's proof asked in a claim: provided,
    missing or negative. Missing or negative: the policy loses the discount from the next
    insurance year on (*assumed* consequence), the premium difference recorded here."""

    class Outcome(models.TextChoices):
        PROVIDED = "provided", "Proof provided"
        MISSING = "missing", "Proof missing"
        NEGATIVE = "negative", "Proof negative (the criterion was not met)"

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT,
                              related_name="security_proof_decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField()
    discount_lost_from_year = models.PositiveSmallIntegerField(null=True, blank=True)
    premium_difference = models.DecimalField(**MONEY, default=Decimal("0.00"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="security_proof_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.claim})"
