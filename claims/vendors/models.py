"""Vendor organisations, their users and their jobs on claims.

Transition methods of ``VendorJob`` change the state only; ``claims.vendors.services`` checks the
permission, saves, writes the audit row and sends the emails after commit.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from claims import roles
from claims.models import Claim, ClaimDocument
from config.loading import LoadedFromRows
from coverage.models import MONEY, CostCategory

from . import conf


class VendorService(models.Model):
    """A service vendors offer (data recovery, IT forensics, ...), with the cost category its
    invoices are booked under on the claim."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    cost_category = models.ForeignKey(
        CostCategory, on_delete=models.PROTECT, related_name="+",
        help_text="The claim's cost category an accepted invoice of this service is booked to.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The seeded services' names are in the translation catalogue (service_names.py)."""
        return gettext(self.name)


postcode_prefix = RegexValidator(r"^\d{1,5}$", "A postcode prefix: 1 to 5 digits.")


class VendorOrganisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    services = models.ManyToManyField(VendorService, related_name="organisations")
    regions = ArrayField(
        models.CharField(max_length=5, validators=[postcode_prefix]), default=list, blank=True,
        help_text="Postcode prefixes served (e.g. 86, 80, 1); empty with 'nationwide'.",
    )
    nationwide = models.BooleanField(default=False, help_text="Serves all of Germany.")
    available_24_7 = models.BooleanField("available 24/7", default=False)
    panel_member = models.BooleanField(
        default=False,
        help_text="Panel vendors may start work without the adjuster's prior consent.",
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def serves_postcode(self, postcode: str) -> bool:
        return bool(postcode) and any(postcode.startswith(prefix) for prefix in self.regions)


class VendorMembership(models.Model):
    """A login of a vendor organisation: one user belongs to one organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_membership"
    )
    organisation = models.ForeignKey(
        VendorOrganisation, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class JobState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ESCALATED = "escalated", "Escalated (not accepted in time)"
    QUOTED = "quoted", "Quoted"
    APPROVED = "approved", "Approved (consent given)"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    INVOICED = "invoiced", "Invoiced"
    ACCEPTED_FOR_PAYMENT = "accepted_for_payment", "Accepted for payment"
    CANCELLED = "cancelled", "Cancelled"


J = JobState
# Work not finished yet: counts as the vendor's current load; the adjuster may cancel it.
OPEN_STATES = [J.REQUESTED, J.ACCEPTED, J.QUOTED, J.APPROVED, J.IN_PROGRESS]
# Jobs that let a claim leave mitigation.
DONE_STATES = [J.COMPLETED, J.INVOICED, J.ACCEPTED_FOR_PAYMENT, J.CANCELLED, J.DECLINED,
               J.ESCALATED]
# Jobs that never came about (do not count as "a job" for mitigation).
DEAD_STATES = [J.DECLINED, J.ESCALATED, J.CANCELLED]


def is_job_vendor(job: VendorJob, user) -> bool:
    """``user`` is an active login of the organisation the job is assigned to."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    membership = getattr(user, "vendor_membership", None)
    return membership is not None and membership.organisation_id == job.organisation_id


def is_adjuster(job: VendorJob, user) -> bool:
    return roles.is_adjuster(user)


def consent_given(job: VendorJob) -> bool:
    """Work may start: the adjuster approved the quote, or the vendor is on the panel."""
    return job.state == J.APPROVED or job.organisation.panel_member


def has_report(job: VendorJob) -> bool:
    return job.report_document_id is not None


def overrun_needs_approval(job: VendorJob) -> bool:
    return job.invoice_over_tolerance and not job.overrun_approved


def payable(job: VendorJob) -> bool:
    return not overrun_needs_approval(job)


class VendorJob(LoadedFromRows, ConcurrentTransitionMixin, models.Model):
    """A service request on a claim to one vendor organisation."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="vendor_jobs")
    organisation = models.ForeignKey(
        VendorOrganisation, on_delete=models.PROTECT, related_name="jobs"
    )
    service = models.ForeignKey(VendorService, on_delete=models.PROTECT, related_name="jobs")
    state = FSMField(default=J.REQUESTED, choices=J.choices, protected=True, db_index=True)
    scope = models.TextField(blank=True, help_text="What the vendor is asked to do.")
    emergency = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="Empty: proposed by the system (emergency).",
    )
    requested_at = models.DateTimeField()
    accept_deadline = models.DateTimeField(
        null=True, blank=True, help_text="Emergency: accept by then or the job is escalated."
    )
    escalated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="escalated_to",
        help_text="The job of the previous vendor this one replaces.",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    rejection_reason = models.TextField(
        blank=True, help_text="Why the adjuster last rejected the quote or the invoice.")
    estimate = models.DecimalField(**MONEY, null=True, blank=True)
    quoted_at = models.DateTimeField(null=True, blank=True)
    approved_estimate = models.DecimalField(**MONEY, null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    report_document = models.ForeignKey(
        ClaimDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    invoice_amount = models.DecimalField(**MONEY, null=True, blank=True)
    invoice_document = models.ForeignKey(
        ClaimDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invoiced_at = models.DateTimeField(null=True, blank=True)
    overrun_reason = models.TextField(
        blank=True, help_text="Why the adjuster accepts an invoice above the tolerance."
    )
    overrun_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    overrun_approved_at = models.DateTimeField(null=True, blank=True)
    cost_line_ref = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The cost line the accepted invoice became."
    )
    accepted_for_payment_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_for_payment_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Declined/escalated/"
                                     "cancelled at.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-emergency", "-requested_at", "-id"]
        indexes = [models.Index(fields=["organisation", "state"]),
                   models.Index(fields=["state", "accept_deadline"]),
                   # A vendor's job list in its order.
                   models.Index(fields=["organisation", "-emergency", "-requested_at", "-id"],
                                name="vendorjob_org_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=J.DECLINED) | ~Q(decline_reason=""),
                name="vendor_job_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(estimate__isnull=True) | Q(estimate__gte=0),
                name="vendor_job_estimate_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(invoice_amount__isnull=True) | Q(invoice_amount__gte=0),
                name="vendor_job_invoice_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="vendor_job_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Job %(job)s: %(service)s by %(vendor)s on %(claim)s") % {
            "job": self.pk, "service": self.service, "vendor": self.organisation,
            "claim": self.claim}

    # --- money -------------------------------------------------------------------------------

    @property
    def estimate_basis(self) -> Decimal | None:
        """What the invoice is compared with: the approved estimate, else the quote."""
        return self.approved_estimate if self.approved_estimate is not None else self.estimate

    @property
    def invoice_limit(self) -> Decimal | None:
        """The highest invoice accepted without the adjuster's explicit approval."""
        basis = self.estimate_basis
        if basis is None:
            return None
        return (basis * (1 + conf.invoice_tolerance())).quantize(Decimal("0.01"))

    @property
    def invoice_over_tolerance(self) -> bool:
        if self.invoice_amount is None:
            return False
        limit = self.invoice_limit
        return limit is None or self.invoice_amount > limit

    @property
    def overrun_approved(self) -> bool:
        return self.overrun_approved_at is not None

    # --- transitions: state only -----------------------------------------------------------

    @transition(field=state, source=J.REQUESTED, target=J.ACCEPTED, permission=is_job_vendor,
                custom={"label": _("Accept job")})
    def accept(self):
        """The vendor takes the job."""

    @transition(field=state, source=J.REQUESTED, target=J.DECLINED, permission=is_job_vendor,
                custom={"label": _("Decline job")})
    def decline(self):
        """The vendor refuses the job (with a reason)."""

    @transition(field=state, source=J.REQUESTED, target=J.ESCALATED,
                custom={"label": _("Escalate (not accepted in time)")})
    def escalate(self):
        """System only: an emergency job was not accepted within its deadline."""

    @transition(field=state, source=[J.ACCEPTED, J.QUOTED], target=J.QUOTED,
                permission=is_job_vendor, custom={"label": _("Send quote")})
    def quote(self):
        """The vendor sends (or revises, before approval) the estimate and scope."""

    @transition(field=state, source=J.QUOTED, target=J.APPROVED, permission=is_adjuster,
                custom={"label": _("Approve quote"), "admin": True,
                        "help_text": _("Prior consent: the vendor may start work.")})
    def approve_quote(self):
        """The adjuster consents to the quoted work."""

    @transition(field=state, source=[J.ACCEPTED, J.QUOTED, J.APPROVED], target=J.IN_PROGRESS,
                permission=is_job_vendor, conditions=[consent_given],
                custom={"label": _("Start work")})
    def start_work(self):
        """Work starts (non-panel vendors only after the adjuster's approval)."""

    @transition(field=state, source=J.IN_PROGRESS, target=J.COMPLETED, permission=is_job_vendor,
                conditions=[has_report], custom={"label": _("Complete job")})
    def complete(self):
        """The vendor finishes, with the final report uploaded."""

    @transition(field=state, source=J.COMPLETED, target=J.INVOICED, permission=is_job_vendor,
                custom={"label": _("Send invoice")})
    def invoice(self):
        """The vendor sends the invoice (amount and document)."""

    @transition(field=state, source=J.INVOICED, target=J.INVOICED, permission=is_adjuster,
                conditions=[overrun_needs_approval],
                custom={"label": _("Approve invoice above the estimate"), "admin": True,
                        "help_text": _("The invoice exceeds the approved estimate by more than "
                                       "the tolerance: give the reason you accept it.")})
    def approve_overrun(self):
        """The adjuster accepts an invoice above the tolerance (reason recorded)."""

    @transition(field=state, source=J.INVOICED, target=J.ACCEPTED_FOR_PAYMENT,
                permission=is_adjuster, conditions=[payable],
                custom={"label": _("Accept invoice for payment"), "admin": True,
                        "help_text": _("Books the invoice as a cost line payable to the vendor.")})
    def accept_for_payment(self):
        """The adjuster accepts the invoice; it becomes a cost line on the claim."""

    @transition(field=state, source=OPEN_STATES, target=J.CANCELLED, permission=is_adjuster,
                custom={"label": _("Cancel job"), "admin": True, "help_text": _("Needs a reason.")})
    def cancel(self):
        """The adjuster cancels an open job."""

    @transition(field=state, source=J.QUOTED, target=J.ACCEPTED, permission=is_adjuster,
                custom={"label": "Reject quote", "admin": True,
                        "help_text": "Needs a reason; the vendor may send a new quote."})
    def reject_quote(self):
        """The adjuster does not consent to the quote; the vendor may quote again."""

    @transition(field=state, source=J.INVOICED, target=J.COMPLETED, permission=is_adjuster,
                custom={"label": "Reject invoice", "admin": True,
                        "help_text": "Needs a reason; the vendor may send a corrected invoice."})
    def reject_invoice(self):
        """The adjuster rejects the invoice; the vendor may send a corrected one."""


VENDOR_TRANSITIONS = ("accept", "decline", "quote", "start_work", "complete", "invoice")
ADJUSTER_TRANSITIONS = ("approve_quote", "approve_overrun", "accept_for_payment", "cancel",
                        "reject_quote", "reject_invoice")


class VendorProgressUpdate(models.Model):
    """A progress report on a job. Append-only."""

    job = models.ForeignKey(VendorJob, on_delete=models.PROTECT, related_name="progress_updates")
    percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField()
    visible_to_policyholder = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100),
                                   name="vendor_progress_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.percent} % on job {self.job_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Progress updates are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Progress updates are append-only.")


# A vendor that declined a job, or let it pass to another vendor, no longer sees whom it was for.
CONTACT_HIDDEN_STATES = frozenset({JobState.DECLINED, JobState.ESCALATED})


def contact_visible(job) -> bool:
    """Whether the vendor of ``job`` may see the policyholder's contact details."""
    return job.state not in CONTACT_HIDDEN_STATES
