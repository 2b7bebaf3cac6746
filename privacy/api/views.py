"""The privacy API (``/api/privacy/``): a policyholder requests, lists and downloads their own
exports and erasure requests (``me/...``); a data-protection administrator does so for anyone,
and reads the access log; adjusters and administrators place and release legal holds."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.parsers import JSONParser
from claims.api.permissions import IsPolicyholder
from claims.api.views.common import READ, READ_ONE, WRITE, errors
from claims.models import Claim

from .. import roles
from ..models import AccessLogEntry, DataExport, ErasureRequest, LegalHold, SubjectKind
from ..selectors import claim_retention
from ..services import (
    data_export_download,
    data_export_request,
    erasure_request_submit,
    legal_hold_place,
    legal_hold_release,
)
from . import serializers as s

ZIP = {(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY), **errors(*WRITE)}


class IsPrivacyAdmin(BasePermission):
    message = gettext_lazy("Only data-protection administrators can use this part of the API.")

    def has_permission(self, request, view) -> bool:
        return roles.is_privacy_admin(request.user)


class MayHold(BasePermission):
    message = gettext_lazy("Only adjusters and data-protection administrators handle legal holds.")

    def has_permission(self, request, view) -> bool:
        return roles.may_hold(request.user)


def _zip(export: DataExport, user, channel: str) -> FileResponse:
    handle = data_export_download(export=export, by=user, channel=channel)
    return FileResponse(handle, as_attachment=True, filename=f"data-export-{export.pk}.zip",
                        content_type="application/zip")


# --- the policyholder: their own -----------------------------------------------------------------


class MineMixin:
    permission_classes = [IsPolicyholder]

    def exports(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return DataExport.objects.none()
        return DataExport.objects.filter(policyholder=self.request.user.policyholder,
                                         subject_kind=SubjectKind.POLICYHOLDER)


@extend_schema(tags=["policyholder"])
class MyExportList(MineMixin, generics.ListAPIView):
    """My data exports (newest first): status, progress and, when ready, the download link."""

    parser_classes = [JSONParser]  # a JSON object, nothing else

    serializer_class = s.DataExportSerializer

    def get_queryset(self):
        return self.exports().select_related("policyholder")

    def get_serializer_context(self):
        return {**super().get_serializer_context(),
                "download_route": "privacy_api:my-export-download"}

    @extend_schema(request=None, responses={202: s.DataExportSerializer, **errors(*WRITE)})
    def post(self, request):
        """Request a copy of everything held about me (built in the background)."""
        export = data_export_request(by=request.user, subject_kind=SubjectKind.POLICYHOLDER,
                                     policyholder=request.user.policyholder)
        return Response(s.DataExportSerializer(export, context=self.get_serializer_context())
                        .data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["policyholder"], responses={200: s.DataExportSerializer,
                                                 **errors(*READ_ONE)})
class MyExportDetail(MineMixin, generics.RetrieveAPIView):
    serializer_class = s.DataExportSerializer

    def get_queryset(self):
        return self.exports()

    def get_serializer_context(self):
        return {**super().get_serializer_context(),
                "download_route": "privacy_api:my-export-download"}


class MyExportDownload(MineMixin, APIView):
    @extend_schema(tags=["policyholder"], responses=ZIP)
    def get(self, request, pk):
        """The ZIP; 409 while it is being prepared or once the link has expired."""
        return _zip(get_object_or_404(self.exports(), pk=pk), request.user,
                    AccessLogEntry.Channel.PORTAL)


@extend_schema(tags=["policyholder"])
class MyErasureRequestList(MineMixin, generics.ListAPIView):
    """My erasure requests with their answers (what was erased, what is kept and why)."""

    parser_classes = [JSONParser]  # a JSON object, nothing else

    serializer_class = s.ErasureRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ErasureRequest.objects.none()
        return ErasureRequest.objects.filter(policyholder=self.request.user.policyholder,
                                             subject_kind=SubjectKind.POLICYHOLDER)

    @extend_schema(request=s.MyErasureInputSerializer,
                   responses={201: s.ErasureRequestSerializer, **errors(*WRITE)})
    def post(self, request):
        """Ask us to erase my data: answered at once with what was erased and what is kept."""
        data = s.MyErasureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answered = erasure_request_submit(
            by=request.user, subject_kind=SubjectKind.POLICYHOLDER,
            policyholder=request.user.policyholder, note=data.validated_data.get("note", ""))
        return Response(s.ErasureRequestSerializer(answered).data,
                        status=status.HTTP_201_CREATED)


# --- administrators: anyone ----------------------------------------------------------------------


def _subject(data: dict) -> dict:
    return {"subject_kind": data["subject_kind"], "policyholder": data.get("policyholder"),
            "claimant_email": data.get("claimant_email") or "",
            "vendor_organisation": data.get("vendor_organisation")}


@extend_schema(tags=["privacy"])
class ExportList(generics.ListAPIView):
    """Every data export; ``POST`` requests one about any person."""

    parser_classes = [JSONParser]  # a JSON object, nothing else

    permission_classes = [IsPrivacyAdmin]
    serializer_class = s.DataExportSerializer
    queryset = DataExport.objects.select_related("policyholder", "vendor_organisation")

    @extend_schema(request=s.SubjectSerializer,
                   responses={202: s.DataExportSerializer, **errors(*WRITE)})
    def post(self, request):
        data = s.SubjectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        export = data_export_request(by=request.user, **_subject(data.validated_data))
        return Response(s.DataExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["privacy"], responses={200: s.DataExportSerializer, **errors(*READ_ONE)})
class ExportDetail(generics.RetrieveAPIView):
    permission_classes = [IsPrivacyAdmin]
    serializer_class = s.DataExportSerializer
    queryset = DataExport.objects.all()


class ExportDownload(APIView):
    permission_classes = [IsPrivacyAdmin]

    @extend_schema(tags=["privacy"], responses=ZIP)
    def get(self, request, pk):
        return _zip(get_object_or_404(DataExport, pk=pk), request.user,
                    AccessLogEntry.Channel.API)


@extend_schema(tags=["privacy"])
class ErasureRequestList(generics.ListAPIView):
    """Every erasure request; ``POST`` records one about any person and answers it."""

    parser_classes = [JSONParser]  # a JSON object, nothing else

    permission_classes = [IsPrivacyAdmin]
    serializer_class = s.ErasureRequestSerializer
    queryset = ErasureRequest.objects.select_related("policyholder", "vendor_organisation")

    @extend_schema(request=s.ErasureInputSerializer,
                   responses={201: s.ErasureRequestSerializer, **errors(*WRITE)})
    def post(self, request):
        data = s.ErasureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answered = erasure_request_submit(by=request.user, note=data.validated_data.get(
            "note", ""), **_subject(data.validated_data))
        return Response(s.ErasureRequestSerializer(answered).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["privacy"], responses={200: s.ErasureRequestSerializer,
                                            **errors(*READ_ONE)})
class ErasureRequestDetail(generics.RetrieveAPIView):
    permission_classes = [IsPrivacyAdmin]
    serializer_class = s.ErasureRequestSerializer
    queryset = ErasureRequest.objects.all()


@extend_schema(tags=["privacy"])
class LegalHoldList(generics.ListAPIView):
    """Legal holds (``?active=true`` for the active ones); ``POST`` places one on a claim."""

    parser_classes = [JSONParser]  # a JSON object, nothing else

    permission_classes = [MayHold]
    serializer_class = s.LegalHoldSerializer

    def get_queryset(self):
        holds = LegalHold.objects.select_related("claim", "placed_by", "released_by")
        active = self.request.query_params.get("active")
        if active not in (None, "", "true", "false"):
            raise ValidationError({"active": [_("true or false.")]})
        if active:
            holds = holds.filter(released_at__isnull=active == "true")
        return holds

    @extend_schema(request=s.LegalHoldSerializer,
                   responses={201: s.LegalHoldSerializer, **errors(*WRITE)})
    def post(self, request):
        data = s.LegalHoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = legal_hold_place(claim=data.validated_data["claim"],
                                reason=data.validated_data["reason"], by=request.user)
        return Response(s.LegalHoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class LegalHoldRelease(APIView):
    parser_classes = [JSONParser]  # a JSON object, nothing else
    permission_classes = [MayHold]

    @extend_schema(tags=["privacy"], request=s.ReleaseSerializer,
                   responses={200: s.LegalHoldSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """End a hold (with the reason); 409 if it has already ended."""
        hold = get_object_or_404(LegalHold, pk=pk)
        data = s.ReleaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = legal_hold_release(hold=hold, reason=data.validated_data["reason"],
                                  by=request.user)
        return Response(s.LegalHoldSerializer(hold).data)


ACCESS_FILTERS = [
    OpenApiParameter("claim", int, description="Only views of this claim."),
    OpenApiParameter("policyholder", int, description="Only views of this policyholder's data."),
    OpenApiParameter("claimant_email", str, description="Only views of claims naming this "
                                                        "claimant."),
    OpenApiParameter("user", int, description="Only what this user viewed."),
]


@extend_schema(tags=["privacy"], parameters=ACCESS_FILTERS,
               responses={200: s.AccessLogEntrySerializer(many=True), **errors(400, *READ)})
class AccessLogList(generics.ListAPIView):
    """Who viewed or downloaded personal data, newest first, per claim or per person."""

    permission_classes = [IsPrivacyAdmin]
    serializer_class = s.AccessLogEntrySerializer
    filter_backends: list = []

    def get_queryset(self):
        entries = AccessLogEntry.objects.select_related("user", "claim", "document")
        params = self.request.query_params
        for name, field in (("claim", "claim_id"), ("policyholder", "policyholder_id"),
                            ("user", "user_id")):
            value = params.get(name)
            if value:
                if not value.isdigit():
                    raise ValidationError({name: [_("An id (a whole number).")]})
                entries = entries.filter(**{field: int(value)})
        if params.get("claimant_email"):
            entries = entries.filter(claim__claimant_email__iexact=params["claimant_email"])
        return entries.order_by("-at", "-id")


class ClaimRetention(APIView):
    permission_classes = [MayHold]

    @extend_schema(tags=["privacy"], responses={200: s.RetentionSerializer,
                                                **errors(*READ_ONE)})
    def get(self, request, pk):
        """How long the claim is kept, why, and whether a legal hold stops its erasure."""
        claim = get_object_or_404(Claim, pk=pk)
        return Response(s.RetentionSerializer(claim_retention(claim)).data)
