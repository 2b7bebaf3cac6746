"""Claims as the policyholder and the adjuster see them, and the policyholder's report."""

from __future__ import annotations

from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.amounts import AmountField
from claims.events.claim_events import claim_events
from claims.models import Claim, ClaimDocument, InformationRequest
from claims.portal.selectors import reportable_policies
from config.statements import Prepared
from coverage.models import LossType
from policies.models import Policy

from .common import TEXT_MAX, FieldsBuiltOnce, StrictInputSerializer
from .rows import RowsSerializer


class ClaimEventLinkSerializer(serializers.Serializer):
    """A cyber event the claim is part of."""

    id = serializers.IntegerField(help_text="The event (``/api/events/<id>/``).")
    name = serializers.CharField()
    source = serializers.CharField(help_text="How it was linked: manual, bulk, suggestion, "
                                             "report.")


class ClaimEventSuggestionSerializer(serializers.Serializer):
    """A cyber event the claim is probably part of: decide with
    ``POST /api/events/<id>/suggestions/<suggestion>/confirm/`` or ``.../reject/``."""

    suggestion = serializers.IntegerField()
    id = serializers.IntegerField(help_text="The event.")
    name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class ClaimSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """What the policyholder sees of their claim."""

    policy_number = serializers.CharField(source="policy.number", read_only=True)
    loss_type = serializers.CharField(source="loss_type.code", read_only=True)
    loss_type_name = serializers.CharField(source="loss_type.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    awaiting_information = serializers.BooleanField(read_only=True)
    claimant_email = serializers.CharField(read_only=True, help_text="Empty if not given.")

    class Meta:
        model = Claim
        fields = ["id", "number", "policy", "policy_number", "loss_type", "loss_type_name",
                  "loss_date", "reported_at", "description", "emergency", "estimated_amount",
                  "claimant_name", "claimant_email", "claimant_address", "state", "state_label",
                  "awaiting_information", "withdrawal_reason"]
        read_only_fields = fields
        # Lists read each column once per page, the values as the fields write them.
        list_serializer_class = RowsSerializer


class AdjusterClaimSerializer(ClaimSerializer):
    """The adjuster's view: the policyholder, the coverage check, the assignment, what can happen
    next."""

    policyholder = serializers.CharField(source="policy.policyholder.company_name",
                                         read_only=True)
    product = serializers.CharField(source="policy.product.code", read_only=True)
    denial_reason = serializers.CharField(read_only=True, help_text="Empty unless denied.")
    transitions = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    event_suggestions = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "policyholder", "product", "assigned_adjuster",
                  "series", "denial_reason", "denial_text", "coverage_covered", "coverage_code",
                  "coverage_message", "coverage_section", "coverage_account",
                  "coverage_insurance_year", "possible_duplicate_of", "duplicate_of",
                  "events", "event_suggestions", "transitions", "created_at", "updated_at"]
        read_only_fields = fields

    @staticmethod
    def _events(claim: Claim) -> tuple[list, list]:
        """From the claims query's annotations (``with_claim_events``), else one query."""
        if hasattr(claim, "events_linked"):
            return claim.events_linked or [], claim.events_suggested or []
        marks = claim_events(claim=claim)
        return ([{"id": m.event_id, "name": m.name, "source": m.source}
                 for m in marks if m.linked],
                [{"suggestion": m.suggestion_id, "id": m.event_id, "name": m.name,
                  "reasons": m.reasons} for m in marks if not m.linked])

    @extend_schema_field(ClaimEventLinkSerializer(many=True))
    def get_events(self, claim: Claim) -> list[dict]:
        """The cyber events the claim is part of, the newest first."""
        return self._events(claim)[0]

    @extend_schema_field(ClaimEventSuggestionSerializer(many=True))
    def get_event_suggestions(self, claim: Claim) -> list[dict]:
        """The cyber events it is probably part of (open suggestions)."""
        return self._events(claim)[1]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_transitions(self, claim: Claim) -> list[str]:
        """The transitions the claim's state allows (the role and conditions checked on use)."""
        return [t.name for t in claim.get_available_state_transitions()]


_BIGINT = 2**63
# The reported policy (one of the caller's active ones, with its product: reporting needs none of
# its sections, and its policyholder is the caller's) and the loss type by its code: compiled once
# per connection (config.statements), read on every report.
_REPORTABLE_POLICY = Prepared(lambda p: (
    reportable_policies(holder=p.int("holder")).filter(pk=p.int("pk"))
    .select_related(None).select_related("product").prefetch_related(None).order_by()))
