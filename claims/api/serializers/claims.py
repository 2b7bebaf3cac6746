"""Claims as the policyholder and the adjuster see them, and the policyholder's report."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.amounts import AmountField
from claims.models import Claim, ClaimDocument, InformationRequest
from claims.portal.selectors import reportable_policies
from coverage.models import LossType
from policies.models import Policy

from .common import TEXT_MAX, StrictInputSerializer


class ClaimSerializer(serializers.ModelSerializer):
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


class AdjusterClaimSerializer(ClaimSerializer):
    """The adjuster's view: the policyholder, the coverage check, the assignment, what can happen
    next."""

    policyholder = serializers.CharField(source="policy.policyholder.company_name",
                                         read_only=True)
    product = serializers.CharField(source="policy.product.code", read_only=True)
    denial_reason = serializers.CharField(read_only=True, help_text="Empty unless denied.")
    transitions = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "policyholder", "product", "assigned_adjuster",
                  "series", "denial_reason", "denial_text", "coverage_covered", "coverage_code",
                  "coverage_message", "coverage_section", "coverage_account",
                  "coverage_insurance_year", "possible_duplicate_of", "duplicate_of",
                  "transitions", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_transitions(self, claim: Claim) -> list[str]:
        """The transitions the claim's state allows (the role and conditions checked on use)."""
        return [t.name for t in claim.get_available_state_transitions()]


class ClaimReportSerializer(StrictInputSerializer):
    """First notice of loss. ``policy`` must be one of the caller's active policies: any other id
    (absent or someone else's) gets the same 400 "Not one of your policies."."""

    policy = serializers.PrimaryKeyRelatedField(
        queryset=Policy.objects.none(),
        error_messages={"does_not_exist": "Not one of your policies.",
                        "incorrect_type": "Not one of your policies."},
    )
    loss_type = serializers.SlugRelatedField(slug_field="code", queryset=LossType.objects.all())
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
        self.fields["policy"].queryset = (
            # the policy alone: reporting needs none of its sections
            reportable_policies(holder=holder).prefetch_related(None) if holder is not None
            else Policy.objects.none()
        )


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
