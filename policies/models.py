"""Policyholders, policies, their coverage sections and insurance-year aggregate accounts.

Dates: a policy covers losses on ``start_date <= loss_date < expiry_date`` (cover ends at 00:00 of
the expiry date). Insurance years are the periods between anniversaries of the expiry date counted
back from it, so with the default expiry (start + term) they are anniversaries of the start, and
with the expiry moved to 1 January the first year is short (start to 31 December) and the others
are calendar years, as the seed describes for the IT-security discount.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from config.loading import LoadedFromRows
from coverage.models import MONEY, Module, Product

from .choices import TERM_CHOICES, Industry, ITSecurityCriterion, add_years
from .validation import module_error, policy_errors, sum_insured_error


class Region(models.TextChoices):
    """Federal states (ISO 3166-2): their public holidays count for the policyholder's deadlines."""

    DE_BW = "DE-BW", "Baden-Württemberg"
    DE_BY = "DE-BY", "Bayern"
    DE_BE = "DE-BE", "Berlin"
    DE_BB = "DE-BB", "Brandenburg"
    DE_HB = "DE-HB", "Bremen"
    DE_HH = "DE-HH", "Hamburg"
    DE_HE = "DE-HE", "Hessen"
    DE_MV = "DE-MV", "Mecklenburg-Vorpommern"
    DE_NI = "DE-NI", "Niedersachsen"
    DE_NW = "DE-NW", "Nordrhein-Westfalen"
    DE_RP = "DE-RP", "Rheinland-Pfalz"
    DE_SL = "DE-SL", "Saarland"
    DE_SN = "DE-SN", "Sachsen"
    DE_ST = "DE-ST", "Sachsen-Anhalt"
    DE_SH = "DE-SH", "Schleswig-Holstein"
    DE_TH = "DE-TH", "Thüringen"
    AT_1 = "AT-1", "Burgenland"
    AT_2 = "AT-2", "Kärnten"
    AT_3 = "AT-3", "Niederösterreich"
    AT_4 = "AT-4", "Oberösterreich"
    AT_5 = "AT-5", "Salzburg"
    AT_6 = "AT-6", "Steiermark"
    AT_7 = "AT-7", "Tirol"
    AT_8 = "AT-8", "Vorarlberg"
    AT_9 = "AT-9", "Wien"


class Policyholder(LoadedFromRows, models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policyholder",
    )
    company_name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    industry = models.CharField(max_length=30, choices=Industry.choices)
    unattended_automated_production = models.BooleanField(
        default=False,
        help_text="Automated production machines that keep running without people (not sold).",
    )
    annual_revenue = models.DecimalField(**MONEY)
    street = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="DE")
    region = models.CharField(
        "federal state", max_length=5, choices=Region.choices, blank=True,
        help_text="Where known: its public holidays move the policyholder's deadlines.",
    )

    class Meta:
        ordering = ["company_name"]
        # the claim list's "policyholder" order starts from here
        indexes = [models.Index(fields=["company_name", "id"], name="policyholder_name_idx")]

    def __str__(self) -> str:
        return self.company_name

    def clean(self):
        super().clean()
        if self.region and not self.region.startswith(f"{self.country}-"):
            raise ValidationError(
                {"region": f"{self.get_region_display()} is not a state of {self.country}."}
            )


class Policy(LoadedFromRows, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    number = models.CharField(max_length=30, unique=True)
    policyholder = models.ForeignKey(
        Policyholder, on_delete=models.PROTECT, related_name="policies"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="policies")
    start_date = models.DateField()
    term_years = models.PositiveSmallIntegerField(choices=TERM_CHOICES)
    expiry_date = models.DateField(help_text="Cover ends at 00:00 of this date.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    cancelled_from = models.DateField(
        null=True,
        blank=True,
        help_text="For a cancelled policy: no cover for losses from this date.",
    )
    deductible = models.DecimalField(**MONEY)
    it_security_discount = models.BooleanField(default=False)
    it_security_criterion = models.CharField(
        max_length=20, choices=ITSecurityCriterion.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "number"]
        verbose_name_plural = "policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__gt=F("start_date")), name="policy_expiry_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_from__isnull=False),
                name="policy_cancelled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.product.name})"

    def clean(self):
        """The same rules as ``policy_create`` for the policy's own fields (the admin)."""
        if None in (self.product_id, self.start_date, self.term_years, self.deductible):
            return  # the missing field has its own error
        expiry_date = self.expiry_date or add_years(self.start_date, self.term_years)
        errors = policy_errors(
            policyholder=self.policyholder if self._state.adding and self.policyholder_id
            else None,
            product=self.product,
            start_date=self.start_date,
            term_years=self.term_years,
            expiry_date=expiry_date,
            deductible=self.deductible,
            it_security_discount=self.it_security_discount,
            it_security_criterion=self.it_security_criterion,
        )
        if self.status == self.Status.CANCELLED and self.cancelled_from is None:
            errors["cancelled_from"] = ["A cancelled policy needs the date cover ends."]
        if errors:
            raise ValidationError(errors)

    def insurance_years(self) -> list[tuple[int, date, date]]:
        """``[(year, starts_on, ends_on_exclusive), ...]`` for the whole term."""
        boundaries = [self.expiry_date]
        back = 1
        while True:
            previous = add_years(self.expiry_date, -back)
            if previous <= self.start_date:
                break
            boundaries.append(previous)
            back += 1
        boundaries.append(self.start_date)
        boundaries.reverse()
        return [
            (index + 1, boundaries[index], boundaries[index + 1])
            for index in range(len(boundaries) - 1)
        ]


