"""Claim financials in the adjusters' API: the claim's and the policy's incurred figures,
recoveries (record, receive, write off), cancelling or voiding a payment, and the loss run and
bordereau exports (streamed)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.money import exports
from claims.money.admin_financials import export_response
from claims.money.financials import claim_financials, policy_financials
from claims.money.models import Payment, Recovery
from claims.money.services.recoveries import recovery_create, recovery_record
from claims.money.services.voids import payment_void
from coverage.models import Product
from policies.models import Policy, Policyholder

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..permissions import IsAdjuster
from ..serializers.financials import (
    ClaimFinancialsSerializer,
    PaymentVoidResultSerializer,
    PaymentVoidSerializer,
    PolicyFinancialsSerializer,
    RecoveryInputSerializer,
    RecoveryRecordSerializer,
    RecoverySerializer,
)
from .common import READ_ONE, WRITE, errors
from .money import ClaimMoneyMixin


class ClaimFinancials(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], responses={200: ClaimFinancialsSerializer,
                                                 **errors(*READ_ONE)})
    def get(self, request, pk):
        """Paid, loss and expense reserve, recovered, recovery reserve and incurred, per section
        and in total (incurred = paid + outstanding reserve - recovered)."""
        return Response(ClaimFinancialsSerializer(claim_financials(claim=self.claim())).data)


class PolicyFinancials(APIView):
    permission_classes = [IsAdjuster]

    @extend_schema(tags=["adjuster"], responses={200: PolicyFinancialsSerializer,
                                                 **errors(*READ_ONE)})
    def get(self, request, pk):
        """The policy's claims figures per insurance year and section, and in total."""
        policy = get_object_or_404(Policy, pk=pk)
        return Response(PolicyFinancialsSerializer(policy_financials(policy=policy)).data)


class RecoveryList(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], responses={200: RecoverySerializer(many=True),
                                                 **errors(*READ_ONE)})
    def get(self, request, pk):
        """The claim's recoveries with expected, received, written off and open amounts."""
        rows = Recovery.objects.filter(claim=self.claim()).prefetch_related("entries")
        return Response(RecoverySerializer(rows, many=True).data)

    @extend_schema(tags=["adjuster"], request=RecoveryInputSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: RecoverySerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Open a recovery (subrogation, salvage, ransom recovered) with its expected amount."""
        claim = self.claim()
        data = self._input(RecoveryInputSerializer, claim)
        recovery = recovery_create(claim=claim, by=request.user, **data)
        return Response(RecoverySerializer(recovery).data, status=status.HTTP_201_CREATED)


class RecoveryRecord(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], request=RecoveryRecordSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: RecoverySerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk, recovery_pk):
        """Record money received, a write-off, or a new expected amount (``how``)."""
        claim = self.claim()
        recovery = get_object_or_404(Recovery, claim=claim, pk=recovery_pk)
        data = self._input(RecoveryRecordSerializer, claim)
        recovery_record(recovery=recovery, by=request.user, how=data["how"],
                        amount=data.get("amount"), expected=data.get("expected"),
                        reason=data.get("reason", ""))
        recovery = Recovery.objects.prefetch_related("entries").get(pk=recovery.pk)
        return Response(RecoverySerializer(recovery).data)


class PaymentVoid(ClaimMoneyMixin, APIView):
    @extend_schema(tags=["adjuster"], request=PaymentVoidSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: PaymentVoidResultSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk, payment_pk):
        """Cancel a pending payment or void a paid one, with a reason. ``reissue_to``: the
        right payee, who gets a new payment of the same amount (the claim stays settled);
        empty: the commitment is released and the claim goes back to settlement. Above your
        approval limit: 403 (a higher authority does it). Answers the re-issued payment, or
        the cancelled/voided one."""
        claim = self.claim()
        payment = get_object_or_404(Payment, claim=claim, pk=payment_pk)
        data = self._input(PaymentVoidSerializer, claim)
        result = payment_void(payment=payment, by=request.user, **data)
        return Response(PaymentVoidResultSerializer(result).data)




class BordereauExport(APIView):
    permission_classes = [IsAdjuster]

    @extend_schema(tags=["adjuster"], parameters=[
        OpenApiParameter("month", str, required=True, description="YYYY-MM"),
        OpenApiParameter("product", str, required=False, description="Product code."),
        OpenApiParameter("file_format", str, enum=["csv", "xlsx"], required=False)],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **errors(400, 401, 403)})
    def get(self, request):
        """The monthly claims bordereau (whole book or one product) as CSV or XLSX, streamed."""
        fmt = request.query_params.get("file_format", "csv")
        if fmt not in ("csv", "xlsx"):
            raise ValidationError({"file_format": [_("Choose csv or xlsx.")]})
        try:
            month = exports.parse_month(request.query_params.get("month", ""))
        except ValueError as error:
            raise ValidationError({"month": [str(error)]}) from None
        product = request.query_params.get("product", "")
        if product and not Product.objects.filter(code=product).exists():
            raise ValidationError({"product": [_("No product %(product)s.") % {
                                                   "product": repr(product)}]})
        return export_response(report="bordereau", fmt=fmt, month=month, product_code=product)


class LossRunExport(APIView):
    permission_classes = [IsAdjuster]

    @extend_schema(tags=["adjuster"], parameters=[
        OpenApiParameter("policyholder", int, required=False),
        OpenApiParameter("policy", int, required=False),
        OpenApiParameter("file_format", str, enum=["csv", "pdf"], required=False)],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **errors(400, 401, 403)})
    def get(self, request):
        """A loss run of one policyholder or one policy, as CSV or PDF."""
        fmt = request.query_params.get("file_format", "csv")
        if fmt not in ("csv", "pdf"):
            raise ValidationError({"file_format": [_("Choose csv or pdf.")]})
        holder, policy = (request.query_params.get(n, "") for n in ("policyholder", "policy"))
        if not (holder or policy):
            raise ValidationError({"policyholder": [_("Name a policyholder or a policy.")]})
        for name, value, model in (("policyholder", holder, Policyholder),
                                   ("policy", policy, Policy)):
            if value and (not value.isdigit() or not model.objects.filter(pk=value).exists()):
                raise ValidationError({name: [f"No {name} {value!r}."]})
        return export_response(report="loss_run", fmt=fmt,
                               policyholder_id=int(holder) if holder else None,
                               policy_ids=[int(policy)] if policy else None)
