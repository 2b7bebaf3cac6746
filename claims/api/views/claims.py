"""The adjusters' claims API (``/api/claims/``): the list with filters and search, the claim,
its transitions as actions and the vendor jobs on it. Only adjusters (team leads included); any
other role gets 403."""

from __future__ import annotations

from functools import cache

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.events.claim_events import with_claim_events
from claims.models import TRANSITION_NAMES, Claim
from claims.pagination import PageRead
from claims.selectors import claims_for_queue, claims_search
from claims.services import claim_transition
from claims.vendors.api.serializers import JobListSerializer
from claims.vendors.models import VendorJob
from privacy.models import AccessLogEntry
from privacy.services import access_record

from ..filters import ClaimFilter
from ..permissions import IsAdjuster
from ..serializers.claims import AdjusterClaimSerializer
from ..serializers.transitions import TransitionSerializer
from .common import READ, READ_ONE, WRITE, errors


class AdjusterMixin:
    permission_classes = [IsAdjuster]

    def claim(self) -> Claim:
        return get_object_or_404(Claim.objects.select_related("policy__policyholder"),
                                 pk=self.kwargs["pk"])


class ClaimSearchFilter(filters.SearchFilter):
    """``?search=``: every word in the number, description, claimant, policy number or
    policyholder (``claims.selectors.claims_search``: index-served, no five-table OR)."""

    def filter_queryset(self, request, queryset, view):
        text = request.query_params.get(self.search_param, "")
        return claims_search(queryset, text) if text.strip() else queryset


@cache
def _adjuster_claims_built():
    return with_claim_events(claims_for_queue().select_related("policy__product")).order_by(
        "-emergency", "reported_at", "id")


def adjuster_claims():
    """The claims as the adjusters' API lists them (the work-queue figures, the cyber events),
    emergencies first. The queryset is the same for every request: built once per process
    (never run itself) and copied for each."""
    return _adjuster_claims_built().all()


@extend_schema(tags=["adjuster"], responses={200: AdjusterClaimSerializer(many=True),
                                             **errors(400, *READ)})
class ClaimList(AdjusterMixin, generics.ListAPIView):
    """Every claim, emergencies first; filter by state, product, loss type, adjuster, emergency;
    ``search`` looks in the number, description, policyholder, claimant and policy number. The
    ``count`` is exact up to 1,000 claims, PostgreSQL's estimate above (``count_is_estimate``)."""

    serializer_class = AdjusterClaimSerializer
    filter_backends = [DjangoFilterBackend, ClaimSearchFilter]
    filterset_class = ClaimFilter
    search_fields = ["number", "description", "policy__policyholder__company_name",
                     "claimant_name", "policy__number"]

    # the page's rows by their keys (the filters, order and page select only the keys)
    page_read = PageRead(_adjuster_claims_built)

    def get_queryset(self):
        return adjuster_claims()


@extend_schema(tags=["adjuster"], responses={200: AdjusterClaimSerializer, **errors(*READ_ONE)})
class ClaimDetail(AdjusterMixin, generics.RetrieveAPIView):
    serializer_class = AdjusterClaimSerializer

    def get_queryset(self):
        return adjuster_claims()

    def retrieve(self, request, *args, **kwargs):
        claim = self.get_object()
        access_record(user=request.user, what=AccessLogEntry.What.CLAIM,
                      channel=AccessLogEntry.Channel.API, claim=claim)
        return Response(self.get_serializer(claim).data)


TRANSITION_PARAMETER = OpenApiParameter(
    "transition", str, location=OpenApiParameter.PATH, enum=list(TRANSITION_NAMES),
    description="The transition to apply.",
)


class ClaimTransition(AdjusterMixin, APIView):
    @extend_schema(tags=["adjuster"], request=TransitionSerializer,
                   parameters=[TRANSITION_PARAMETER],
                   responses={200: AdjusterClaimSerializer, **errors(*WRITE)})
    def post(self, request, pk, transition):
        """Apply a transition; ``deny`` needs ``denial_reason`` and ``reason``, ``withdraw`` and
        ``reopen`` a ``reason``. 409 if the state does not allow it or the claim changed."""
        claim = self.claim()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = {}
        if data.validated_data.get("denial_reason"):
            payload["denial_reason"] = data.validated_data["denial_reason"]
        claim_transition(claim=claim, transition=transition, by=request.user,
                         reason=data.validated_data["reason"], payload=payload)
        return Response(AdjusterClaimSerializer(adjuster_claims().get(pk=claim.pk)).data)


@extend_schema(tags=["adjuster"], responses={200: JobListSerializer(many=True),
                                             **errors(*READ_ONE)})
class ClaimVendorJobList(AdjusterMixin, generics.ListAPIView):
    """The vendor jobs on a claim."""

    serializer_class = JobListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return VendorJob.objects.none()
        return VendorJob.objects.filter(claim=self.claim()).select_related(
            "service", "claim__loss_type"
        ).order_by("requested_at", "id")
