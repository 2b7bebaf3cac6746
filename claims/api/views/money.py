"""The money of a claim (adjusters): cost lines, reserves, the settlement preview, settlements
proposed and approved. Every write goes through ``claims.money.services``; cost lines, reserves
and settlements accept an Idempotency-Key."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.money import services as money
from claims.money.models import CostLine, ReserveChange, Settlement
from claims.money.selectors import (
    claim_section,
    explanation,
    interruption_warning,
    settlement_preview,
)
from claims.money.steps import steps_json
from config.api import error_response
from policies.models import CoverageSection

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..serializers.money import (
    CostLineInputSerializer,
    CostLineSerializer,
    ReserveInputSerializer,
    ReserveSerializer,
    SectionChoiceSerializer,
    SettlementPreviewSerializer,
    SettlementSerializer,
)
from .claims import AdjusterMixin
from .common import READ_ONE, WRITE, errors


class ClaimMoneyMixin(AdjusterMixin):
    def _input(self, serializer_class, claim):
        serializer = serializer_class(data=self.request.data, context={"claim": claim})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CostLineList(ClaimMoneyMixin, generics.ListAPIView):
    serializer_class = CostLineSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return CostLine.objects.none()
        return CostLine.objects.filter(claim=self.claim()).select_related("category")

    @extend_schema(tags=["adjuster"], responses={200: CostLineSerializer(many=True),
                                                 **errors(*READ_ONE)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["adjuster"], request=CostLineInputSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: CostLineSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Add a cost line (negative: a correction, with a reason)."""
        claim = self.claim()
        data = self._input(CostLineInputSerializer, claim)
        line = money.cost_line_add(
            claim=claim, category=data["category"], amount=data["amount"],
            payee_kind=data["payee_kind"], vendor=data.get("vendor"),
            section=data.get("section"), reason=data["reason"], by=request.user,
        )
        return Response(CostLineSerializer(line).data, status=status.HTTP_201_CREATED)


class ReserveList(ClaimMoneyMixin, generics.ListAPIView):
    serializer_class = ReserveSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ReserveChange.objects.none()
        return ReserveChange.objects.filter(claim=self.claim())

    @extend_schema(tags=["adjuster"], responses={200: ReserveSerializer(many=True),
                                                 **errors(*READ_ONE)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["adjuster"], request=ReserveInputSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: ReserveSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Set a new reserve level (loss or expense) with its reason."""
        claim = self.claim()
        data = self._input(ReserveInputSerializer, claim)
        change = money.reserve_set(claim=claim, kind=data["kind"], level=data["level"],
                                   reason=data["reason"], section=data.get("section"),
                                   by=request.user)
        return Response(ReserveSerializer(change).data, status=status.HTTP_201_CREATED)


SECTION_PARAMETER = OpenApiParameter(
    "section", int, required=False,
    description="A section of the claim's policy (default: the coverage check's).",
)


class SettlementPreview(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], parameters=[SECTION_PARAMETER],
                   responses={200: SettlementPreviewSerializer, **errors(400, *READ_ONE)})
    def get(self, request, pk):
        """The settlement as it would be approved now, with its steps."""
        claim = self.claim()
        section = None
        raw = request.query_params.get("section")
        if raw:
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
                return error_response(status_code=400, code="invalid",
                                      message=_("The request is not valid; see the fields."),
                                      fields={"section": [_("A whole number.")]})
            section = get_object_or_404(CoverageSection, pk=int(raw), policy_id=claim.policy_id)
        result = settlement_preview(claim=claim, section=section)
        section = claim_section(claim=claim, section=section)
        warning = interruption_warning(claim=claim, section=section)
        return Response({**explanation(result), "steps": steps_json(result.explanation_steps),
                         "warnings": [warning] if warning else []})


class SettlementList(ClaimMoneyMixin, generics.ListAPIView):
    serializer_class = SettlementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Settlement.objects.none()
        return Settlement.objects.filter(claim=self.claim())

    @extend_schema(tags=["adjuster"], responses={200: SettlementSerializer(many=True),
                                                 **errors(*READ_ONE)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["adjuster"], request=SectionChoiceSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: SettlementSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Propose the settlement the calculation gives now (claim in the settlement state)."""
        claim = self.claim()
        data = self._input(SectionChoiceSerializer, claim)
        settlement = money.settlement_propose(claim=claim, section=data.get("section"),
                                              by=request.user)
        return Response(SettlementSerializer(settlement).data, status=status.HTTP_201_CREATED)


class SettlementApprove(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], request=None, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: SettlementSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk, settlement_pk):
        """Approve: commits the amount re-computed under the aggregate's lock and creates the
        payments; above the caller's approval limit it waits for a team lead."""
        claim = self.claim()
        settlement = get_object_or_404(Settlement, claim=claim, pk=settlement_pk)
        settlement = money.settlement_approve(settlement=settlement, by=request.user)
        return Response(SettlementSerializer(settlement).data)
