"""The portal's people and data: a policyholder with a cyber and an IT-liability policy, and a
second policyholder whose data the first must never reach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import ClaimDocument, ClaimNote
from claims.services import document_add, information_request_create, note_add
from tests.factories import PolicyholderFactory, UserFactory, make_policy, report

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def portal(client, holder_user, cyber_policy, itl_policy):
    """A browser signed in as the policyholder (who has both policies)."""
    client.force_login(holder_user)
    return client


@pytest.fixture
def other_user(db):
    return UserFactory(username="other-holder")


@pytest.fixture
def other_holder(other_user):
    return PolicyholderFactory(user=other_user, company_name="Other Firm GmbH")


@pytest.fixture
def other_policy(other_holder, team_lead):
    return make_policy(holder=other_holder, product="cyber", created_by=team_lead)


@pytest.fixture
def other_claim(other_policy, other_user, adjuster):
    claim = report(other_policy, other_user, description="The other firm's ransomware case")
    document_add(claim=claim, upload=_file("other.pdf"), doc_type=ClaimDocument.Type.EVIDENCE,
                 uploaded_by=other_user)
    information_request_create(claim=claim, question="Other firm: send the logs",
                               due_date=timezone.localdate() + timedelta(days=7),
                               requested_by=adjuster)
    return claim


@pytest.fixture
def my_claim(cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, description="Ransomware on our file server")
    document_add(claim=claim, upload=_file("evidence.pdf"),
                 doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=holder_user)
    return claim


@pytest.fixture
def question(my_claim, adjuster):
    return information_request_create(
        claim=my_claim, question="Please send the ransom note as a photo.",
        due_date=timezone.localdate() + timedelta(days=7), requested_by=adjuster,
    )


@pytest.fixture
def visible_note(my_claim, adjuster):
    return note_add(claim=my_claim, text="We have called your IT partner.", author=adjuster,
                    visibility=ClaimNote.Visibility.POLICYHOLDER)


@pytest.fixture
def internal_note(my_claim, adjuster):
    return note_add(claim=my_claim, text="Internal: check the backup story.", author=adjuster)


def _file(name: str, content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


upload = _file
