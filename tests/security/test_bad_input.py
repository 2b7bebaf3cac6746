"""Bad input is a 400 in the API's error body (a form error on pages), never a 500, and nothing
is written: deep JSON, lone surrogates, NUL characters, dates at the end of the calendar, odd
digits, amounts beyond the maximum, overlong text, unknown fields."""

from decimal import Decimal

import pytest
from django.urls import get_resolver

from claims.models import Claim
from claims.money.models import CostLine, ReserveChange
from claims.vendors.models import VendorJob
from config.models import AuditEntry
from tests.api.test_adjuster_api import _category
from tests.security.routes import all_routes

DEEP = "[" * 100_000 + "]" * 100_000


def _post_json(client, url, body: str):
    return client.post(url, body, content_type="application/json")


def _json_post_urls(seed):
    """Every endpoint that reads a JSON POST body, with the role that may call it (approving a
    settlement, accepting or completing a job take no body)."""
    claim, job = seed.claim_a.pk, seed.job_x.pk
    return [
        ("anonymous", "/api/auth/token/"),
        ("holder_a", "/api/me/claims/"),
        ("holder_a", f"/api/me/claims/{claim}/withdraw/"),
        ("holder_a", f"/api/me/claims/{claim}/questions/{seed.question_a.pk}/answer/"),
        ("holder_a", f"/api/me/claims/{claim}/documents/"),
        ("adjuster", f"/api/claims/{claim}/transitions/deny/"),
        ("adjuster", f"/api/claims/{claim}/cost-lines/"),
        ("adjuster", f"/api/claims/{claim}/reserves/"),
        ("adjuster", f"/api/claims/{claim}/settlements/"),
        *[("vendor_x", f"/api/vendor/jobs/{job}/{action}") for action in
          ("decline", "quote", "progress", "report", "invoice")],
    ]


def test_every_json_post_endpoint_is_covered():
    posts = {route for name, route in all_routes(get_resolver())
             if route.startswith("api/") and "schema" not in route and "docs" not in route}
    assert len(posts) >= 20  # the list above names each POST endpoint of the API


@pytest.mark.parametrize("body", [DEEP, '{"a":' * 50 + "1" + "}" * 50],
                         ids=["100000-deep", "50-deep"])
def test_deeply_nested_json_is_a_400_everywhere(seed, body):
    for role, url in _json_post_urls(seed):
        response = _post_json(seed.client(role), url, body)
        assert response.status_code == 400, (url, response.status_code)
        assert response.json()["error"]["code"] == "parse_error", url


@pytest.mark.parametrize("body", [
    '{"reason": "\\ud800"}', '{"\\udc00": "x"}', '{"reason": ["\\udfff"]}',
], ids=["value", "key", "nested"])
def test_lone_surrogates_are_a_400_everywhere(seed, body):
    for role, url in _json_post_urls(seed):
        response = _post_json(seed.client(role), url, body)
        assert response.status_code == 400, (url, response.status_code)
        assert "surrogate" in response.json()["error"]["message"], url
    seed.claim_a.refresh_from_db()
    assert seed.claim_a.state == "liability_check"


def _report(seed, **changes):
    return {"policy": seed.policy_a.pk, "loss_type": "ransomware", "loss_date": "2026-01-05",
            "description": "Encrypted file server", **changes}


def test_a_loss_date_at_the_start_of_the_calendar_is_a_400(seed):
    response = seed.client("holder_a").post("/api/me/claims/",
                                            _report(seed, loss_date="0001-01-01"), format="json")
    assert response.status_code == 400
    assert "loss_date" in response.json()["error"]["fields"]
    assert Claim.objects.count() == 2


def test_a_nul_in_the_loss_type_is_a_400(seed):
    response = seed.client("holder_a").post("/api/me/claims/",
                                            _report(seed, loss_type="ransom\x00ware"),
                                            format="json")
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]


def test_a_nul_in_a_cost_line_category_is_a_400(seed):
    response = seed.client("adjuster").post(
        f"/api/claims/{seed.claim_a.pk}/cost-lines/",
        {"category": "foren\x00sics", "amount": "10.00", "payee_kind": "policyholder"},
        format="json")
    assert response.status_code == 400
    assert not CostLine.objects.exists()


@pytest.mark.parametrize("section", ["\u00b2", "\u0661", "99999999999999999999999", "-1", "1.0"])
def test_an_odd_section_on_the_preview_is_a_400_or_404(seed, section):
    response = seed.client("adjuster").get(
        f"/api/claims/{seed.claim_a.pk}/settlement-preview/", {"section": section})
    assert response.status_code in (400, 404)
    assert "error" in response.json()


def _cost_line(seed, amount, **extra):
    return seed.client("adjuster").post(
        f"/api/claims/{seed.claim_a.pk}/cost-lines/",
        {"category": _category(seed), "amount": amount, "payee_kind": "policyholder", **extra},
        format="json")


def test_a_cost_line_beyond_the_maximum_is_refused_with_the_maximum(seed):
    response = _cost_line(seed, "999999999999.99")
    assert response.status_code == 400
    assert "100,000,000.00" in response.json()["error"]["fields"]["amount"][0]
    assert not CostLine.objects.exists()


