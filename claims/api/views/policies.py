"""Policies and their insurance-year aggregate accounts, read-only, for adjusters."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, generics

from policies.models import InsuranceYearAccount, Policy

from ..filters import AccountFilter, PolicyFilter
from ..permissions import IsAdjuster
from ..serializers.policies import AccountSerializer, PolicySerializer
from .common import READ, READ_ONE, errors


def _policies():
    return Policy.objects.select_related("product", "policyholder").prefetch_related(
        "sections__module", "premiums"
    ).order_by("-start_date", "number")


@extend_schema(tags=["adjuster"], responses={200: PolicySerializer(many=True),
                                             **errors(400, *READ)})
class PolicyList(generics.ListAPIView):
    permission_classes = [IsAdjuster]
    serializer_class = PolicySerializer
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_class = PolicyFilter
    search_fields = ["number", "policyholder__company_name"]

    def get_queryset(self):
        return _policies()


@extend_schema(tags=["adjuster"], responses={200: PolicySerializer, **errors(*READ_ONE)})
class PolicyDetail(generics.RetrieveAPIView):
    permission_classes = [IsAdjuster]
    serializer_class = PolicySerializer

    def get_queryset(self):
        return _policies()


@extend_schema(tags=["adjuster"], responses={200: AccountSerializer(many=True),
                                             **errors(400, *READ)})
class AccountList(generics.ListAPIView):
    """The aggregate accounts: limit, committed and remaining per section and insurance year."""

    permission_classes = [IsAdjuster]
    serializer_class = AccountSerializer
    filterset_class = AccountFilter

    def get_queryset(self):
        return InsuranceYearAccount.objects.select_related("section__module").order_by(
            "section__policy_id", "section__module__kind", "section__module__name_en", "year", "id"
        )


@extend_schema(tags=["adjuster"], responses={200: AccountSerializer, **errors(*READ_ONE)})
class AccountDetail(generics.RetrieveAPIView):
    permission_classes = [IsAdjuster]
    serializer_class = AccountSerializer

    def get_queryset(self):
        return InsuranceYearAccount.objects.select_related("section__module")
