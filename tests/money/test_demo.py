"""The demo money loads after the other demos, and loading it again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from claims.money.models import CostLine, LedgerEntry, Settlement

pytestmark = pytest.mark.django_db


def test_demo_money_shows_every_settlement_state_and_is_idempotent():
    call_command("demo_data", stdout=StringIO())
    counts = (CostLine.objects.count(), LedgerEntry.objects.count())
    states = set(Settlement.objects.values_list("state", flat=True))

    call_command("demo_data", stdout=StringIO())

    assert {"pending_team_lead", "paid"} <= states
    assert states & {"approved", "paid"}
    assert (CostLine.objects.count(), LedgerEntry.objects.count()) == counts
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert out.getvalue().startswith("Ledger OK")
