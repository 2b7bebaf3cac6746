"""Content-Security-Policy on every page with no inline scripts; no caching of answers with
personal data; Swagger UI from our own static files."""

import re

import pytest

from tests.otp import staff_login

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def _pages(seed):
    claim, job = seed.claim_a.pk, seed.job_x.pk
    return [
        ("anonymous", "/accounts/login/"),
        ("anonymous", "/admin/login/"),
        ("holder_a", "/portal/"),
        ("holder_a", "/portal/report/"),
        ("holder_a", f"/portal/claims/{claim}/"),
        ("holder_a", f"/portal/policies/{seed.policy_a.pk}/"),
        ("vendor_x", "/vendor/"),
        ("vendor_x", f"/vendor/jobs/{job}/"),
        ("adjuster", "/admin/"),
        ("adjuster", f"/admin/claims/claim/{claim}/change/"),
        ("adjuster", "/admin/claims/claim/"),
        ("holder_a", "/api/docs/"),
    ]


def test_every_page_has_a_strict_script_policy_and_no_inline_script(seed):
    for role, url in _pages(seed):
        response = seed.client(role).get(url)
        assert response.status_code == 200, (url, response.status_code)
        policy = response["Content-Security-Policy"]
        scripts = re.search(r"script-src ([^;]*)", policy).group(1)
        assert scripts == "'self'", (url, policy)
        assert "frame-ancestors 'none'" in policy
        inline = INLINE_SCRIPT.findall(response.content.decode())
        assert not inline, (url, inline)


@pytest.mark.parametrize(("role", "url"), [
    ("holder_a", "/portal/"), ("vendor_x", "/vendor/"), ("holder_a", "/api/me/claims/"),
    ("vendor_x", "/api/vendor/jobs"), ("adjuster", "/api/claims/"),
])
def test_answers_with_personal_data_are_not_stored(seed, role, url):
    response = seed.client(role).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_claim_document_download_is_not_stored(seed):
    response = seed.client("holder_a").get(
        f"/api/me/claims/{seed.claim_a.pk}/documents/{seed.document_a.pk}/download/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_swagger_ui_comes_from_our_own_static_files(seed):
    page = seed.client("holder_a").get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_the_admin_login_asks_for_the_second_factor(client, db):
    page = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' in page


def test_staff_login_helper_verifies_through_the_form(seed, client):
    staff_login(client, seed.users["team_lead"])
    assert client.get("/admin/").status_code == 200
