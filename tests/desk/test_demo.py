"""The desk's demo data: idempotent, and the messages queue has a claim in it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from claims.admin.filters import WorkQueueFilter  # noqa: F401 - the queue the demo fills
from claims.models import Claim, ClaimNote
from claims.selectors import claims_with_unanswered_messages
from demo.desk import TEXT

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_one_unanswered_policyholder_message():
    call_command("demo_data", stdout=io.StringIO())
    call_command("demo_data", stdout=io.StringIO())

    assert ClaimNote.objects.filter(text=TEXT).count() == 1
    assert claims_with_unanswered_messages(Claim.objects.all()).exists()
