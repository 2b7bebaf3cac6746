"""The policyholder's API (``/api/me/``): their policies with the aggregate per insurance year,
their claims, questions and documents. Every queryset starts from the caller's policyholder
record, so another policyholder's id is a 404 like an absent one."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.parsers import JSONParser
from claims.models import Claim, ClaimDocument, InformationRequest, ReportReceipt
from claims.portal import selectors
from claims.services import (
    claim_report,
    claim_transition,
    document_add,
    information_request_answer,
    report_receive,
    report_receive_if_valid,
)
from policies.models import Policy

from ..idempotency import (
    IDEMPOTENCY_PARAMETER,
    idempotency_key,
    idempotent,
    idempotent_atomic,
)
from ..permissions import IsPolicyholder
from ..prefer import PREFER_PARAMETER, RESPOND_ASYNC, prefers_async
from ..serializers.claims import (
    AnswerSerializer,
    ClaimReceiveSerializer,
    ClaimReportSerializer,
    ClaimSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    InformationRequestSerializer,
)
from ..serializers.common import ReasonSerializer
from ..serializers.policies import PolicySerializer
from ..serializers.receipts import ReportReceiptSerializer
from .common import READ, READ_ONE, WRITE, errors


class PolicyholderMixin:
    permission_classes = [IsPolicyholder]

    @property
    def holder(self):
        return self.request.user.policyholder

    def claims(self):
        return selectors.holder_claims(holder=self.holder)

    def claim(self):
        return get_object_or_404(self.claims(), pk=self.kwargs["pk"])


@extend_schema(tags=["policyholder"], responses={200: PolicySerializer(many=True), **errors(*READ)})
class MyPolicyList(PolicyholderMixin, generics.ListAPIView):
    """My policies with their sections and the aggregate used and remaining per insurance year."""

    serializer_class = PolicySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Policy.objects.none()
        return selectors.holder_policies(holder=self.holder).prefetch_related(
            "sections__module", "premiums")


@extend_schema(tags=["policyholder"], responses={200: PolicySerializer, **errors(*READ_ONE)})
class MyPolicyDetail(PolicyholderMixin, generics.RetrieveAPIView):
    serializer_class = PolicySerializer

    def get_queryset(self):
        return selectors.holder_policies(holder=self.holder).prefetch_related(
            "sections__module", "premiums")


class MyClaimList(PolicyholderMixin, generics.ListCreateAPIView):
    """My claims (newest first); POST reports a new one (first notice of loss)."""

    serializer_class = ClaimSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Claim.objects.none()
        return self.claims()

    @extend_schema(tags=["policyholder"], responses={200: ClaimSerializer(many=True),
                                                     **errors(*READ)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["policyholder"], request=ClaimReportSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER, PREFER_PARAMETER],
                   responses={201: ClaimSerializer,
                              202: OpenApiResponse(ReportReceiptSerializer, description=(
                                  "`Prefer: respond-async`: received (headers `Location` and "
                                  "`Preference-Applied`); poll the receipt's `url`.")),
                              **errors(*WRITE)})
    def post(self, request, *args, **kwargs):
        """Report a new claim: 201 with the claim, or with ``Prefer: respond-async`` 202 with a
        receipt at once, the claim registered moments later through the same rules."""
        response = self._receive(request) if prefers_async(request) else self._report(request)
        if response.status_code == status.HTTP_202_ACCEPTED:  # the first answer or its replay
            response["Location"] = response.data["url"]
            response["Preference-Applied"] = RESPOND_ASYNC
        return response

    def _receive(self, request):
        """Without an Idempotency-Key nothing but the receipt is written, by one statement (or,
        for a report that fails a check, by ``report_receive``'s own transaction): no
        transaction around it."""
        if idempotency_key(request):
            return self._receive_once(request)
        return self._received(request, composed=False)

    @idempotent_atomic
    def _receive_once(self, request):
        """The receipt, the Idempotency-Key and its stored answer commit together."""
        return self._received(request, composed=True)

    def _received(self, request, *, composed: bool):
        """A report that passes every check is received in one statement; any other goes
        through the full checks, which answer as the synchronous report does (400)."""
        first = ClaimReceiveSerializer(data=request.data, holder=self.holder)
        receipt = report_receive_if_valid(holder=self.holder, reported_by=request.user,
                                          **first.validated_data) if first.is_valid() else None
        if receipt is None:
            serializer = ClaimReportSerializer(data=request.data, holder=self.holder)
            serializer.is_valid(raise_exception=True)
            receipt = report_receive(reported_by=request.user, composed=composed,
                                     **serializer.validated_data)
        return Response(ReportReceiptSerializer(receipt, context={"request": request}).data,
                        status=status.HTTP_202_ACCEPTED)

    @idempotent
    def _report(self, request):
        serializer = ClaimReportSerializer(data=request.data, holder=self.holder)
        serializer.is_valid(raise_exception=True)
        claim = claim_report(reported_by=request.user, **serializer.validated_data)
        claim.open_information_due = None  # a new claim has no open question (no query)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["policyholder"], responses={200: ClaimSerializer, **errors(*READ_ONE)})
class MyClaimDetail(PolicyholderMixin, generics.RetrieveAPIView):
    serializer_class = ClaimSerializer

    def get_queryset(self):
        return self.claims()


class MyClaimWithdraw(PolicyholderMixin, APIView):
    @extend_schema(tags=["policyholder"], request=ReasonSerializer,
                   responses={200: ClaimSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """Withdraw my claim (before settlement), with a reason."""
        claim = self.claim()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = claim_transition(claim=claim, transition="withdraw", by=request.user,
                                 reason=data.validated_data["reason"])
        return Response(ClaimSerializer(claim).data)


class MyReportMixin(PolicyholderMixin):
    serializer_class = ReportReceiptSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ReportReceipt.objects.none()
        return ReportReceipt.objects.filter(reported_by=self.request.user).select_related(
            "claim").order_by("-received_at", "-pk")


@extend_schema(tags=["policyholder"],
               responses={200: ReportReceiptSerializer(many=True), **errors(*READ)})
class MyReportList(MyReportMixin, generics.ListAPIView):
    """The reports I sent with ``Prefer: respond-async`` (newest first) and what became of
    them."""


@extend_schema(tags=["policyholder"], responses={200: ReportReceiptSerializer,
                                                 **errors(*READ_ONE)})
class MyReportDetail(MyReportMixin, generics.RetrieveAPIView):
    """A report I sent with ``Prefer: respond-async``: ``received``, then ``registered`` with
    the claim (or ``failed`` with the reason)."""


@extend_schema(tags=["policyholder"],
               responses={200: InformationRequestSerializer(many=True), **errors(*READ_ONE)})
class MyQuestionList(PolicyholderMixin, generics.ListAPIView):
    """The adjuster's questions on my claim."""

    serializer_class = InformationRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return InformationRequest.objects.none()
        return self.claim().information_requests.order_by("requested_at", "id")


class MyQuestionAnswer(PolicyholderMixin, APIView):
    @extend_schema(tags=["policyholder"], request=AnswerSerializer,
                   responses={200: InformationRequestSerializer, **errors(*WRITE)})
    def post(self, request, pk, request_pk):
        """Answer an open question on my claim."""
        claim = self.claim()
        question = get_object_or_404(
            claim.information_requests.filter(status=InformationRequest.Status.OPEN),
            pk=request_pk,
        )
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answered = information_request_answer(
            request=question, answer=data.validated_data["answer"], answered_by=request.user
        )
        return Response(InformationRequestSerializer(answered).data)


class MyDocumentList(PolicyholderMixin, generics.ListAPIView):
    """The documents of my claim I may see; POST uploads one (type checked by its content)."""

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ClaimDocument.objects.none()
        return selectors.visible_documents(claim=self.claim(), user=self.request.user)

    @extend_schema(tags=["policyholder"], responses={200: DocumentSerializer(many=True),
                                                     **errors(*READ_ONE)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["policyholder"],
                   request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        claim = self.claim()
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = document_add(claim=claim, upload=data.validated_data["file"],
                                doc_type=data.validated_data["doc_type"],
                                uploaded_by=request.user)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class MyDocumentDownload(PolicyholderMixin, APIView):
    @extend_schema(tags=["policyholder"], responses={
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
        **errors(*READ_ONE),
    })
    def get(self, request, pk, document_pk):
        """The file, only if the claim is mine and the document is one I may see."""
        claim = self.claim()
        document = get_object_or_404(
            selectors.visible_documents(claim=claim, user=request.user), pk=document_pk
        )
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.original_name,
            content_type="application/octet-stream",
        )
