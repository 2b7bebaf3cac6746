"""A policyholder in a real browser asks for a copy of their data: the page shows the progress
and updates itself, then offers the ZIP until the link expires; then they ask for erasure and
read what is kept and why. Screenshots go to test-artifacts/privacy/."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from claims.models import ClaimDocument
from claims.services import claim_report, document_add
from coverage.models import LossType
from privacy.models import DataExport
from privacy.services import data_export_build
from tests.factories import (
    PASSWORD,
    PDF,
    PolicyholderFactory,
    UserFactory,
    make_policy,
    make_team_lead,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def anna():
    lead = make_team_lead("lead")
    user = UserFactory(username="anna", first_name="Anna")
    holder = PolicyholderFactory(user=user, company_name="Schmidt IT-Beratung",
                                 contact_name="Anna Schmidt", email="anna@example.com")
    policy = make_policy(holder=holder, product="cyber", created_by=lead)
    claim = claim_report(policy=policy, loss_type=LossType.objects.get(code="ransomware"),
                         loss_date=timezone.localdate() - timedelta(days=3),
                         description="The file server is encrypted.", reported_by=user)
    document_add(claim=claim, upload=ContentFile(PDF, name="ransom-note.pdf"),
                 doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=user)
    return claim


@pytest.fixture
def shot(artifacts):
    folder = artifacts / "privacy"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


def test_a_policyholder_downloads_a_copy_of_their_data_and_asks_for_erasure(
    live_server, page, shot, anna
):
    page.goto(f"{live_server.url}/accounts/login/?next=/portal/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/$"))
    page.click("text=My data: get a copy or ask for erasure")
    page.wait_for_url(re.compile(r"/portal/privacy/$"))
    shot(page, "01-my-data")

    page.click("text=Request a copy of my data")
    page.wait_for_selector("text=We are preparing a copy of your data")
    assert page.is_visible("#exports progress")
    assert page.is_disabled("text=Request a copy of my data")
    shot(page, "02-being-prepared")

    export = DataExport.objects.get()
    data_export_build(export_id=export.pk)  # what the worker does
    page.wait_for_selector("text=Download ZIP", timeout=15_000)  # the page refreshed itself
    export.refresh_from_db()
    until = timezone.localtime(export.expires_at)
    assert page.is_visible(f"text=link works until {until:%d.%m.%Y}")
    shot(page, "03-ready")

    with page.expect_download() as download_info:
        page.click("text=Download ZIP")
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["claims"][0]["number"] == anna.number
    assert archive.read(data["claims"][0]["documents"][0]["file_in_export"]) == PDF

    page.click("text=Ask to erase my data")
    page.wait_for_selector("text=This field is required.")
    page.check("#id_confirm")
    page.fill("#id_note", "Please erase what you no longer need.")
    page.click("text=Ask to erase my data")
    page.wait_for_selector("text=Your request has been answered below.")
    assert page.is_visible(f"text=Claim {anna.number}")
    assert page.is_visible("text=The claim is still being handled.")
    shot(page, "04-erasure-answered")
