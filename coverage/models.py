"""The product catalogue. All of it is data (loaded by migration 0002 from the seeds' numbers,
editable in the admin), never constants in code."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from config.loading import LoadedFromRows

MONEY = {"max_digits": 14, "decimal_places": 2}


def _in_language(obj, field: str) -> str:
    """The German text when German is active and one is given, else the English."""
    if (get_language() or "de").startswith("de"):
        return getattr(obj, f"{field}_de") or getattr(obj, f"{field}_en")
    return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_de")


def localized_name(path: str = ""):
    """An expression for ``<path>name`` in the active language, for queries (``values``,
    ``order_by``, aggregates): the German name when German is active and one is given, else the
    English (and the other way round)."""
    first, second = ("de", "en") if (get_language() or "de").startswith("de") else ("en", "de")
    return Coalesce(NullIf(F(f"{path}name_{first}"), Value("")), F(f"{path}name_{second}"))


class BilingualName(LoadedFromRows, models.Model):
    """``name`` reads in the active language (German and English names are both stored);
    assigning ``name`` sets the English name."""

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @name.setter
    def name(self, value: str) -> None:
        self.name_en = value


class Product(BilingualName):
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField("name (English)", max_length=100)
    name_de = models.CharField("name (German)", max_length=100, blank=True)
    aggregate_factor = models.PositiveSmallIntegerField(
        default=2, help_text="Annual aggregate = sum insured x this factor ('2x maximised')."
    )
    it_security_discount = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.10"),
        help_text="Fraction off the premium for the IT-security discount.",
    )
    it_security_discount_years = models.PositiveSmallIntegerField(
        default=2, help_text="The IT-security discount applies in this many first insurance years."
    )
    multi_year_term = models.PositiveSmallIntegerField(
        default=3, help_text="A term of this many years earns the multi-year discount."
    )
    multi_year_discount = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.10"),
        help_text="Fraction off every year's premium for the multi-year term.",
    )
    minimum_premium = models.DecimalField(
        **MONEY, null=True, blank=True,
        help_text="No insurance year's premium goes below this (cyber: 145.80 from the seed).",
    )
    emergency_hotline = models.CharField(max_length=40, blank=True)
    policy_number_prefix = models.CharField(
        max_length=10, blank=True, help_text="Policy numbers start with this, e.g. CY-2026-000123."
    )

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name


class DeductibleRule(models.TextChoices):
    STANDARD = "standard", "Standard: the chosen deductible"
    FIRST_8_HOURS = "first_8_hours", "Loss of the first 8 hours, at least the chosen deductible"


class Module(BilingualName):
    class Kind(models.TextChoices):
        BASE = "base", "Base cover"
        ADDON = "addon", "Add-on"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="modules")
    code = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField("name (English)", max_length=120)
    name_de = models.CharField("name (German)", max_length=120, blank=True)
    short_name = models.CharField(max_length=20, blank=True, help_text="e.g. DCD, RPC")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requires = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addons",
        help_text="The base module an add-on can only be bought with.",
    )
    deductible_rule = models.CharField(
        max_length=20, choices=DeductibleRule.choices, default=DeductibleRule.STANDARD
    )
    recoveries_reinstate_aggregate = models.BooleanField(
        default=False,
        help_text="A recovery received gives its amount back to the annual aggregate "
        "(default: it does not).",
    )
    third_party = models.BooleanField(
        default=False, help_text="Covers claims of third parties against the insured (liability)."
    )
    description = models.TextField(blank=True)
    cost_categories = models.ManyToManyField(
        "CostCategory", through="ModuleCostCategory", related_name="modules"
    )

    class Meta:
        ordering = ["product", "kind", "name_en"]

    def __str__(self) -> str:
        return f"{self.product.name}: {self.name}"

    def clean(self):
        """An add-on requires a base module of its own product; a base module requires none."""
        if self.kind == self.Kind.BASE and self.requires_id is not None:
            raise ValidationError({"requires": "A base module does not require another module."})
        if self.kind == self.Kind.ADDON:
            if self.requires_id is None:
                raise ValidationError({"requires": "An add-on needs the base module it requires."})
            if self.requires.kind != self.Kind.BASE or self.requires.product_id != self.product_id:
                raise ValidationError(
                    {"requires": "An add-on requires a base module of the same product."}
                )


class CostCategory(BilingualName):
    code = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField("name (English)", max_length=120)
    name_de = models.CharField("name (German)", max_length=120, blank=True)
    deductible_exempt = models.BooleanField(
        default=False, help_text="No deductible is taken from this category (emergency assistance)."
    )
    insurer_cost = models.BooleanField(
        default=False,
        help_text="At the insurer's own cost (checking liability or a warning letter, defending "
        "an unjustified claim): no deductible, payable from the liability check and the defence.",
    )
    erodes_sum_insured = models.BooleanField(
        default=True,
        help_text="Counts against the sum insured and the annual aggregate (untick: paid on top).",
    )
    requires_agreement = models.BooleanField(
        default=False,
        help_text="Approved only after a recorded agreement (who, when, police report): ransom.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "cost categories"

    def __str__(self) -> str:
        return self.name


class ModuleCostCategory(models.Model):
    """A cost category a module pays, with its sublimit per loss event (empty: up to the sum
    insured)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="category_links")
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+")
    sublimit = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0.00"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "category"], name="module_category_once"),
        ]
        verbose_name = "covered cost category"
        verbose_name_plural = "covered cost categories"

    def __str__(self) -> str:
        limit = f" (sublimit {self.sublimit:,.2f})" if self.sublimit is not None else ""
        return f"{self.module.code}/{self.category.code}{limit}"


