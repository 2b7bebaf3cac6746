"""The catalogue in the admin: products, modules with their cost categories, sublimits and rate
cells, loss types, the options to choose from and the rate table."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    CostCategory,
    DeductibleOption,
    LossType,
    Module,
    ModuleCostCategory,
    Product,
    RateCell,
    RevenueBand,
    SumInsuredOption,
)


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["code", "name_de", "name_en", "short_name", "kind", "requires", "deductible_rule",
              "third_party"]
    show_change_link = True
    extra = 0


class SumInsuredOptionInline(admin.TabularInline):
    model = SumInsuredOption
    extra = 0


class DeductibleOptionInline(admin.TabularInline):
    model = DeductibleOption
    extra = 0


class RevenueBandInline(admin.TabularInline):
    model = RevenueBand
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name", "code", "aggregate_factor", "it_security_discount", "it_security_discount_years",
        "multi_year_term", "multi_year_discount", "policy_number_prefix",
    ]
    search_fields = ["name_de", "name_en", "code"]
    inlines = [ModuleInline, SumInsuredOptionInline, DeductibleOptionInline, RevenueBandInline]


class ModuleCostCategoryInline(admin.TabularInline):
    model = ModuleCostCategory
    fields = ["category", "sublimit", "deductible_exempt"]
    readonly_fields = ["deductible_exempt"]
    autocomplete_fields = ["category"]
    extra = 0

    @admin.display(boolean=True, description=_("no deductible"))
    def deductible_exempt(self, link: ModuleCostCategory) -> bool:
        return link.category.deductible_exempt if link.category_id else False


class RateCellInline(admin.TabularInline):
    model = RateCell
    fields = ["revenue_band", "sum_insured", "annual_premium"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("revenue_band__product")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "revenue_band":
            kwargs["queryset"] = RevenueBand.objects.select_related("product")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = [
        "name", "code", "product", "kind", "short_name", "requires", "deductible_rule",
        "third_party", "recoveries_reinstate_aggregate",
    ]
    list_filter = ["product", "kind", "deductible_rule", "third_party",
                   "recoveries_reinstate_aggregate"]
    search_fields = ["name_de", "name_en", "code", "short_name"]
    list_select_related = ["product", "requires__product"]
    inlines = [ModuleCostCategoryInline, RateCellInline]


@admin.register(CostCategory)
class CostCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "deductible_exempt"]
    list_filter = ["deductible_exempt"]
    search_fields = ["name_de", "name_en", "code"]


@admin.register(ModuleCostCategory)
class ModuleCostCategoryAdmin(admin.ModelAdmin):
    list_display = ["module", "category", "sublimit"]
    list_filter = ["module__product", "module", "category__deductible_exempt"]
    search_fields = ["module__code", "module__name_en", "module__name_de", "category__code",
                     "category__name_en", "category__name_de"]
    list_select_related = ["module__product", "category"]


@admin.register(LossType)
class LossTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "third_party", "covering_modules"]
    list_filter = ["third_party", "modules__product", "modules"]
    search_fields = ["name_de", "name_en", "code", "plain_description_de", "plain_description_en"]
    filter_horizontal = ["modules"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("modules")

    @admin.display(description=_("covered by"))
    def covering_modules(self, loss_type: LossType) -> str:
        return ", ".join(module.code for module in loss_type.modules.all())


@admin.register(SumInsuredOption)
class SumInsuredOptionAdmin(admin.ModelAdmin):
    list_display = ["product", "amount"]
    list_filter = ["product"]
    search_fields = ["product__code", "amount"]


@admin.register(DeductibleOption)
class DeductibleOptionAdmin(admin.ModelAdmin):
    list_display = ["product", "amount", "premium_factor", "is_default"]
    list_filter = ["product", "is_default"]
    search_fields = ["product__code", "amount"]


@admin.register(RevenueBand)
class RevenueBandAdmin(admin.ModelAdmin):
    list_display = ["product", "lower", "upper"]
    list_filter = ["product"]
    search_fields = ["product__code"]


@admin.register(RateCell)
class RateCellAdmin(admin.ModelAdmin):
    list_display = ["module", "revenue_band", "sum_insured", "annual_premium"]
    list_filter = ["module__product", "module", "revenue_band", "sum_insured"]
    search_fields = ["module__code", "module__name_en", "module__name_de"]
    list_select_related = ["module", "revenue_band__product"]
