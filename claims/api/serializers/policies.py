"""Policies, sections and insurance-year aggregate accounts (read-only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.models import CoverageSection, InsuranceYearAccount, Policy, PolicyPremium

from .common import MONEY


class SectionSerializer(serializers.ModelSerializer):
    module = serializers.CharField(source="module.code", read_only=True)
    module_name = serializers.CharField(source="module.name", read_only=True)
    aggregate_limit = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = CoverageSection
        fields = ["id", "module", "module_name", "sum_insured", "deductible", "aggregate_factor",
                  "aggregate_limit"]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    """One section's annual aggregate in one insurance year: limit, used (committed), left."""

    section = serializers.PrimaryKeyRelatedField(read_only=True)
    module = serializers.CharField(source="section.module.code", read_only=True)
    policy = serializers.IntegerField(source="section.policy_id", read_only=True)
    insurance_year = serializers.IntegerField(source="year", read_only=True)
    remaining = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = InsuranceYearAccount
        fields = ["id", "policy", "section", "module", "insurance_year", "starts_on", "ends_on",
                  "limit", "committed", "remaining"]
        read_only_fields = fields


class PremiumSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyPremium
        fields = ["year", "starts_on", "ends_on", "premium", "it_security_discount",
                  "change_reason"]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    policyholder = serializers.CharField(source="policyholder.company_name", read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    premiums = PremiumSerializer(many=True, read_only=True,
                                 help_text="The premium of every insurance year.")
    aggregate = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = ["id", "number", "policyholder", "product", "product_name", "status",
                  "start_date", "expiry_date", "cancelled_from", "deductible", "sections",
                  "premiums", "aggregate"]
        read_only_fields = fields

    @extend_schema_field(AccountSerializer(many=True))
    def get_aggregate(self, policy: Policy) -> list[dict]:
        return AccountSerializer(self._accounts_by_policy(policy).get(policy.pk, []),
                                 many=True).data

    def _accounts_by_policy(self, policy: Policy) -> dict[int, list]:
        """The accounts of every policy being serialized, read in one query (not one per
        policy) and kept in the context for the other policies of the list."""
        cached = self.context.get("_accounts_by_policy")
        if cached is not None and policy.pk in cached:
            return cached
        many = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else None
        policies = list(many) if many is not None else [policy]
        by_policy: dict[int, list] = {item.pk: [] for item in policies}
        accounts = InsuranceYearAccount.objects.filter(
            section__policy__in=list(by_policy)
        ).select_related("section__module").order_by(
            "section__module__kind", "section__module__name_en", "year"
        )
        for account in accounts:
            by_policy[account.section.policy_id].append(account)
        self.context["_accounts_by_policy"] = by_policy
        return by_policy
