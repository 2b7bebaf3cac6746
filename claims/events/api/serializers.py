"""Serializers of the events API (adjusters and policyholders)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from claims.api.serializers.common import MONEY, FieldsBuiltOnce, StrictInputSerializer
from claims.models import Claim, ClaimNote
from claims.vendors.models import VendorOrganisation, VendorService
from config.statements import Prepared
from coverage.models import LossType
from policies.models import Policy, PolicyDependency

from ..models import CyberEvent, EventKind, EventReport, EventSuggestion
from ..services import AssignMode

NAMES = serializers.ListField(child=serializers.CharField(max_length=200), required=False)


class EventSerializer(serializers.ModelSerializer):
    loss_types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    report_loss_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    vendor_panel = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    claims_linked = serializers.IntegerField(read_only=True, source="linked", default=None)
    suggestions_open = serializers.IntegerField(read_only=True, source="open_suggestions",
                                                default=None)

    class Meta:
        model = CyberEvent
        fields = ["id", "name", "kind", "description", "status", "starts_at", "ends_at",
                  "providers", "software", "indicators", "cve_id", "loss_types",
                  "report_loss_type", "vendor_panel", "declared_at", "closed_at",
                  "claims_linked", "suggestions_open"]
        read_only_fields = fields


class EventInputSerializer(StrictInputSerializer):
    """Declare (POST: name, kind, starts_at required) or change (PATCH: any of them)."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=EventKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    providers = NAMES
    software = NAMES
    indicators = NAMES
    cve_id = serializers.CharField(required=False, allow_blank=True, max_length=20)
    loss_types = serializers.SlugRelatedField(slug_field="code", many=True, required=False,
                                              queryset=LossType.objects.all())
    report_loss_type = serializers.SlugRelatedField(slug_field="code", required=False,
                                                    allow_null=True,
                                                    queryset=LossType.objects.all())
    vendor_panel = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=VendorOrganisation.objects.filter(active=True))


class EventClaimSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.number", read_only=True)
    policyholder = serializers.CharField(source="policy.policyholder.company_name",
                                         read_only=True)
    loss_type = serializers.CharField(source="loss_type.code", read_only=True)
    assigned_adjuster = serializers.CharField(source="assigned_adjuster.username",
                                              read_only=True, default=None)

    class Meta:
        model = Claim
        fields = ["id", "number", "policy", "policyholder", "loss_type", "loss_date", "state",
                  "estimated_amount", "assigned_adjuster"]
        read_only_fields = fields


class ClaimIdsSerializer(StrictInputSerializer):
    claims = serializers.PrimaryKeyRelatedField(many=True, queryset=Claim.objects.all(),
                                                allow_empty=False)


class SuggestionSerializer(serializers.ModelSerializer):
    claim = EventClaimSerializer(read_only=True)

    class Meta:
        model = EventSuggestion
        fields = ["id", "claim", "reasons", "status", "created_at", "decided_at",
                  "decision_reason"]
        read_only_fields = fields


class OptionalReasonSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   default="")


class BulkClaimsMixin(serializers.Serializer):
    claims = serializers.ListField(child=serializers.IntegerField(), required=False,
                                   help_text="Only these linked claims (default: every open "
                                             "linked claim).")


class BulkAssignSerializer(BulkClaimsMixin, StrictInputSerializer):
    mode = serializers.ChoiceField(choices=AssignMode.CHOICES, default=AssignMode.ROUND_ROBIN)
    adjusters = serializers.ListField(child=serializers.CharField(), required=False,
                                      help_text="Usernames (default: every active adjuster).")


class BulkInformationRequestSerializer(BulkClaimsMixin, StrictInputSerializer):
    question = serializers.CharField(max_length=5000)
    due_date = serializers.DateField()


class BulkCommissionSerializer(BulkClaimsMixin, StrictInputSerializer):
    service = serializers.SlugRelatedField(slug_field="code",
                                           queryset=VendorService.objects.all())
    scope = serializers.CharField(required=False, allow_blank=True, default="",
                                  max_length=5000)


class BulkNoteSerializer(BulkClaimsMixin, StrictInputSerializer):
    text = serializers.CharField(max_length=20000)
    visibility = serializers.ChoiceField(choices=ClaimNote.Visibility.choices,
                                         default=ClaimNote.Visibility.INTERNAL)


class BulkResultSerializer(serializers.Serializer):
    done = serializers.DictField(child=serializers.CharField())
    failed = serializers.DictField(child=serializers.CharField())


class CapacitySerializer(StrictInputSerializer):
    jobs_per_day = serializers.IntegerField(min_value=1, allow_null=True)


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    linked = serializers.IntegerField()
    suggested = serializers.IntegerField()
    linked_total = serializers.IntegerField()
    suggested_total = serializers.IntegerField()