_LOSS_TYPE = Prepared(lambda p: LossType.objects.filter(code=p.text("code")))


class ReportablePolicyField(serializers.PrimaryKeyRelatedField):
    """The caller's active policy by its id (``holder``: their policyholder record), read by a
    compiled statement; the answers are ``PrimaryKeyRelatedField``'s."""

    def __init__(self, **kwargs):
        self.holder = None
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = self.policy_id(data)
        policy = None if self.holder is None else _REPORTABLE_POLICY.first(holder=self.holder.pk,
                                                                           pk=pk)
        if policy is None:
            self.fail("does_not_exist", pk_value=data)
        return policy

    def policy_id(self, data) -> int:
        """The id ``data`` names, as ``PrimaryKeyRelatedField`` reads it."""
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, float) and pk != data or not -_BIGINT <= pk < _BIGINT:
            self.fail("does_not_exist", pk_value=data)
        return pk


class PolicyIdField(ReportablePolicyField):
    """``ReportablePolicyField``'s reading of the id, without the read: the id itself."""

    def to_internal_value(self, data):
        return self.policy_id(data)


class LossTypeCodeField(serializers.SlugRelatedField):
    """A loss type by its ``code`` (``SlugRelatedField``), read by a compiled statement."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=LossType.objects.all(), **kwargs)

    def to_internal_value(self, data):
        code = self.code(data)
        loss_type = _LOSS_TYPE.first(code=code)
        if loss_type is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return loss_type

    def code(self, data) -> str:
        code = data if isinstance(data, str) else str(data)
        if "\x00" in code:  # no code holds one (PostgreSQL's text cannot)
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return code


class LossTypeCodeOnlyField(LossTypeCodeField):
    """``LossTypeCodeField``'s reading of the code, without the read: the code itself."""

    def to_internal_value(self, data):
        return self.code(data)


class ClaimReportSerializer(FieldsBuiltOnce, StrictInputSerializer):
    """First notice of loss. ``policy`` must be one of the caller's active policies: any other id
    (absent or someone else's) gets the same 400 "Not one of your policies."."""

    policy = ReportablePolicyField(
        queryset=Policy.objects.none(),
        error_messages={"does_not_exist": gettext_lazy("Not one of your policies."),
                        "incorrect_type": gettext_lazy("Not one of your policies.")},
    )
    loss_type = LossTypeCodeField()
    loss_date = serializers.DateField()
    description = serializers.CharField(max_length=10000)
    emergency = serializers.BooleanField(default=False)
    estimated_amount = AmountField(required=False, allow_null=True)
    claimant_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                          default="")
    claimant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    claimant_address = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                             default="")

    def __init__(self, *args, holder=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.holder = holder
        self.fields["policy"].holder = holder

    def validate_policy(self, policy: Policy) -> Policy:
        policy.policyholder = self.holder  # the one the queryset is filtered by (no query)
        return policy


class ClaimReceiveSerializer(ClaimReportSerializer):
    """The asynchronous report's first, optimistic reading: ``ClaimReportSerializer``'s fields
    and checks, but the policy and the loss type as the id and the code they name, left for
    ``report_receive_if_valid``'s single statement to find. It accepts nothing the full
    serializer refuses; whatever it or that statement refuses goes through the full serializer,
    which says what is wrong."""

    policy = PolicyIdField(queryset=Policy.objects.none())
    loss_type = LossTypeCodeOnlyField()

    def validate_policy(self, policy: int) -> int:
        return policy


class InformationRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationRequest
        fields = ["id", "kind", "question", "due_date", "status", "requested_at", "answer",
                  "closed_at"]
        read_only_fields = fields


class AnswerSerializer(StrictInputSerializer):
    answer = serializers.CharField(max_length=TEXT_MAX)


class DocumentSerializer(serializers.ModelSerializer):
    """A document's facts; the file itself only through the download endpoint."""

    class Meta:
        model = ClaimDocument
        fields = ["id", "doc_type", "original_name", "size", "content_type", "sha256",
                  "uploaded_at", "information_request"]
        read_only_fields = fields


POLICYHOLDER_DOCUMENT_TYPES = [
    ClaimDocument.Type.EVIDENCE, ClaimDocument.Type.CORRESPONDENCE, ClaimDocument.Type.OTHER,
]


class DocumentUploadSerializer(StrictInputSerializer):
    file = serializers.FileField()
    doc_type = serializers.ChoiceField(choices=POLICYHOLDER_DOCUMENT_TYPES,
                                       default=ClaimDocument.Type.EVIDENCE)
