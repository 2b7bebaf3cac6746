"""The vendor API: a vendor's own jobs and the actions on them. Every query is filtered to the
caller's organisation, so another organisation's job is simply not found (404)."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from claims.api.parsers import JSONParser
from privacy.models import AccessLogEntry
from privacy.services import access_record

from .. import services
from ..models import JobState
from ..selectors import jobs_for_list, jobs_for_user
from . import serializers as s
from .permissions import IsVendor

STATE_FILTER = OpenApiParameter("state", str, enum=JobState.values,
                                description="Only jobs in this state.")


class VendorJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    permission_classes = [IsVendor]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends: list = []

    def get_queryset(self):
        state = self.request.query_params.get("state") if self.action == "list" else None
        if state and state not in JobState.values:
            raise ValidationError({"state": [_("Unknown state %(state)s; one of: %(join)s.") % {
                                                 "state": repr(state),
                                                 "join": ', '.join(JobState.values)}]})
        if self.action == "list":
            return jobs_for_list(user=self.request.user, state=state or None)
        jobs = jobs_for_user(user=self.request.user, state=state or None)
        if self.action == "retrieve":
            jobs = jobs.prefetch_related("progress_updates")
        else:  # an action: its emails go to the claim's adjuster
            jobs = jobs.select_related("claim__assigned_adjuster")
        return jobs

    def get_serializer_class(self):
        return s.JobListSerializer if self.action == "list" else s.JobDetailSerializer

    @extend_schema(parameters=[STATE_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        job = self.get_object()
        access_record(user=request.user, what=AccessLogEntry.What.CLAIM,
                      channel=AccessLogEntry.Channel.VENDOR_API, claim=job.claim)
        return Response(self.get_serializer(job).data)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _done(self, job, status=200):
        job = self.get_queryset().prefetch_related("progress_updates").get(pk=job.pk)
        return self._answer(job, status)

    def _answer(self, job, status=200):
        return Response(s.JobDetailSerializer(job, context={"request": self.request}).data,
                        status=status)

    @extend_schema(request=None, responses=s.JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._done(services.vendor_job_accept(job=self.get_object(), by=request.user))

    @extend_schema(request=s.DeclineSerializer, responses=s.JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        job = self.get_object()
        data = self._input(s.DeclineSerializer)
        return self._done(services.vendor_job_decline(job=job, reason=data["reason"],
                                                      by=request.user))

    @extend_schema(request=s.QuoteSerializer, responses=s.JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def quote(self, request, pk=None):
        job = self.get_object()
        data = self._input(s.QuoteSerializer)
        return self._done(services.vendor_job_quote(job=job, by=request.user, **data))

    @extend_schema(request=s.ProgressSerializer, responses=s.JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        job = self.get_object()
        data = self._input(s.ProgressSerializer)
        services.vendor_job_progress_add(job=job, by=request.user, **data)
        # The job as saved (it was read with everything the answer shows), with its updates.
        prefetch_related_objects([job], "progress_updates")
        return self._answer(job, status=201)

    @extend_schema(request={"multipart/form-data": s.ReportSerializer},
                   responses=s.JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        job = self.get_object()
        data = self._input(s.ReportSerializer)
        services.vendor_job_report_upload(job=job, upload=data["file"], by=request.user)
        return self._done(job, status=201)

    @extend_schema(request=None, responses=s.JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._done(services.vendor_job_complete(job=self.get_object(), by=request.user))

    @extend_schema(request={"multipart/form-data": s.InvoiceSerializer},
                   responses=s.JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def invoice(self, request, pk=None):
        job = self.get_object()
        data = self._input(s.InvoiceSerializer)
        return self._done(services.vendor_job_invoice(job=job, amount=data["amount"],
                                                      upload=data["file"], by=request.user))
