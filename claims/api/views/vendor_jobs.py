"""Vendors in the adjusters' API: commission a vendor on a claim, decide on quotes and
invoices, cancel a job, and list the vendor organisations and services. Every write goes through
``claims.vendors.services``, as in the admin."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.vendors import services as vendors
from claims.vendors.models import VendorJob, VendorOrganisation, VendorService

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..permissions import IsAdjuster
from ..serializers.common import ReasonSerializer
from ..serializers.vendor_jobs import (
    AcceptInvoiceSerializer,
    AdjusterJobSerializer,
    ApproveQuoteSerializer,
    CommissionSerializer,
    VendorOrganisationSerializer,
    VendorServiceSerializer,
)
from .claims import ClaimVendorJobList
from .common import READ, READ_ONE, WRITE, errors


def _jobs():
    return VendorJob.objects.select_related("organisation", "service", "claim")


class ClaimVendorJobs(ClaimVendorJobList):
    @extend_schema(tags=["adjuster"], request=CommissionSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: AdjusterJobSerializer, **errors(*WRITE)})
    @idempotent
    def post(self, request, pk):
        """Commission a vendor organisation for a service on the claim (the vendor is told)."""
        claim = self.claim()
        data = CommissionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = vendors.vendor_job_request(
            claim=claim, organisation=data.validated_data["organisation"],
            service=data.validated_data["service"], scope=data.validated_data["scope"],
            emergency=data.validated_data["emergency"], by=request.user,
        )
        return Response(AdjusterJobSerializer(_jobs().get(pk=job.pk)).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["adjuster"], responses={200: AdjusterJobSerializer, **errors(*READ_ONE)})
class AdjusterJobDetail(generics.RetrieveAPIView):
    """A vendor job with the figures the adjuster decides on (estimate, invoice, tolerance)."""

    permission_classes = [IsAdjuster]
    serializer_class = AdjusterJobSerializer

    def get_queryset(self):
        return _jobs()


class _JobAction(APIView):
    permission_classes = [IsAdjuster]
    input_serializer = ReasonSerializer

    def job(self) -> VendorJob:
        return get_object_or_404(_jobs(), pk=self.kwargs["pk"])

    def data(self) -> dict:
        serializer = self.input_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def done(self, job) -> Response:
        return Response(AdjusterJobSerializer(_jobs().get(pk=job.pk)).data)


class JobApproveQuote(_JobAction):
    input_serializer = ApproveQuoteSerializer

    @extend_schema(tags=["adjuster"], request=ApproveQuoteSerializer,
                   responses={200: AdjusterJobSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """Consent to the quoted work (at the estimate, or at ``approved_estimate``)."""
        job = self.job()
        data = self.data()
        return self.done(vendors.vendor_job_approve_quote(
            job=job, approved_estimate=data.get("approved_estimate"), by=request.user))


class JobRejectQuote(_JobAction):
    @extend_schema(tags=["adjuster"], request=ReasonSerializer,
                   responses={200: AdjusterJobSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """Reject the quote with a reason; the vendor may send a new one."""
        job = self.job()
        return self.done(vendors.vendor_job_reject_quote(job=job, reason=self.data()["reason"],
                                                         by=request.user))


class JobAcceptInvoice(_JobAction):
    input_serializer = AcceptInvoiceSerializer

    @extend_schema(tags=["adjuster"], request=AcceptInvoiceSerializer,
                   responses={200: AdjusterJobSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """Accept the invoice for payment (a cost line payable to the vendor); above the
        tolerance only with a ``reason``."""
        job = self.job()
        return self.done(vendors.vendor_job_accept_invoice(job=job, reason=self.data()["reason"],
                                                           by=request.user))


class JobRejectInvoice(_JobAction):
    @extend_schema(tags=["adjuster"], request=ReasonSerializer,
                   responses={200: AdjusterJobSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """Reject the invoice with a reason; the vendor may send a corrected one."""
        job = self.job()
        return self.done(vendors.vendor_job_reject_invoice(
            job=job, reason=self.data()["reason"], by=request.user))


class JobCancel(_JobAction):
    @extend_schema(tags=["adjuster"], request=ReasonSerializer,
                   responses={200: AdjusterJobSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """Cancel an open job with a reason (the vendor and the policyholder are told)."""
        job = self.job()
        return self.done(vendors.vendor_job_cancel(job=job, reason=self.data()["reason"],
                                                   by=request.user))


@extend_schema(tags=["adjuster"], responses={200: VendorOrganisationSerializer(many=True),
                                             **errors(*READ)})
class VendorOrganisationList(generics.ListAPIView):
    """The vendor organisations and the services each offers."""

    permission_classes = [IsAdjuster]
    serializer_class = VendorOrganisationSerializer
    queryset = VendorOrganisation.objects.prefetch_related("services").order_by("name")


@extend_schema(tags=["adjuster"], responses={200: VendorServiceSerializer(many=True),
                                             **errors(*READ)})
class VendorServiceList(generics.ListAPIView):
    """The services vendors offer, with the cost category an invoice is booked to."""

    permission_classes = [IsAdjuster]
    serializer_class = VendorServiceSerializer
    queryset = VendorService.objects.select_related("cost_category").order_by("name")