class ExposureRowSerializer(serializers.Serializer):
    product = serializers.CharField()
    module = serializers.CharField()
    policies = serializers.IntegerField()
    limit = serializers.DecimalField(**MONEY)
    committed = serializers.DecimalField(**MONEY)
    remaining = serializers.DecimalField(**MONEY)


class VendorLoadSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    name = serializers.CharField()
    panel = serializers.BooleanField()
    jobs_open = serializers.IntegerField()
    jobs_total = serializers.IntegerField()
    taken_today = serializers.IntegerField()
    capacity = serializers.IntegerField(allow_null=True)
    left_today = serializers.IntegerField(allow_null=True)


class DashboardSerializer(serializers.Serializer):
    claims_linked = serializers.IntegerField()
    claims_by_state = serializers.DictField(child=serializers.IntegerField())
    suggestions = serializers.DictField(child=serializers.IntegerField())
    reported = serializers.DecimalField(max_digits=16, decimal_places=2)
    reserved = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    incurred = serializers.DecimalField(max_digits=16, decimal_places=2)
    exposure_policies = serializers.IntegerField()
    exposure_total = serializers.DecimalField(max_digits=18, decimal_places=2)
    exposure = ExposureRowSerializer(many=True)
    timeline = DayCountSerializer(many=True)
    vendors = VendorLoadSerializer(many=True)


# --- policyholders ---------------------------------------------------------------------------


class OpenEventSerializer(serializers.ModelSerializer):
    report_loss_types = serializers.SerializerMethodField()

    class Meta:
        model = CyberEvent
        fields = ["id", "name", "kind", "description", "starts_at", "report_loss_types"]
        read_only_fields = fields

    def get_report_loss_types(self, event) -> list[str]:
        from ..selectors import event_report_loss_types

        return [loss_type.code for loss_type in event_report_loss_types(event)]


# One of the policyholder's active policies by its key: compiled once per connection
# (``config.statements``), read on every report under an event.
_HOLDER_POLICY = Prepared(lambda p: Policy.objects.filter(
    pk=p.int("pk"), policyholder_id=p.int("holder_id"), status=Policy.Status.ACTIVE,
).select_related("policyholder"))
_INT64 = 2**63


class HolderPolicyField(serializers.PrimaryKeyRelatedField):
    """An active policy of the policyholder ``holder_id`` by its key: the answers of
    ``PrimaryKeyRelatedField`` over that queryset, read by a prepared statement."""

    holder_id: int | None = None

    def to_internal_value(self, data):
        try:
            if isinstance(data, bool):
                raise TypeError
            pk = Policy._meta.pk.get_prep_value(data)  # as the ORM's lookup converts it
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        policy = None
        if self.holder_id is not None and -_INT64 <= pk < _INT64:
            policy = _HOLDER_POLICY.first(pk=pk, holder_id=self.holder_id)
        if policy is None:
            self.fail("does_not_exist", pk_value=data)
        return policy


class EventReportSerializer(FieldsBuiltOnce, StrictInputSerializer):
    """A report under an event; ``holder``: the reporting policyholder, whose active policies
    are the ones a report may name."""

    policy = HolderPolicyField(
        queryset=Policy.objects.none(),
        error_messages={"does_not_exist": gettext_lazy("Not one of your policies."),
                        "incorrect_type": gettext_lazy("Not one of your policies.")})
    loss_type = serializers.SlugRelatedField(slug_field="code", queryset=LossType.objects.all(),
                                             required=False)
    loss_date = serializers.DateField()
    description = serializers.CharField(max_length=10000)
    emergency = serializers.BooleanField(default=False)
    estimated_amount = serializers.DecimalField(**MONEY, required=False, allow_null=True,
                                                min_value=Decimal("0"))

    def __init__(self, *args, holder=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].holder_id = holder.pk if holder is not None else None


class DependencySerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyDependency
        fields = ["kind", "name"]


class DependenciesInputSerializer(StrictInputSerializer):
    dependencies = DependencySerializer(many=True)


class EventReportOutSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A report under an event: ``received`` until the worker registers it, then
    ``registered`` with the claim's id and number (or ``failed`` with the reason)."""

    event = serializers.PrimaryKeyRelatedField(read_only=True)
    policy = serializers.PrimaryKeyRelatedField(read_only=True)
    loss_type = serializers.CharField(source="loss_type.code", read_only=True)
    claim_number = serializers.CharField(source="claim.number", read_only=True, default=None)

    class Meta:
        model = EventReport
        fields = ["id", "event", "policy", "loss_type", "loss_date", "status", "claim",
                  "claim_number", "error", "received_at", "processed_at"]
        read_only_fields = fields
