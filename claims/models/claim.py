"""The claim and its state machine.

Transition methods change the state only; ``claims.services.transitions.claim_transition`` checks
the permission, saves, writes the audit row, runs the coverage check and opens the activities.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from claims import roles
from config.loading import LoadedFromRows
from coverage.models import MONEY, LossType, Product
from policies.models import CoverageSection, InsuranceYearAccount, Policy


class ClaimState(models.TextChoices):
    REPORTED = "reported", "Reported"
    LIABILITY_CHECK = "liability_check", "Liability and coverage check"
    DENIED = "denied", "Denied"
    DEFENDING = "defending", "Defending an unjustified claim"
    MITIGATION = "mitigation", "Mitigation (vendors at work)"
    SETTLEMENT = "settlement", "Settlement"
    SETTLED = "settled", "Settled (approved)"
    PAID = "paid", "Paid"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REOPENED = "reopened", "Reopened"


S = ClaimState
WITHDRAWABLE_STATES = [S.REPORTED, S.LIABILITY_CHECK, S.MITIGATION]
FINAL_STATES = [S.CLOSED, S.WITHDRAWN]


class DenialReason(models.TextChoices):
    NOT_COVERED = "not_covered", "Not covered by the policy"
    OUTSIDE_POLICY_PERIOD = "outside_policy_period", "Loss outside the policy period"
    EXCLUDED_RISK = "excluded_risk", "Excluded risk"
    NO_LIABILITY = "no_liability", "The insured is not liable"
    LATE_NOTIFICATION = "late_notification", "Late notification"
    FRAUD = "fraud", "Fraud"
    OTHER = "other", "Other"


def may_decide(claim: Claim, user) -> bool:
    return roles.is_adjuster(user)


def may_withdraw(claim: Claim, user) -> bool:
    return roles.is_adjuster(user) or roles.is_policyholder_of(user, claim)


def is_third_party_claim(claim: Claim) -> bool:
    return claim.loss_type.third_party


class ClaimNumberCounter(models.Model):
    """The last claim number given out in a year by the old locking counter; numbers now come
    from a PostgreSQL sequence per year (``claims.services.numbering``), which starts after it."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ClaimSeries(models.Model):
    """Claims an adjuster linked because they arise from one cause: they share one deductible and
    one per-loss limit."""

    cause = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "claim series"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Series {self.pk}: {self.cause}"