class LossType(BilingualName):
    code = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField("name (English)", max_length=120)
    name_de = models.CharField("name (German)", max_length=120, blank=True)
    plain_description_en = models.CharField(
        "plain description (English)", max_length=200,
        help_text="How a policyholder would say it, shown in the portal."
    )
    plain_description_de = models.CharField(
        "plain description (German)", max_length=200, blank=True)
    third_party = models.BooleanField(
        default=False, help_text="A third party claims against the insured (claimant named)."
    )
    modules = models.ManyToManyField(Module, related_name="loss_types")
    security_relevant = models.BooleanField(
        default=False,
        help_text="Certified IT security could have prevented it (hacking, ransomware, DDoS, data "
        "theft): the IT-security discount's proof is asked in such a claim.",
    )

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def plain_description(self) -> str:
        return _in_language(self, "plain_description")

    @plain_description.setter
    def plain_description(self, value: str) -> None:
        self.plain_description_en = value


class SumInsuredOption(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sum_options")
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["product", "amount"]
        constraints = [
            models.UniqueConstraint(fields=["product", "amount"], name="sum_insured_once"),
        ]

    def __str__(self) -> str:
        return f"{self.product.code}: {self.amount:,.2f}"


class DeductibleOption(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="deductible_options"
    )
    amount = models.DecimalField(**MONEY)
    premium_factor = models.DecimalField(max_digits=6, decimal_places=4)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["product", "amount"]
        constraints = [
            models.UniqueConstraint(fields=["product", "amount"], name="deductible_once"),
        ]

    def __str__(self) -> str:
        return f"{self.product.code}: {self.amount:,.2f} (x{self.premium_factor})"


class RevenueBand(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="revenue_bands")
    lower = models.DecimalField(**MONEY, help_text="Annual revenue from (inclusive).")
    upper = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Annual revenue up to (inclusive); empty: open."
    )

    class Meta:
        ordering = ["product", "lower"]

    def __str__(self) -> str:
        upper = f"{self.upper:,.0f}" if self.upper is not None else "+"
        return f"{self.product.code}: {self.lower:,.0f}-{upper}"

    def clean(self):
        if self.upper is not None and self.lower is not None and self.upper < self.lower:
            raise ValidationError({"upper": "The upper bound must not be below the lower bound."})


class RateCell(models.Model):
    """Annual base premium of one module for a revenue band and sum insured (*assumed* data except
    the seed's cyber base cell: 0-100,000 revenue, 100,000 insured, 180.00)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="rates")
    revenue_band = models.ForeignKey(RevenueBand, on_delete=models.CASCADE, related_name="rates")
    sum_insured = models.DecimalField(**MONEY)
    annual_premium = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["module", "revenue_band__lower", "sum_insured"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "revenue_band", "sum_insured"], name="rate_cell_once"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.module.code} {self.revenue_band} {self.sum_insured:,.0f}: {self.annual_premium}"
        )
