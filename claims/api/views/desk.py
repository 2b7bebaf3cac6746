"""The adjuster's desk in the API: the start page's work queues and charts (``/api/desk/``) and
the team lead's queue of settlements waiting for their approval
(``/api/settlements/awaiting-approval/``), the same figures the admin shows."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.desk.dashboard import dashboard
from claims.money.approvals import settlements_awaiting_approval
from claims.money.models import Settlement
from claims.money.services import settlements_approve_in_background
from claims.money.services.settlements import BULK_APPROVAL_MAX

from ..serializers.common import StrictInputSerializer
from ..serializers.money import SettlementSerializer
from .claims import AdjusterMixin
from .common import READ, READ_ONE, WRITE, errors


class QueuesSerializer(serializers.Serializer):
    """The work queues' sizes (``GET /api/claims/?queue=<name>`` lists each): yours counted now,
    the others at most ``DASHBOARD_QUEUES_SECONDS`` (10 s) old."""

    mine = serializers.IntegerField(help_text="Open claims assigned to you.")
    unassigned = serializers.IntegerField(help_text="Open claims without an adjuster.")
    emergencies = serializers.IntegerField(help_text="Open emergencies.")
    overdue = serializers.IntegerField(help_text="Claims with an open activity past its due "
                                                 "time.")
    overdue_activities = serializers.IntegerField(help_text="Open activities past their due "
                                                            "time.")
    messages = serializers.IntegerField(help_text="Claims whose policyholder wrote last, not "
                                                  "answered yet.")
    approvals = serializers.IntegerField(
        help_text="Settlements waiting for your approval (``/api/settlements/"
                  "awaiting-approval/``).")


class StateAgeSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    fresh = serializers.IntegerField(help_text="Reported in the last 7 days.")
    middle = serializers.IntegerField(help_text="Reported 7 to 30 days ago.")
    old = serializers.IntegerField(help_text="Reported more than 30 days ago.")


class WeekSerializer(serializers.Serializer):
    week_of = serializers.DateField(source="start", help_text="The Monday of the week.")
    reported = serializers.IntegerField(source="value")


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField(source="start", help_text="The first day of the month.")
    paid = serializers.DecimalField(source="value", max_digits=16, decimal_places=2)
    incurred = serializers.DecimalField(
        source="second", max_digits=16, decimal_places=2,
        help_text="Paid plus the month's reserve movements.")


class AggregateSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    product = serializers.CharField()
    year = serializers.IntegerField(help_text="The calendar year the insurance years start in.")
    limit = serializers.DecimalField(max_digits=16, decimal_places=2)
    committed = serializers.DecimalField(max_digits=16, decimal_places=2)
    percent = serializers.IntegerField()


class ExposureSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The claim (``/api/claims/<id>/``).")
    number = serializers.CharField()
    exposure = serializers.DecimalField(max_digits=16, decimal_places=2,
                                        help_text="Its current reserves.")


class DeskSerializer(serializers.Serializer):
    queues = QueuesSerializer()
    charts_as_of = serializers.DateTimeField(
        source="as_of", help_text="When the charts were computed (kept for a minute).")
    by_state = StateAgeSerializer(many=True, help_text="Open claims by state and age.")
    reported_per_week = WeekSerializer(source="per_week", many=True)
    paid_per_month = MonthSerializer(source="per_month", many=True)
    aggregates = AggregateSerializer(many=True, help_text="Aggregate used per product and "
                                                          "insurance year.")
    largest_exposures = ExposureSerializer(source="exposures", many=True,
                                           help_text="The ten largest open exposures.")


@extend_schema(tags=["adjuster"], responses={200: DeskSerializer, **errors(*READ_ONE)})
class Desk(AdjusterMixin, APIView):
    """The admin start page's figures: your work queues, and the charts a claims manager looks
    at (from aggregate queries)."""

    def get(self, request):
        return Response(DeskSerializer(dashboard(user=request.user)).data)


class AwaitingApprovalSerializer(SettlementSerializer):
    claim_number = serializers.CharField(source="claim.number", read_only=True)
    required_level = serializers.CharField(source="required_level.name", read_only=True,
                                           default=None)
    escalated_by = serializers.CharField(source="escalated_by.get_username", read_only=True,
                                         default=None)

    class Meta(SettlementSerializer.Meta):
        fields = [*SettlementSerializer.Meta.fields, "claim_number", "required_level",
                  "escalated_by"]
        read_only_fields = fields


@extend_schema(tags=["adjuster"], responses={200: AwaitingApprovalSerializer(many=True),
                                             **errors(*READ)})
class AwaitingApproval(AdjusterMixin, generics.ListAPIView):
    """Settlements escalated above an adjuster's authority that you may decide (your level and
    limit), oldest first, with the figures and the explanation; approve or refuse them with
    ``POST /api/claims/<claim>/settlements/<id>/approve/`` or ``.../refuse/``. Empty without
    approval authority."""

    serializer_class = AwaitingApprovalSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Settlement.objects.none()
        return settlements_awaiting_approval(user=self.request.user).select_related(
            "claim", "required_level", "escalated_by")


class BulkApprovalSerializer(StrictInputSerializer):
    settlements = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False,
        max_length=BULK_APPROVAL_MAX,
        help_text="The ids of the settlements to approve (proposed or waiting for a higher "
                  "authority).")


class BulkApprovalQueuedSerializer(serializers.Serializer):
    queued = serializers.ListField(child=serializers.IntegerField(),
                                   help_text="The settlements handed to the workers.")


class BulkApproval(AdjusterMixin, APIView):
    @extend_schema(tags=["adjuster"], request=BulkApprovalSerializer,
                   responses={202: BulkApprovalQueuedSerializer, **errors(*WRITE)})
    def post(self, request):
        """Approve many settlements in the background (the admin's "approve the selected
        settlements"): the open ones among ``settlements`` are approved by the workers, each in
        its own transaction exactly as ``POST .../settlements/<id>/approve/`` (above your
        authority one waits for a higher level; one that cannot be approved leaves the others
        alone). 202 with the ids queued; follow them in ``GET /api/settlements/awaiting-approval/``
        or on their claims."""
        data = BulkApprovalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        queued = settlements_approve_in_background(
            settlement_ids=data.validated_data["settlements"], by=request.user)
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
