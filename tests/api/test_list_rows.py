"""The claims API's lists write their rows column by column (``claims.api.serializers.rows``):
each row must be exactly DRF's (the same keys in the same order, the same values) for claims in
every state, in both languages, and the odd fields go DRF's way."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.test import APIClient

from bench.seed import seed
from claims.api.serializers.claims import AdjusterClaimSerializer, ClaimSerializer
from claims.api.serializers.rows import RowsSerializer
from claims.api.views.claims import adjuster_claims
from claims.events.models import EventSuggestion
from claims.events.services import event_claims_link, event_declare
from claims.models import Claim
from tests.factories import loss_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    """The bench's book: claims in every state with their coverage result, duplicates, series,
    assigned and not; one linked to an event, one suggested for it."""
    who = seed(120, verbose=False)
    lead = who["lead"]
    event = event_declare(
        by=lead, name="FileBridge campaign", kind="malware_campaign",
        description="A ransomware gang exploits a flaw in FileBridge MFT.",
        starts_at=timezone.now() - timedelta(days=5), software=["FileBridge MFT"],
        providers=[], indicators=["LockBridge"], cve_id="CVE-2026-31337",
        loss_types=[loss_type("ransomware")])
    first, second = adjuster_claims()[:2]
    event_claims_link(event=event, claims=[first], by=lead)
    EventSuggestion.objects.create(event=event, claim=second, reasons=["by hand", "Ümlaut"])
    return who


def as_json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_adjusters_rows_are_drfs(book, language):
    claims = list(adjuster_claims())
    assert len(claims) > 100
    with translation.override(language):
        ours = AdjusterClaimSerializer(claims, many=True).data
        drf = serializers.ListSerializer(claims, child=AdjusterClaimSerializer()).data
    assert as_json(ours) == as_json(drf)
    assert any(row["events"] for row in ours) and any(row["event_suggestions"] for row in ours)
    assert {row["state"] for row in ours} >= {"reported", "settled", "denied", "closed"}


def test_the_policyholders_rows_are_drfs(book):
    claims = list(Claim.objects.select_related("policy", "loss_type").order_by("pk"))
    ours = ClaimSerializer(claims, many=True).data
    drf = serializers.ListSerializer(claims, child=ClaimSerializer()).data
    assert as_json(ours) == as_json(drf)


def test_the_api_lists_the_same_rows(book):
    client = APIClient()
    client.force_authenticate(book["lead"])
    body = client.get("/api/claims/?page=2").json()
    claims = list(adjuster_claims()[50:100])
    with translation.override("en"):
        drf = serializers.ListSerializer(claims, child=AdjusterClaimSerializer()).data
    assert as_json(body["results"]) == as_json(drf)


class OddFields(serializers.ModelSerializer):
    """Sources the column readers leave to DRF, and some they read themselves."""

    adjuster_name = serializers.CharField(source="assigned_adjuster.username", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    denial = serializers.CharField(source="get_denial_reason_display", read_only=True)
    policy_text = serializers.StringRelatedField(source="policy")
    whole = serializers.SerializerMethodField()
    itself = serializers.CharField(source="*", read_only=True)
    third_party = serializers.BooleanField(source="is_third_party", read_only=True)
    holder = serializers.CharField(source="policy.policyholder.company_name", read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "adjuster_name", "state_label", "denial", "policy_text", "whole",
                  "itself", "third_party", "holder", "duplicate_of", "estimated_amount",
                  "reported_at", "loss_date", "coverage_covered"]
        list_serializer_class = RowsSerializer

    def get_whole(self, claim) -> str:
        return f"{claim.number}/{claim.state}"


def test_odd_fields_are_written_as_drf_writes_them(book):
    claims = list(Claim.objects.select_related(
        "policy__policyholder", "policy__product", "loss_type", "assigned_adjuster"
    ).order_by("pk"))
    assert any(claim.assigned_adjuster_id is None for claim in claims)
    ours = OddFields(claims, many=True).data
    drf = serializers.ListSerializer(claims, child=OddFields()).data
    assert as_json(ours) == as_json(drf)
    assert any("adjuster_name" not in row for row in ours)  # DRF skips the missing one