class CoverageSectionQuerySet(models.QuerySet):
    """The one coverage lookup:
    ``CoverageSection.objects.covering(loss_type).for_date(day).base_first()``."""

    def covering(self, loss_type) -> CoverageSectionQuerySet:
        """Sections whose module covers ``loss_type``."""
        return self.filter(module__loss_types=loss_type)

    def for_date(self, day: date) -> CoverageSectionQuerySet:
        """Sections with an insurance-year account running on ``day``."""
        return self.filter(accounts__starts_on__lte=day, accounts__ends_on__gt=day)

    def base_first(self) -> CoverageSectionQuerySet:
        """The base module's section first (the primary one), then the add-ons by name."""
        return self.select_related("module").order_by(
            Case(When(module__kind=Module.Kind.BASE, then=Value(0)), default=Value(1),
                 output_field=IntegerField()),
            "module__name_en",
        )


class CoverageSection(models.Model):
    """One module on a policy, with its own sum insured, deductible and aggregate."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="sections")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="sections")
    sum_insured = models.DecimalField(**MONEY, help_text="Per loss event.")
    aggregate_factor = models.PositiveSmallIntegerField(default=2)
    deductible = models.DecimalField(**MONEY)

    objects = CoverageSectionQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "module__kind", "module__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "module"], name="section_module_once"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} / {self.module.name}"

    def clean(self):
        """The module must belong to the policy's product, the sum insured must be offered."""
        policy = getattr(self, "policy", None)
        if policy is None or policy.product_id is None:
            return
        errors = {}
        if self.module_id is not None and (
            message := module_error(product=policy.product, module=self.module)
        ):
            errors["module"] = [message]
        if self.sum_insured is not None and (
            message := sum_insured_error(product=policy.product, amount=self.sum_insured)
        ):
            errors["sum_insured"] = [message]
        if errors:
            raise ValidationError(errors)

    @property
    def aggregate_limit(self) -> Decimal:
        return self.sum_insured * self.aggregate_factor


class InsuranceYearAccount(models.Model):
    """The 2x annual aggregate of one section in one insurance year.

    ``committed`` only changes under a row lock (``select_for_update``) together with a ledger row;
    the database refuses ``committed > limit`` or a negative commitment.
    """

    section = models.ForeignKey(CoverageSection, on_delete=models.CASCADE, related_name="accounts")
    year = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="Exclusive: the first day of the next insurance year.")
    limit = models.DecimalField(**MONEY)
    committed = models.DecimalField(**MONEY, default=Decimal("0.00"))

    class Meta:
        ordering = ["section", "year"]
        constraints = [
            models.UniqueConstraint(fields=["section", "year"], name="account_year_once"),
            models.CheckConstraint(
                condition=Q(committed__lte=F("limit")), name="account_committed_within_limit"
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0), name="account_committed_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} year {self.year} ({self.starts_on:%Y-%m-%d})"

    @property
    def remaining(self) -> Decimal:
        return self.limit - self.committed


class PolicyNumberCounter(models.Model):
    """The last number given per prefix and year (``CY-2026-000123``); locked while it counts."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="policy_number_counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


class PolicyPremium(models.Model):
    """The premium of one insurance year of a sold policy, as quoted at the sale; a later change
    (e.g. the IT-security discount lost after a claim) updates it with the reason and an audit
    row holding the difference."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="premiums")
    year = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="Exclusive: the first day of the next insurance year.")
    premium = models.DecimalField(**MONEY)
    it_security_discount = models.BooleanField(
        default=False, help_text="The IT-security discount is in this year's premium.")
    change_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "year"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "year"], name="policy_premium_year_once"),
            models.CheckConstraint(condition=Q(premium__gte=0), name="policy_premium_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} year {self.year}: {self.premium:,.2f}"


class PolicyDependency(models.Model):
    """An IT provider or a piece of software the policyholder's business depends on (asked when
    the policy is sold, kept up to date in the portal): who a provider outage or a flaw in that
    software would hit, before any claim comes in."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", _("IT provider (cloud, hosting, managed services)")
        SOFTWARE = "software", _("Software")

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="it_dependencies")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "kind", "name"]
        verbose_name = _("IT dependency")
        verbose_name_plural = _("IT dependencies")
        constraints = [
            models.UniqueConstraint(
                "policy", "kind", Lower("name"), name="policy_dependency_once"
            ),
        ]
        indexes = [models.Index(Lower("name"), name="policy_dependency_name")]

    def __str__(self) -> str:
        return f"{self.policy.number}: {self.name} ({self.get_kind_display()})"
