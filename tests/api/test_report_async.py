"""``POST /api/me/claims/`` with ``Prefer: respond-async``: 202 with a receipt at once, the claim
registered moments later through the same report service and rules; the receipts' status
resource and list."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from claims.api.prefer import preferences
from claims.models import Activity, Claim, ReportReceipt
from claims.services import report_receipt_register, report_receipts_register
from config.models import AuditEntry, IdempotencyKey
from policies.models import Policy
from tests.api.seed import make_seed
from tests.factories import PolicyholderFactory, UserFactory

ASYNC = {"HTTP_PREFER": "respond-async"}


def report_body(policy, **extra):
    return {"policy": policy.pk, "loss_type": "ransomware",
            "loss_date": str(timezone.localdate() - timedelta(days=1)),
            "description": "Encrypted file server", "estimated_amount": "5000.00", **extra}


def _send_async(seed, role="holder_a", **extra):
    policy = seed.policy_a if role == "holder_a" else seed.policy_b
    return seed.client(role).post("/api/me/claims/", report_body(policy, **extra),
                                  format="json", **ASYNC)


def test_prefer_respond_async_answers_202_with_a_receipt_and_no_claim_yet(seed):
    claims_before = Claim.objects.count()
    response = _send_async(seed)
    assert response.status_code == 202, response.content
    body = response.json()
    receipt = ReportReceipt.objects.get()
    assert body["id"] == receipt.pk and body["status"] == "received"
    assert body["received_at"] and body["claim"] is None
    assert body["url"].endswith(f"/api/me/reports/{receipt.pk}/")
    assert response["Location"] == body["url"]
    assert response["Preference-Applied"] == "respond-async"
    assert Claim.objects.count() == claims_before  # nothing numbered in the request
    assert (receipt.reported_by, receipt.policy, receipt.estimated_amount) == (
        seed.users["holder_a"], seed.policy_a, Decimal("5000.00"))


@pytest.mark.parametrize("header", ["return=minimal, Respond-Async",
                                    "respond-async; wait=10", "RESPOND-ASYNC , handling=lenient"])
def test_respond_async_is_recognised_among_other_preferences(seed, header):
    response = seed.client("holder_a").post("/api/me/claims/", report_body(seed.policy_a),
                                            format="json", HTTP_PREFER=header)
    assert response.status_code == 202, response.content


def test_the_prefer_header_is_parsed_as_a_list_of_preferences():
    class Request:
        def __init__(self, value):
            self.headers = {"Prefer": value}

    assert preferences(Request('return=minimal, respond-async; a="x,y"')) == {
        "return", "respond-async"}
    assert preferences(Request('foo="respond-async, bar"')) == {"foo"}
    assert preferences(Request("")) == set()


def test_without_the_header_the_report_is_still_201_with_the_claim(seed):
    client = seed.client("holder_a")
    response = client.post("/api/me/claims/", report_body(seed.policy_a), format="json")
    assert response.status_code == 201 and response.json()["number"]
    other = client.post("/api/me/claims/", report_body(seed.policy_a, description="Other"),
                        format="json", HTTP_PREFER="return=minimal")
    assert other.status_code == 201 and "Preference-Applied" not in other
    assert not ReportReceipt.objects.exists()


def test_the_registrar_makes_the_claim_with_the_same_data_number_audit_activity_and_email(
        seed, django_capture_on_commit_callbacks):
    response = _send_async(seed)
    receipt = ReportReceipt.objects.get(pk=response.json()["id"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert report_receipts_register() == 1  # what the beat task does
    claim = Claim.objects.get(report_receipt=receipt)
    assert (claim.policy, claim.loss_type.code, claim.loss_date, claim.description,
            claim.estimated_amount, claim.reported_by, claim.reported_at, claim.state) == (
        seed.policy_a, "ransomware", timezone.localdate() - timedelta(days=1),
        "Encrypted file server", Decimal("5000.00"), seed.users["holder_a"],
        receipt.received_at, "reported")
    assert claim.number and str(timezone.localdate().year) in claim.number
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="claim.reported").count() == 1
    assert Activity.objects.filter(claim=claim).exists()
    assert [m.subject for m in mail.outbox] == [f"Your claim {claim.number} has been received"]
    assert mail.outbox[0].to == [seed.policy_a.policyholder.email]

    status = seed.client("holder_a").get(f"/api/me/reports/{receipt.pk}/").json()
    assert status["status"] == "registered" and status["processed_at"]
    assert status["claim"]["id"] == claim.pk and status["claim"]["number"] == claim.number
    assert status["claim"]["url"].endswith(f"/api/me/claims/{claim.pk}/")
    assert seed.client("holder_a").get(f"/api/me/claims/{claim.pk}/").status_code == 200


def test_the_status_resource_says_received_before_the_registrar_ran(seed):
    receipt_id = _send_async(seed).json()["id"]
    status = seed.client("holder_a").get(f"/api/me/reports/{receipt_id}/").json()
    assert (status["status"], status["claim"], status["processed_at"], status["error"]) == (
        "received", None, None, "")


def test_without_a_broker_the_claim_exists_right_after_the_request(
        seed, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # make run, the development server
    with django_capture_on_commit_callbacks(execute=True):
        response = _send_async(seed)
    assert response.status_code == 202
    receipt = ReportReceipt.objects.get(pk=response.json()["id"])
    assert receipt.status == "registered" and receipt.claim.description == "Encrypted file server"
    status = seed.client("holder_a").get(response["Location"]).json()
    assert status["claim"]["number"] == receipt.claim.number


def test_a_report_the_rules_refuse_later_fails_is_audited_and_the_reporter_is_told(
        seed, django_capture_on_commit_callbacks):
    receipt_id = _send_async(seed).json()["id"]
    # Meanwhile the policy passed to another policyholder: the report service refuses.
    Policy.objects.filter(pk=seed.policy_a.pk).update(policyholder=PolicyholderFactory(
        user=UserFactory(username="new.owner"), company_name="New Owner GmbH"))
    claims_before = Claim.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert report_receipts_register() == 0
    receipt = ReportReceipt.objects.get(pk=receipt_id)
    assert receipt.status == "failed" and "policyholder" in receipt.error
    assert receipt.claim is None and Claim.objects.count() == claims_before
    audit = AuditEntry.objects.get(action="report.registration_failed")
    assert (audit.object_id, audit.to_value, audit.reason) == (
        str(receipt.pk), "failed", receipt.error)
    holder_a = seed.users["holder_a"].policyholder
    assert [m.to for m in mail.outbox] == [[holder_a.email]]  # the reporter, not the new owner
    assert "could not be registered" in mail.outbox[0].subject
    assert receipt.error in mail.outbox[0].body
    status = seed.client("holder_a").get(f"/api/me/reports/{receipt_id}/").json()
    assert status["status"] == "failed" and status["error"] == receipt.error
    assert report_receipt_register(receipt_id=receipt_id) is None  # once


def test_the_refusal_email_is_in_the_reporters_language(seed, django_capture_on_commit_callbacks):
    from language.services import language_set

    language_set(user=seed.users["holder_a"], language="de")
    receipt_id = _send_async(seed).json()["id"]
    Policy.objects.filter(pk=seed.policy_a.pk).update(policyholder=seed.policy_b.policyholder)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_receipt_register(receipt_id=receipt_id)
    assert [m.subject for m in mail.outbox] == [
        f"Ihre Meldung des Schadens vom "
        f"{(timezone.localdate() - timedelta(days=1)):%d.%m.%Y} konnte nicht erfasst werden"]


def test_registering_twice_makes_one_claim(seed):
    receipt_id = _send_async(seed).json()["id"]
    claim = report_receipt_register(receipt_id=receipt_id)
    assert claim is not None
    assert report_receipts_register() == 0
    assert report_receipt_register(receipt_id=receipt_id) == claim  # the same, not a second
    assert Claim.objects.filter(report_receipt__isnull=False).count() == 1
    assert AuditEntry.objects.filter(action="claim.reported", claim_id=claim.pk).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrars_make_each_claim_once():
    seed = make_seed()
    ids = [_send_async(seed, description=f"Incident {n}").json()["id"] for n in range(6)]
    claims_before = Claim.objects.count()
    start, counts, errors = threading.Barrier(2), [], []

    def registrar():
        try:
            start.wait(30)
            counts.append(report_receipts_register())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=registrar) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert report_receipts_register() == 6 - sum(counts)  # what both left (e.g. a skipped lock)
    assert Claim.objects.count() == claims_before + 6
    assert set(ReportReceipt.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "registered"}
    assert len(set(ReportReceipt.objects.values_list("claim", flat=True))) == 6


def test_an_idempotency_key_replays_the_same_receipt_and_stores_no_second(seed):
    client = seed.client("holder_a", token=True)
    first = client.post("/api/me/claims/", report_body(seed.policy_a), format="json",
                        HTTP_IDEMPOTENCY_KEY="async-1", **ASYNC)
    second = client.post("/api/me/claims/", report_body(seed.policy_a), format="json",
                         HTTP_IDEMPOTENCY_KEY="async-1", **ASYNC)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert second["Location"] == first["Location"]
    assert second["Preference-Applied"] == "respond-async"
    assert ReportReceipt.objects.count() == 1
    assert IdempotencyKey.objects.get(key="async-1").response_status == 202
    reused = client.post("/api/me/claims/", report_body(seed.policy_a, description="Other"),
                         format="json", HTTP_IDEMPOTENCY_KEY="async-1", **ASYNC)
    assert reused.status_code == 409 and ReportReceipt.objects.count() == 1


@pytest.mark.parametrize(("extra", "field"), [
    ({"loss_date": "2099-01-01"}, "loss_date"),
    ({"loss_date": "1980-01-01"}, "loss_date"),
    ({"description": "   "}, "description"),
    ({"estimated_amount": "-1.00"}, "estimated_amount"),
    ({"loss_type": "no_such_type"}, "loss_type"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_the_same_400_as_the_synchronous_report_and_stores_nothing(
        seed, extra, field):
    client = seed.client("holder_a")
    body = report_body(seed.policy_a, **extra)
    response = client.post("/api/me/claims/", body, format="json", **ASYNC)
    synchronous = client.post("/api/me/claims/", body, format="json")
    assert response.status_code == synchronous.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert response.json() == synchronous.json()
    assert not ReportReceipt.objects.exists()


def test_someone_elses_policy_is_refused_as_in_the_synchronous_report(seed):
    client = seed.client("holder_a")
    body = report_body(seed.policy_b)
    response = client.post("/api/me/claims/", body, format="json", **ASYNC)
    assert response.status_code == 400
    assert response.json() == client.post("/api/me/claims/", body, format="json").json()
    assert "policy" in response.json()["error"]["fields"]
    assert not ReportReceipt.objects.exists()


def test_another_users_receipt_is_404_and_not_listed(seed):
    receipt_id = _send_async(seed).json()["id"]
    other = seed.client("holder_b")
    response = other.get(f"/api/me/reports/{receipt_id}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert other.get("/api/me/reports/").json()["results"] == []
    assert seed.client("adjuster").get(f"/api/me/reports/{receipt_id}/").status_code == 403
    assert APIClient().get("/api/me/reports/").status_code == 401


def test_my_receipts_are_listed_newest_first_with_a_fixed_number_of_queries(
        seed, django_assert_max_num_queries):
    client = seed.client("holder_a")
    first = _send_async(seed, description="First").json()["id"]
    report_receipt_register(receipt_id=first)
    client.get("/api/me/reports/")  # warm-up: statements compiled once per connection
    connection.queries_log.clear()  # a full log (9000 rows) would make every count 0
    with django_assert_max_num_queries(20) as one:
        listed = client.get("/api/me/reports/").json()
    assert [row["id"] for row in listed["results"]] == [first] and listed["count"] == 1
    queries = len(one.captured_queries)  # read now: the log is cleared below
    assert 0 < queries <= 6, [query["sql"] for query in one.captured_queries]
    later = [_send_async(seed, description=f"Later {n}").json()["id"] for n in range(4)]
    report_receipt_register(receipt_id=later[0])
    connection.queries_log.clear()
    with django_assert_max_num_queries(queries):
        listed = client.get("/api/me/reports/").json()
    assert [row["id"] for row in listed["results"]] == [*reversed(later), first]
    assert listed["count"] == 5 and listed["results"][-1]["claim"]["number"]
    assert client.get("/api/me/reports/?page=9").status_code == 404


def test_the_schema_documents_the_202_answer_and_the_prefer_header(seed):
    schema = seed.client("adjuster").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/me/claims/"]["post"]
    assert {"201", "202", "400"} <= set(post["responses"])
    assert {"Prefer", "Idempotency-Key"} <= {p["name"] for p in post["parameters"]}
    assert "/api/me/reports/{id}/" in schema["paths"] and "/api/me/reports/" in schema["paths"]


@pytest.mark.parametrize("payload", ['{"policy": ', "[1, 2]", '{"policy": "abc"}'])
def test_malformed_bodies_are_400_not_500(seed, payload):
    response = seed.client("holder_a").post("/api/me/claims/", payload,
                                            content_type="application/json",
                                            HTTP_IDEMPOTENCY_KEY="bad-1", **ASYNC)
    assert response.status_code == 400 and response.json()["error"]["code"]
    assert not ReportReceipt.objects.exists()
    assert not IdempotencyKey.objects.filter(key="bad-1").exists()  # may be retried


def test_a_key_first_used_asynchronously_replays_the_receipt_with_its_headers(seed):
    client = seed.client("holder_a", token=True)
    first = client.post("/api/me/claims/", report_body(seed.policy_a), format="json",
                        HTTP_IDEMPOTENCY_KEY="async-2", **ASYNC)
    again = client.post("/api/me/claims/", report_body(seed.policy_a), format="json",
                        HTTP_IDEMPOTENCY_KEY="async-2")  # the header forgotten on the retry
    assert again.status_code == 202 and again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert ReportReceipt.objects.count() == 1


def test_beat_runs_the_registrar_task_every_few_seconds(seed, settings):
    from claims.tasks import report_receipts_register_task

    entry = settings.CELERY_BEAT_SCHEDULE["claims-report-receipts-register"]
    assert entry["task"] == report_receipts_register_task.name
    assert entry["schedule"].total_seconds() <= 10
    _send_async(seed)
    assert report_receipts_register_task() == 1
    assert ReportReceipt.objects.get().status == "registered"


@pytest.mark.parametrize("headers", [{}, ASYNC], ids=["ordinary", "respond-async"])
@pytest.mark.parametrize(("field", "value"), [("description", 12345),
                                              ("claimant_name", ["Client AG"]),
                                              ("claimant_email", 7)])
def test_a_text_field_given_a_number_or_a_list_is_refused_with_its_name(seed, headers, field,
                                                                        value):
    """DRF turns a number into its text (``12345`` as a description): the report refuses it
    with 400 naming the field, and stores nothing."""
    answer = seed.client("holder_a").post("/api/me/claims/",
                                          report_body(seed.policy_a, **{field: value}),
                                          format="json", **headers)
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]
    assert not ReportReceipt.objects.exists()
    assert not Claim.objects.filter(description="12345").exists()


def test_the_receipts_written_out_answer_is_the_model_serializers_for_every_status(
        seed, rf, django_capture_on_commit_callbacks):
    """``ReportReceiptSerializer`` writes its fields out for speed: the same answer as DRF's
    walk over its declared fields, received, registered and failed."""
    from rest_framework import serializers

    from claims.api.serializers.receipts import ReportReceiptSerializer

    received, registered, failed = (_send_async(seed, description=f"Incident {n}").json()["id"]
                                    for n in range(3))
    ReportReceipt.objects.filter(pk=failed).update(
        status=ReportReceipt.Status.FAILED, error="The policy has lapsed.",
        processed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        report_receipt_register(receipt_id=registered)
    request = rf.get("/api/me/reports/")
    for receipt in ReportReceipt.objects.filter(pk__in=[received, registered, failed]):
        serializer = ReportReceiptSerializer(receipt, context={"request": request})
        walked = serializers.ModelSerializer.to_representation(serializer, receipt)
        assert serializer.data == walked and set(walked) == set(
            ReportReceiptSerializer.Meta.fields)
    assert {ReportReceipt.objects.get(pk=pk).status for pk in (received, registered, failed)} == {
        "received", "registered", "failed"}


@pytest.mark.parametrize("case", [
    "cancelled policy", "expired policy", "policy id as text with a decimal", "policy as true",
    "policy id beyond bigint", "third party without claimant", "third party without address",
    "third party with a blank name", "loss type with a space",
])
def test_what_the_single_statement_receipt_refuses_is_the_synchronous_400(seed, case):
    """The asynchronous report is received by one statement that reads neither the policy nor
    the loss type first; anything it cannot take is answered by the full checks, exactly as the
    synchronous report answers it, and nothing is stored."""
    policy = seed.policy_a
    extra = {
        "policy id as text with a decimal": {"policy": f"{policy.pk}.0"},
        "policy as true": {"policy": True},
        "policy id beyond bigint": {"policy": 2**63},
        "third party without claimant": {"loss_type": "third_party_cyber"},
        "third party without address": {"loss_type": "third_party_cyber",
                                        "claimant_name": "Client AG"},
        "third party with a blank name": {"loss_type": "third_party_cyber",
                                          "claimant_name": "  ",
                                          "claimant_email": "legal@client.example"},
        "loss type with a space": {"loss_type": " ransomware"},
    }.get(case, {})
    if case.endswith("policy"):
        Policy.objects.filter(pk=policy.pk).update(
            status=case.split()[0], cancelled_from=timezone.localdate()
            if case.startswith("cancelled") else None)
    client = seed.client("holder_a")
    body = {**report_body(policy), **extra}
    response = client.post("/api/me/claims/", body, format="json", **ASYNC)
    synchronous = client.post("/api/me/claims/", body, format="json")
    assert response.status_code == synchronous.status_code == 400, response.content
    assert response.json() == synchronous.json()
    assert not ReportReceipt.objects.exists()


def test_a_valid_report_is_received_by_one_insert_without_reading_policy_or_loss_type(seed):
    from django.test.utils import CaptureQueriesContext

    client = seed.client("holder_a")
    body = report_body(seed.policy_a, loss_type="third_party_cyber",
                       claimant_name=" Client AG ", claimant_address="Ring 1, Wien ")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/me/claims/", body, format="json", **ASYNC)
    assert response.status_code == 202, response.content
    written = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
    assert len(written) == 1 and written[0].startswith('INSERT INTO "claims_reportreceipt"')
    assert not [q for q in queries if '"policies_policy"' in q["sql"].split(" WHERE ")[0]
                and q["sql"].startswith("SELECT")]
    receipt = ReportReceipt.objects.get()
    assert (receipt.pk, receipt.policy, receipt.loss_type.code, receipt.claimant_name,
            receipt.claimant_address, receipt.status, receipt.reported_by) == (
        response.json()["id"], seed.policy_a, "third_party_cyber", "Client AG", "Ring 1, Wien",
        "received", seed.users["holder_a"])
    assert response.json()["received_at"] == ReportReceipt.objects.values_list(
        "received_at", flat=True).get().astimezone(timezone.get_current_timezone()).isoformat()
