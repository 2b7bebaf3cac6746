"""The demo shows a closed legacy claim past its period pseudonymised (the ledger still
reconciles) and an export a policyholder requested; loading it again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.privacy import LEGACY_NUMBER
from privacy.models import AccessLogEntry, DataExport, LegalHold, Pseudonymisation
from privacy.services.pseudonymise import REMOVED

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_pseudonymised_legacy_claim_and_a_ready_export():
    call_command("demo_data", stdout=StringIO())
    counts = (Pseudonymisation.objects.count(), DataExport.objects.count(),
              LegalHold.objects.count(), AccessLogEntry.objects.count())

    call_command("demo_data", stdout=StringIO())

    legacy = Pseudonymisation.objects.get(claim__policy__number=LEGACY_NUMBER)
    assert legacy.claim.description == REMOVED and legacy.claim.state == "closed"
    assert legacy.retention_ended_on.year == 2025
    assert Pseudonymisation.objects.filter(
        policyholder__policies__number=LEGACY_NUMBER).exists()
    export = DataExport.objects.get(policyholder__user__username="anna.schmidt")
    assert export.status == DataExport.Status.READY and export.requested_by.username == (
        "anna.schmidt")
    assert LegalHold.objects.filter(released_at__isnull=True).count() == 1
    assert (Pseudonymisation.objects.count(), DataExport.objects.count(),
            LegalHold.objects.count(), AccessLogEntry.objects.count()) == counts
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert out.getvalue().startswith("Ledger OK")
