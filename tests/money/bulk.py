"""Seed many claims fast with bulk SQL (for the bordereau memory test and bench/exports.py):
copies of one template claim, each with a payment entry copied from the template's, in two
INSERT ... SELECT statements over generate_series."""

from __future__ import annotations

from django.db import connection

from claims.models import Claim
from claims.money.models import LedgerEntry


def clone_claims(template: Claim, count: int, *, prefix: str = "B") -> None:
    """``count`` copies of ``template`` (numbers ``{prefix}-1`` ...); each gets a copy of the
    template's first payment ledger entry (unique idempotency keys)."""
    fields = [f for f in Claim._meta.concrete_fields if not f.primary_key]
    cols = [f.column for f in fields]
    select = ["%s || '-' || g" if f.name == "number" else f'c."{f.column}"' for f in fields]
    claim_table = Claim._meta.db_table
    entry = LedgerEntry.objects.filter(claim=template, kind="payment").order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {claim_table} ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
            f'SELECT {", ".join(select)} FROM {claim_table} c, generate_series(1, %s) g '
            "WHERE c.id = %s",
            [prefix, count, template.pk],
        )
        if entry is None:
            cursor.execute(f"ANALYZE {claim_table}")
            return
        efields = [f for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
        ecols = [f.column for f in efields]
        esel = []
        for f in efields:
            if f.name == "claim":
                esel.append("n.id")
            elif f.name == "idempotency_key":
                esel.append("'bulk:' || n.number")
            else:
                esel.append(f'e."{f.column}"')
        cursor.execute(
            f'INSERT INTO {LedgerEntry._meta.db_table} '
            f'({", ".join(chr(34) + c + chr(34) for c in ecols)}) '
            f'SELECT {", ".join(esel)} FROM {LedgerEntry._meta.db_table} e, {claim_table} n '
            "WHERE e.id = %s AND n.number LIKE %s",
            [entry.pk, f"{prefix}-%"],
        )
        cursor.execute(f"ANALYZE {claim_table}")
        cursor.execute(f"ANALYZE {LedgerEntry._meta.db_table}")