def test_cost_lines_whose_total_would_overflow_are_refused_and_the_preview_still_works(seed):
    for _ in range(10):
        assert _cost_line(seed, "100000000.00").status_code == 201
    refused = _cost_line(seed, "100000000.00")
    assert refused.status_code == 400
    assert "1,000,000,000.00" in refused.json()["error"]["fields"]["amount"][0]
    preview = seed.client("adjuster").get(f"/api/claims/{seed.claim_a.pk}/settlement-preview/")
    assert preview.status_code == 200


@pytest.mark.parametrize("amount", ["\uff11\uff12\uff13", "\u0661\u0662\u0663", "1_000", "1e2",
                                    "NaN", "Infinity", " ", "", "12.345", "0x10", 123, 1.5, True])
def test_amounts_take_ascii_digits_only(seed, amount):
    response = _cost_line(seed, amount)
    assert response.status_code == 400, amount
    assert "amount" in response.json()["error"]["fields"]
    assert not CostLine.objects.exists()


def test_minus_zero_is_stored_as_zero(seed):
    response = seed.client("adjuster").post(
        f"/api/claims/{seed.claim_a.pk}/reserves/",
        {"kind": "loss", "level": "-0", "reason": "Nothing expected"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "0.00"
    level = ReserveChange.objects.get(claim=seed.claim_a).level
    assert str(level) == "0.00"
    audit = AuditEntry.objects.filter(claim_id=seed.claim_a.pk,
                                      action="money.reserve_changed").get()
    assert "-0" not in f"{audit.to_value} {audit.payload}"


def test_a_one_megabyte_withdrawal_reason_is_refused(seed):
    response = seed.client("holder_a").post(
        f"/api/me/claims/{seed.claim_a.pk}/withdraw/", {"reason": "x" * 1_000_000},
        format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    seed.claim_a.refresh_from_db()
    assert seed.claim_a.state == "liability_check"


def test_the_portal_refuses_a_one_megabyte_withdrawal_reason(seed):
    response = seed.client("holder_a").post(f"/portal/claims/{seed.claim_a.pk}/withdraw/",
                                            {"reason": "x" * 1_000_000})
    assert response.status_code == 400
    seed.claim_a.refresh_from_db()
    assert seed.claim_a.state == "liability_check"


def test_the_vendor_api_refuses_unknown_fields(seed):
    response = seed.client("vendor_x").post(
        f"/api/vendor/jobs/{seed.job_x.pk}/decline",
        {"reason": "No capacity", "state": "accepted"}, format="json")
    assert response.status_code == 400
    assert "state" in response.json()["error"]["fields"]
    seed.job_x.refresh_from_db()
    assert seed.job_x.state == "requested"


def test_a_vendor_no_longer_sees_the_contact_on_a_declined_job(seed):
    client = seed.client("vendor_x")
    holder = seed.policy_a.policyholder
    before = client.get(f"/api/vendor/jobs/{seed.job_x.pk}").json()
    # Least data: before accepting, the vendor sees whom the job is for, not how to reach them.
    assert before["claim"]["policyholder"]["company_name"] == holder.company_name
    assert client.post(f"/api/vendor/jobs/{seed.job_x.pk}/decline", {"reason": "Full"},
                       format="json").status_code == 200
    after = client.get(f"/api/vendor/jobs/{seed.job_x.pk}").json()
    assert not any(after["claim"]["policyholder"].values())  # nothing left to reach them by
    page = client.get(f"/vendor/jobs/{seed.job_x.pk}/").content.decode()
    assert holder.email not in page and holder.company_name not in page
    assert VendorJob.objects.get(pk=seed.job_x.pk).state == "declined"


def test_an_invoice_amount_in_other_digits_is_refused(seed):
    VendorJob.objects.filter(pk=seed.job_x.pk).update(
        state="completed", estimate=Decimal("4000.00"), approved_estimate=Decimal("4000.00"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import PDF

    response = seed.client("vendor_x").post(
        f"/api/vendor/jobs/{seed.job_x.pk}/invoice",
        {"amount": "\uff11\uff10\uff10", "file": SimpleUploadedFile("i.pdf", PDF)},
        format="multipart")
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["-Infinity", "", "yes", "1"])
def test_a_boolean_filter_takes_true_or_false_only(seed, value):
    response = seed.client("adjuster").get("/api/claims/", {"emergency": value})
    assert response.status_code == 400
    assert "emergency" in response.json()["error"]["fields"]


def test_a_fractional_or_zero_id_filter_is_refused(seed):
    client = seed.client("adjuster")
    assert client.get("/api/accounts/", {"policy": "0.6"}).status_code == 400
    assert client.get("/api/claims/", {"policy": "0"}).status_code == 400
    assert client.get("/api/claims/", {"emergency": "true"}).status_code == 200


def test_an_empty_or_odd_page_number_is_refused(seed):
    client = seed.client("holder_a")
    for page in ("", "-1", "\u0661", "1.5"):
        assert client.get("/api/me/claims/", {"page": page}).status_code == 404, page
    assert client.get("/api/me/claims/", {"page": "1"}).status_code == 200
