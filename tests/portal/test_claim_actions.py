"""What a policyholder does on the claim page: answer a question (with documents), add documents,
write to the adjuster, withdraw while the claim allows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import ClaimNote, InformationRequest
from tests.factories import walk
from tests.portal.conftest import upload

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00" + b"\x00" * 60


def test_answering_the_question_clears_awaiting_information(portal, my_claim, question,
                                                            holder_user):
    assert my_claim.awaiting_information
    url = reverse("portal:answer", args=[my_claim.pk, question.pk])
    response = portal.post(url, {
        f"q{question.pk}-answer": "Photo attached.",
        f"q{question.pk}-documents": upload("ransom-note.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
    })
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == InformationRequest.Status.ANSWERED
    assert question.answer == "Photo attached."
    assert question.closed_by == holder_user
    assert not my_claim.awaiting_information
    assert question.documents.get().original_name == "ransom-note.png"
    page = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert "your answer has been sent" in page
    assert "Questions you answered" in page
    assert "Question answered" in page


def test_an_empty_answer_is_refused_in_place(portal, my_claim, question):
    url = reverse("portal:answer", args=[my_claim.pk, question.pk])
    response = portal.post(url, {f"q{question.pk}-answer": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    question.refresh_from_db()
    assert question.status == InformationRequest.Status.OPEN


def test_a_refused_file_with_an_answer_names_the_file_and_keeps_the_question_open(
        portal, my_claim, question):
    url = reverse("portal:answer", args=[my_claim.pk, question.pk])
    response = portal.post(url, {f"q{question.pk}-answer": "See attached",
                                 f"q{question.pk}-documents": upload("photo.jpg", EXE)})
    assert response.status_code == 400
    assert "photo.jpg: the content is a Windows program" in response.content.decode()
    question.refresh_from_db()
    assert question.status == InformationRequest.Status.OPEN


def test_answering_twice_says_it_is_already_answered(portal, my_claim, question):
    url = reverse("portal:answer", args=[my_claim.pk, question.pk])
    portal.post(url, {f"q{question.pk}-answer": "First answer"})
    response = portal.post(url, {f"q{question.pk}-answer": "Second answer"}, follow=True)
    assert "already been answered" in response.content.decode()
    question.refresh_from_db()
    assert question.answer == "First answer"


def test_documents_can_be_added_to_the_claim(portal, my_claim):
    response = portal.post(reverse("portal:documents_add", args=[my_claim.pk]),
                           {"documents": [upload("a.pdf"), upload("b.pdf")]})
    assert response.status_code == 302
    assert set(my_claim.documents.values_list("original_name", flat=True)) >= {"a.pdf", "b.pdf"}


def test_a_bad_document_adds_none_of_the_batch(portal, my_claim):
    before = my_claim.documents.count()
    response = portal.post(reverse("portal:documents_add", args=[my_claim.pk]),
                           {"documents": [upload("a.pdf"), upload("run.pdf", EXE)]})
    assert response.status_code == 400
    assert "run.pdf" in response.content.decode()
    assert my_claim.documents.count() == before


def test_a_message_to_the_adjuster_is_a_visible_note(portal, my_claim, holder_user):
    response = portal.post(reverse("portal:message", args=[my_claim.pk]),
                           {"text": "The backup is from Monday."})
    assert response.status_code == 302
    note = my_claim.notes.get()
    assert note.visibility == ClaimNote.Visibility.POLICYHOLDER
    assert note.author == holder_user
    page = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert "You wrote" in page and "The backup is from Monday." in page


def test_withdrawing_with_a_reason(portal, my_claim):
    response = portal.post(reverse("portal:withdraw", args=[my_claim.pk]),
                           {"reason": "It was a false alarm."})
    assert response.status_code == 302
    my_claim.refresh_from_db()
    assert my_claim.state == "withdrawn"
    assert my_claim.withdrawal_reason == "It was a false alarm."
    page = portal.get(reverse("portal:claim", args=[my_claim.pk])).content.decode()
    assert "Status: Withdrawn" in page
    assert "Withdraw this claim" not in page


def test_withdrawing_needs_a_reason(portal, my_claim):
    response = portal.post(reverse("portal:withdraw", args=[my_claim.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    my_claim.refresh_from_db()
    assert my_claim.state == "reported"


def test_withdrawing_after_settlement_started_shows_the_services_reason(portal, my_claim,
                                                                        adjuster):
    walk(my_claim, adjuster, "start_liability_check", "start_settlement")
    response = portal.post(reverse("portal:withdraw", args=[my_claim.pk]),
                           {"reason": "Changed my mind."})
    assert response.status_code == 400
    assert "is not possible: the claim is settlement" in response.content.decode()
    my_claim.refresh_from_db()
    assert my_claim.state == "settlement"


def test_portal_actions_only_accept_post(portal, my_claim):
    assert portal.get(reverse("portal:withdraw", args=[my_claim.pk])).status_code == 405
