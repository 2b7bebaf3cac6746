"""Money doors of the adjusters' API: who was paid what (per claim and per settlement, with the
insured's share of the deductible), recording the deductible owed as received or written off,
the first-8-hours assessment of a business interruption, the ransom agreement, refusing a
settlement and the authority levels."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.money import services as money
from claims.money.models import (
    AuthorityLevel,
    InterruptionAssessment,
    Payment,
    RansomAgreement,
    SecurityProofDecision,
    Settlement,
)
from claims.money.selectors import insured_share

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..permissions import IsAdjuster
from ..serializers.common import ReasonSerializer
from ..serializers.money import SettlementSerializer
from ..serializers.money_doors import (
    AuthorityLevelSerializer,
    DeductibleSettleSerializer,
    InsuredShareSerializer,
    InterruptionAssessmentInputSerializer,
    InterruptionAssessmentSerializer,
    PaymentsSerializer,
    RansomAgreementInputSerializer,
    RansomAgreementSerializer,
    SecurityProofDecisionSerializer,
    SecurityProofInputSerializer,
)
from .common import READ, READ_ONE, WRITE, errors
from .money import ClaimMoneyMixin


def _payments_body(*, claim, settlement=None) -> dict:
    payments = Payment.objects.filter(claim=claim).select_related("vendor")
    if settlement is not None:
        payments = payments.filter(settlement=settlement)
    return PaymentsSerializer({
        "payments": payments.order_by("created_at", "id"),
        "insured_share": insured_share(claim=claim, settlement=settlement),
    }).data


class ClaimPayments(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], responses={200: PaymentsSerializer, **errors(*READ_ONE)})
    def get(self, request, pk):
        """Every payment of the claim (payee kind and name, vendor, amount, status, dates) and
        the insured's share of the deductible (deducted from its payments or owed)."""
        return Response(_payments_body(claim=self.claim()))


class SettlementPayments(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], responses={200: PaymentsSerializer, **errors(*READ_ONE)})
    def get(self, request, pk, settlement_pk):
        """The payments of one settlement and the insured's share in it."""
        claim = self.claim()
        settlement = get_object_or_404(Settlement, claim=claim, pk=settlement_pk)
        return Response(_payments_body(claim=claim, settlement=settlement))


class SettlementRefuse(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], request=ReasonSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: SettlementSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk, settlement_pk):
        """Refuse an open settlement with a reason (a higher authority declining, or a
        proposal to redo)."""
        claim = self.claim()
        settlement = get_object_or_404(Settlement, claim=claim, pk=settlement_pk)
        data = self._input(ReasonSerializer, claim)
        settlement = money.settlement_refuse(settlement=settlement, by=request.user,
                                             reason=data["reason"])
        return Response(SettlementSerializer(settlement).data)


class DeductibleOwed(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], responses={200: InsuredShareSerializer,
                                                 **errors(*READ_ONE)})
    def get(self, request, pk):
        """The insured's share of the deductible on this claim."""
        return Response(InsuredShareSerializer(insured_share(claim=self.claim())).data)

    @extend_schema(tags=["adjuster"], request=DeductibleSettleSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: InsuredShareSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Record the deductible owed by the insured as received or written off (``amount``
        empty: all of it)."""
        claim = self.claim()
        data = self._input(DeductibleSettleSerializer, claim)
        money.deductible_receivable_settle(claim=claim, how=data["how"],
                                           amount=data.get("amount"), reason=data["reason"],
                                           by=request.user)
        return Response(InsuredShareSerializer(insured_share(claim=claim)).data)


class InterruptionAssessmentList(ClaimMoneyMixin, generics.ListAPIView):
    serializer_class = InterruptionAssessmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return InterruptionAssessment.objects.none()
        return InterruptionAssessment.objects.filter(claim=self.claim())

    @extend_schema(tags=["adjuster"], responses={200: InterruptionAssessmentSerializer(many=True),
                                                 **errors(*READ_ONE)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["adjuster"], request=InterruptionAssessmentInputSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: InterruptionAssessmentSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Record the loss of the first 8 hours of a business interruption (the BI deductible
        is at least this); the latest assessment counts."""
        claim = self.claim()
        data = self._input(InterruptionAssessmentInputSerializer, claim)
        row = money.interruption_assess(
            claim=claim, section=data.get("section"),
            first_8_hours_loss=data["first_8_hours_loss"], reason=data["reason"],
            by=request.user,
        )
        return Response(InterruptionAssessmentSerializer(row).data,
                        status=status.HTTP_201_CREATED)


class RansomAgreementList(ClaimMoneyMixin, generics.ListAPIView):
    serializer_class = RansomAgreementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return RansomAgreement.objects.none()
        return RansomAgreement.objects.filter(claim=self.claim())

    @extend_schema(tags=["adjuster"], responses={200: RansomAgreementSerializer(many=True),
                                                 **errors(*READ_ONE)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["adjuster"], request=RansomAgreementInputSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: RansomAgreementSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Record the insurer's agreement to a ransom (who agreed, when, the police report
        reference); a ransom cost line is approved only after it."""
        claim = self.claim()
        data = self._input(RansomAgreementInputSerializer, claim)
        row = money.ransom_agreement_record(
            claim=claim, agreed_by_name=data["agreed_by_name"], agreed_at=data["agreed_at"],
            police_report_reference=data["police_report_reference"], note=data["note"],
            by=request.user,
        )
        return Response(RansomAgreementSerializer(row).data, status=status.HTTP_201_CREATED)


class SecurityProofDecisionList(ClaimMoneyMixin, generics.ListAPIView):
    serializer_class = SecurityProofDecisionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return SecurityProofDecision.objects.none()
        return SecurityProofDecision.objects.filter(claim=self.claim())

    @extend_schema(tags=["adjuster"], responses={200: SecurityProofDecisionSerializer(many=True),
                                                 **errors(*READ_ONE)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["adjuster"], request=SecurityProofInputSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: SecurityProofDecisionSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Decide on the IT-security proof asked in this claim: provided, missing or negative
        (then the policy loses the discount from the next insurance year on, the premium
        difference recorded)."""
        claim = self.claim()
        data = self._input(SecurityProofInputSerializer, claim)
        row = money.security_proof_decide(claim=claim, outcome=data["outcome"],
                                          reason=data["reason"], by=request.user)
        return Response(SecurityProofDecisionSerializer(row).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["adjuster"], responses={200: AuthorityLevelSerializer(many=True),
                                             **errors(*READ)})
class AuthorityLevelList(generics.ListAPIView):
    """The financial authority levels (only administrators change them, in the admin)."""

    permission_classes = [IsAdjuster]
    serializer_class = AuthorityLevelSerializer
    queryset = AuthorityLevel.objects.select_related("group").order_by("rank")
