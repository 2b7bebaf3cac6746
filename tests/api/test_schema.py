"""The OpenAPI schema generates, lists every API endpoint and documents the error shape."""

import re

from django.urls import get_resolver

from tests.security.routes import api_routes


def test_the_schema_lists_every_api_endpoint(seed):
    response = seed.client("adjuster").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    paths = {re.sub(r"{\w+}", "{}", path) for path in schema["paths"]}
    for route in api_routes(get_resolver()):
        assert re.sub(r"{\w+}", "{}", route) in paths, f"{route} is not in the schema"
    assert "ErrorSerializer" in schema["components"]["schemas"] or "Error" in str(
        schema["components"]["schemas"]
    )


def test_swagger_ui_is_served_to_signed_in_users_only(seed):
    assert seed.client("holder_a").get("/api/docs/").status_code == 200
    assert seed.client("anonymous").get("/api/docs/").status_code == 401
