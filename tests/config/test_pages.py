import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def test_sign_in_page_renders_with_csrf(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b"Forgotten your password?" in response.content


def test_wrong_password_shows_a_form_error(client):
    User.objects.create_user("ann", password="right-password-1")
    response = client.post("/accounts/login/", {"username": "ann", "password": "wrong"})
    assert response.status_code == 200
    assert b"errorlist" in response.content


def test_password_reset_sends_an_email(client, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.create_user("ann", email="ann@example.com", password="right-password-1")
    with django_capture_on_commit_callbacks(execute=True):  # the email is a task after commit
        response = client.post("/accounts/password_reset/", {"email": "ann@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_the_password_reset_email_waits_in_the_outbox_not_in_the_request(client, mailoutbox):
    from config.models import OutboxMessage

    User.objects.create_user("ann", email="ann@example.com", password="right-password-1")
    client.post("/accounts/password_reset/", {"email": "ann@example.com"})
    [message] = OutboxMessage.objects.all()
    assert message.task_name == "config.email_send"
    assert message.kwargs["recipients"] == ["ann@example.com"]
    assert mailoutbox == []


def test_start_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_start_page_sends_staff_to_the_admin(client):
    client.force_login(User.objects.create_user("adj", password="x", is_staff=True))
    assert client.get("/")["Location"] == "/admin/"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_sign_out_needs_a_post_and_ends_the_session(client):
    client.force_login(User.objects.create_user("ann", password="x"))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
