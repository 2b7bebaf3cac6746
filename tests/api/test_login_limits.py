"""Sign-in attempts are rate-limited per IP and username (5 failures per 15 minutes)."""

from tests.factories import PASSWORD


def test_the_token_endpoint_refuses_after_five_failures(seed):
    client = seed.client("anonymous")
    for _ in range(5):
        response = client.post("/api/auth/token/", {"username": "holder.a", "password": "no"},
                               format="json")
        assert response.status_code == 400
    blocked = client.post("/api/auth/token/", {"username": "holder.a", "password": PASSWORD},
                          format="json")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"


def test_a_token_works_for_the_api(seed):
    client = seed.client("anonymous")
    response = client.post("/api/auth/token/", {"username": "holder.a", "password": PASSWORD},
                           format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/me/claims/").status_code == 200


def test_other_usernames_are_not_blocked_by_someone_elses_failures(seed):
    client = seed.client("anonymous")
    for _ in range(6):
        client.post("/api/auth/token/", {"username": "holder.b", "password": "x"}, format="json")
    ok = client.post("/api/auth/token/", {"username": "holder.a", "password": PASSWORD},
                     format="json")
    assert ok.status_code == 200


def test_the_login_page_shows_an_error_after_five_failures(seed, client):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "holder.a", "password": "no"})
        assert response.status_code == 200
    blocked = client.post("/accounts/login/", {"username": "holder.a", "password": PASSWORD})
    assert blocked.status_code == 429
    assert b"Too many failed sign-in attempts" in blocked.content
    assert "_auth_user_id" not in client.session