class Claim(LoadedFromRows, ConcurrentTransitionMixin, models.Model):
    number = models.CharField(max_length=20, unique=True, editable=False)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="claims")
    loss_type = models.ForeignKey(LossType, on_delete=models.PROTECT, related_name="claims")
    policy_product = models.ForeignKey(
        Product, null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="+", db_index=False,
        help_text="The policy's product, stored for the lists' product filter (set by the "
                  "database from the policy: migration claims.0008_claim_policy_product).",
    )
    loss_date = models.DateField()
    reported_at = models.DateTimeField(help_text="When the loss was reported (first notice).")
    description = models.TextField()
    emergency = models.BooleanField(
        default=False, help_text="A 24/7 hotline case: first contact within the hour."
    )
    estimated_amount = models.DecimalField(**MONEY, null=True, blank=True)
    claimant_name = models.CharField(
        max_length=200, blank=True, help_text="The third party claiming (liability claims)."
    )
    claimant_email = models.EmailField(blank=True)
    claimant_address = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_claims"
    )
    assigned_adjuster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_claims",
    )
    series = models.ForeignKey(
        ClaimSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    state = FSMField(default=S.REPORTED, choices=S.choices, protected=True, db_index=True)

    denial_reason = models.CharField(max_length=30, choices=DenialReason.choices, blank=True)
    denial_text = models.TextField(blank=True)
    withdrawal_reason = models.TextField(blank=True)

    # The coverage check (run on entry to the liability check).
    coverage_covered = models.BooleanField(null=True, help_text="Empty: not checked yet.")
    coverage_code = models.CharField(max_length=40, blank=True)
    coverage_message = models.TextField(blank=True)
    coverage_section = models.ForeignKey(
        CoverageSection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    coverage_account = models.ForeignKey(
        InsuranceYearAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    coverage_insurance_year = models.PositiveSmallIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the claim was last closed (empty: open)."
    )
    coverage_checked_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(
        blank=True, default="", editable=False,
        help_text="What the claim search looks in (number, description, claimant, "
                  "policy number, policyholder), upper-cased; kept by the database "
                  "(migration claims.0009_claim_search_text).",
    )
    next_due_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="The earliest due time of the claim's open activities (empty: none open). "
                  "Kept by the database (migration claims.0007_claim_next_due_at), whoever "
                  "opens, completes, reschedules or deletes an activity.",
    )
    unanswered_message = models.BooleanField(
        default=False, editable=False,
        help_text="The latest note is a message from the policyholder that nobody has answered "
                  "yet. Kept by the database (migration claims.0011_claim_unanswered_message).",
    )
    sections = models.ManyToManyField(
        CoverageSection, through="ClaimSection", related_name="claims", blank=True
    )

    # Duplicates: flagged at report time, reviewed by an adjuster, never merged.
    possible_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_similarity = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    duplicate_reviewed_at = models.DateTimeField(null=True, blank=True)
    duplicate_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-emergency", "reported_at", "id"]
        indexes = [
            models.Index(fields=["policy", "loss_date"]),
            # The work queue's order, alone and after the usual filters (keyset-friendly).
            models.Index(fields=["-emergency", "reported_at", "id"], name="claim_queue_order_idx"),
            models.Index(fields=["state", "-emergency", "reported_at", "id"],
                         name="claim_state_queue_idx"),
            models.Index(fields=["assigned_adjuster", "-emergency", "reported_at", "id"],
                         name="claim_adjuster_queue_idx"),
            models.Index(fields=["reported_at"], name="claim_reported_at_idx"),
            # "next due" order (the admin list's column), alone and for an adjuster's claims
            models.Index(fields=["next_due_at", "-id"], name="claim_next_due_idx"),
            models.Index(fields=["assigned_adjuster", "next_due_at", "-id"],
                         name="claim_adjuster_next_due_idx"),
            # the claims with a message from the policyholder nobody answered yet (a few)
            models.Index(fields=["id"], name="claim_unanswered_idx",
                         condition=models.Q(unanswered_message=True)),
            # the start page's queue counts, read from the index alone (claims.desk.dashboard):
            # an adjuster's open claims from their range, the others from every entry
            models.Index(fields=["assigned_adjuster", "state", "emergency", "next_due_at",
                                 "unanswered_message"], name="claim_queue_counts_idx"),
            models.Index(fields=["loss_type", "-emergency", "reported_at", "id"],
                         name="claim_loss_type_queue_idx"),
            models.Index(fields=["policy_product", "-emergency", "reported_at", "id"],
                         name="claim_product_queue_idx"),
            # the duplicate check reads a policy's most recent claims
            models.Index(fields=["policy", "-reported_at"], name="claim_policy_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="claim_estimate_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.DENIED) | ~Q(denial_reason=""),
                name="claim_denial_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(possible_duplicate_of=F("pk")) & ~Q(duplicate_of=F("pk")),
                name="claim_not_duplicate_of_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.number or "new claim"

    @property
    def state_fields(self):
        """django-fsm's ``ConcurrentTransitionMixin.state_fields`` (the model's FSM fields),
        found once per class: it looked through every field for each claim loaded (fifty on a
        list page)."""
        fields = type(self).__dict__.get("_fsm_state_fields")
        if fields is None:
            fields = tuple(super().state_fields)
            type(self)._fsm_state_fields = fields
        return fields

    @property
    def is_third_party(self) -> bool:
        return self.loss_type.third_party

    @property
    def claimant_display(self) -> str:
        """Who claims: the named third party, or the insured for own damage."""
        if self.claimant_name:
            return self.claimant_name
        return f"{self.policy.policyholder} (insured)"

    @property
    def awaiting_information(self) -> bool:
        """An information request is open (read from ``open_information_due`` when the queryset
        annotated it: ``claims.selectors.with_open_information``)."""
        if "open_information_due" in self.__dict__:
            return self.open_information_due is not None
        return self.information_requests.filter(status="open").exists()

    @property
    def information_due_date(self):
        """The earliest due date of the open information requests (None if none is open)."""
        if "open_information_due" in self.__dict__:
            return self.open_information_due
        return (
            self.information_requests.filter(status="open")
            .order_by("due_date")
            .values_list("due_date", flat=True)
            .first()
        )

    @property
    def duplicate_flag_open(self) -> bool:
        return self.possible_duplicate_of_id is not None and self.duplicate_reviewed_at is None

    # --- transitions: state only ------------------------------------------------------------

    @transition(
        field=state, source=[S.REPORTED, S.REOPENED], target=S.LIABILITY_CHECK,
        permission=may_decide,
        custom={"label": _("Start liability check"), "admin": True,
                "help_text": _("Runs the coverage check and opens the liability decision.")},
    )
    def start_liability_check(self):
        """Reported (or reopened) -> liability and coverage check."""

    @transition(
        field=state, source=S.LIABILITY_CHECK, target=S.DENIED, permission=may_decide,
        custom={"label": _("Deny claim"), "admin": True,
                "help_text": _("Needs a reason from the list and an explanation.")},
    )
    def deny(self):
        """Liability check -> denied."""

    @transition(
        field=state, source=S.LIABILITY_CHECK, target=S.DEFENDING, permission=may_decide,
        conditions=[is_third_party_claim],
        custom={"label": _("Defend unjustified claim"), "admin": True,
                "help_text": _("Passive legal protection: fend off the third party's claim.")},
    )
    def defend(self):
        """Liability check -> defending an unjustified third-party claim."""

    @transition(
        field=state, source=S.LIABILITY_CHECK, target=S.MITIGATION, permission=may_decide,
        custom={"label": _("Start mitigation (vendors)"), "admin": True,
                "help_text": _("Vendors keep the damage small (forensics, data recovery, ...).")},
    )
    def start_mitigation(self):
        """Liability check -> mitigation."""

    @transition(
        field=state, source=[S.LIABILITY_CHECK, S.MITIGATION], target=S.SETTLEMENT,
        permission=may_decide,
        custom={"label": _("Go to settlement"), "admin": True},
    )
    def start_settlement(self):
        """Liability check or mitigation -> settlement."""

    @transition(
        field=state, source=S.SETTLEMENT, target=S.SETTLED, permission=may_decide,
        # Driven by the money: settlement_approve moves the claim here, never a bare button.
        custom={"label": _("Approve settlement"), "admin": False},
    )
    def approve_settlement(self):
        """Settlement -> settled (approved)."""

    @transition(
        field=state, source=S.SETTLED, target=S.PAID, permission=may_decide,
        # Driven by the money: the last executed payment moves the claim here.
        custom={"label": _("Record payment"), "admin": False},
    )
    def mark_paid(self):
        """Settled -> paid."""

    @transition(
        field=state, source=[S.SETTLED, S.PAID], target=S.SETTLEMENT, permission=may_decide,
        # Driven by the money: a payment cancelled or voided without re-issue gives its
        # commitment back; the adjuster settles that part again.
        custom={"label": "Back to settlement (payment voided)", "admin": False},
    )
    def payment_reversed(self):
        """Settled or paid -> settlement (a payment was cancelled or voided)."""

    @transition(
        field=state, source=S.PAID, target=S.SETTLED, permission=may_decide,
        # Driven by the money: a voided payment re-issued to the right payee is due again.
        custom={"label": "Settled (payment re-issued)", "admin": False},
    )
    def payment_reissued(self):
        """Paid -> settled (a voided payment is re-issued; the open amount is due)."""

    @transition(
        field=state, source=[S.PAID, S.DENIED, S.DEFENDING], target=S.CLOSED,
        permission=may_decide,
        custom={"label": _("Close claim"), "admin": True},
    )
    def close(self):
        """Paid, denied or defended -> closed."""

    @transition(
        field=state, source=WITHDRAWABLE_STATES, target=S.WITHDRAWN, permission=may_withdraw,
        custom={"label": _("Withdraw claim"), "admin": True,
                "help_text": _("The policyholder withdraws the claim; needs a reason.")},
    )
    def withdraw(self):
        """Any state before settlement -> withdrawn (policyholder or adjuster)."""

    @transition(
        field=state, source=S.CLOSED, target=S.REOPENED, permission=may_decide,
        custom={"label": _("Reopen claim"), "admin": True, "help_text": _("Needs a reason.")},
    )
    def reopen(self):
        """Closed -> reopened (then back to the liability check)."""


TRANSITION_NAMES = (
    "start_liability_check", "deny", "defend", "start_mitigation", "start_settlement",
    "approve_settlement", "mark_paid", "close", "withdraw", "reopen",
)


class ClaimSection(models.Model):
    """A coverage section the claim is handled under, with the insurance-year account of the loss
    date; filled by the coverage check (``is_primary``: the one the check chose)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="claim_sections")
    section = models.ForeignKey(CoverageSection, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        InsuranceYearAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_primary = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "section__module__kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "section"], name="claim_section_once"),
        ]

    def __str__(self) -> str:
        return f"{self.claim} / {self.section.module.name}"
