"""Loss runs and bordereaux: their totals equal the ledger's, every format opens, the command,
and a bordereau of 100,000 claims exported in flat memory."""

from __future__ import annotations

import os
import tracemalloc
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import timezone

from claims.money import exports
from claims.money.models import PAID_KINDS, RECOVERED_KINDS, LedgerEntry, Payment
from claims.money.services import reserve_set
from claims.money.services.recoveries import recovery_create, recovery_record
from tests.factories import claim_in_settlement
from tests.money.bulk import clone_claims
from tests.money.test_financials import settle_and_pay
from tests.money.test_services import add

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def book(claim, adjuster, policy_100k, holder_user):
    """Two claims: one paid with a subrogation recovery received and a reserve left, one with
    reserves only."""
    reserve_set(claim=claim, kind="loss", level=D("8000"), reason="Estimate", by=adjuster)
    add(claim, "restoration", "6000.00", adjuster)
    add(claim, "forensics", "1200.00", adjuster, payee="vendor", vendor="Forensik AG")
    settle_and_pay(claim, adjuster)
    recovery = recovery_create(claim=claim, kind="subrogation", counterparty="SoftVendor AG",
                               expected=D("2000.00"), by=adjuster)
    recovery_record(recovery=recovery, how="received", amount=D("750.00"), by=adjuster)
    other = claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
    reserve_set(claim=other, kind="expense", level=D("900"), reason="Lawyer", by=adjuster)
    return [claim, other]


def ledger(kinds, sign=1):
    return sign * (LedgerEntry.objects.filter(kind__in=kinds).aggregate(t=Sum("amount"))["t"]
                   or D("0"))


def test_the_bordereau_reconciles_with_the_ledger(book):
    export = exports.bordereau(month=timezone.localdate())
    rows = list(export)

    assert len(rows) == 2
    assert export.total_of("Paid to date") == ledger(PAID_KINDS) == D("6200.00")
    assert export.total_of("Paid this month") == D("6200.00")
    assert export.total_of("Recovered") == ledger(RECOVERED_KINDS, -1) == D("750.00")
    assert export.total_of("Outstanding reserve") == D("3000.00") + D("900.00")
    assert export.total_of("Incurred") == D("6200.00") + D("3900.00") - D("750.00")
    first = dict(zip(export.header, rows[0], strict=True))
    assert first["Policy number"] == book[0].policy.number
    assert first["Insured"] == "Pixel & Code GmbH"
    assert first["Deductible"] == D("1000.00")
    assert first["Currency"] == "EUR"
    assert first["Aggregate used"] + first["Aggregate left"] == D("200000.00")
    assert exports.bordereau(month=timezone.localdate(), product_code="nope").rows is not None
    assert list(exports.bordereau(month=timezone.localdate(), product_code="nope")) == []


def test_a_claim_closed_before_the_month_is_not_in_its_bordereau(book, adjuster):
    from claims.models import Claim

    Claim.objects.filter(pk=book[1].pk).update(closed_at=timezone.now() - timezone.timedelta(
        days=70))
    assert [r[4] for r in exports.bordereau(month=timezone.localdate())] == [book[0].number]


def test_loss_run_csv_pdf_and_the_bordereau_xlsx(book, holder):
    run = exports.loss_run(policyholder_id=holder.pk)
    lines = list(exports.csv_lines(run))
    assert lines[0].startswith("Claim number,Policy number")
    assert len(lines) == 3
    assert run.total_of("Incurred") == D("9350.00")

    pdf = exports.loss_run_pdf(exports.loss_run(policy_id=book[0].policy_id), title="Loss run")
    assert pdf.startswith(b"%PDF")

    from openpyxl import load_workbook

    with exports.xlsx_file(exports.bordereau(month=timezone.localdate()), title="B") as f:
        sheet = load_workbook(BytesIO(f.read()), read_only=True).active
        values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Policy number"
    assert len(values) == 3
    assert sum(D(str(r[11])) for r in values[1:]) == D("6200.00")


def test_the_command_writes_files_and_refuses_bad_input(book, holder, tmp_path):
    target = tmp_path / "b.xlsx"
    err = StringIO()
    call_command("export_financials", "bordereau", "--month", timezone.localdate().strftime(
        "%Y-%m"), "--format", "xlsx", "-o", str(target), stderr=err)
    assert target.read_bytes()[:2] == b"PK"
    assert "2 rows" in err.getvalue()
    out = StringIO()
    call_command("export_financials", "loss_run", "--policyholder", str(holder.pk), stdout=out)
    assert out.getvalue().count("\n") == 3
    for args in (["bordereau", "--month", "2026-13"], ["loss_run"],
                 ["loss_run", "--policy", "999999"], ["bordereau", "--month", "2026-01",
                                                      "--product", "nope"]):
        with pytest.raises(CommandError):
            call_command("export_financials", *args)


def _rss() -> int:
    """This process's resident memory in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_bordereau_of_100000_claims_streams_in_flat_memory(book):
    template = book[0]
    assert Payment.objects.filter(claim=template).exists()
    clone_claims(template, 100_000)
    export = exports.bordereau(month=timezone.localdate())
    samples = []
    tracemalloc.start()
    try:
        for n, _line in enumerate(exports.csv_lines(export)):
            if n % 10_000 == 0:
                samples.append((_rss(), tracemalloc.get_traced_memory()[0]))
                if n == 10_000:
                    tracemalloc.stop()  # traced for the first chunks only: it slows Python
    finally:
        tracemalloc.stop()

    assert export.count == 100_002
    # Paid reconciles with the ledger over the whole book.
    assert export.total_of("Paid to date") == ledger(PAID_KINDS)
    # Flat: after the first chunks the process does not grow with the rows (100,000 rows held
    # in memory would be tens of MB); the traced Python heap holds a chunk, not the export.
    rss = [r for r, _ in samples[2:]]
    assert max(rss) - min(rss) < 8 * 1024 * 1024, samples
    assert samples[1][1] < 8 * 1024 * 1024, samples


def test_the_xlsx_cells_hold_the_exact_amounts():
    """Amounts go into the workbook as their decimal digits, never through a float."""
    import zipfile

    export = exports.Export(columns=["Paid"], rows=iter([(D("0.10"),), (D("1234567.89"),)]),
                            money_columns=[0])
    with exports.xlsx_file(export, title="Amounts") as f:
        xml = zipfile.ZipFile(BytesIO(f.read())).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>0.10</v>" in xml and "<v>1234567.89</v>" in xml


def test_a_name_that_looks_like_a_formula_stays_text_in_every_export():
    """A payee or claimant named "=HYPERLINK(...)" must not become a formula in the
    spreadsheet the export is opened in; amounts stay numbers, negative ones included."""
    import zipfile

    def export():
        return exports.Export(
            columns=["Payee", "Paid"], money_columns=[1],
            rows=iter([('=HYPERLINK("http://evil.example","Pay")', D("-10.00")),
                       ("@SUM(A1)", D("5.00")), ("Müller GmbH", D("1.00"))]))

    lines = "".join(exports.csv_lines(export())).splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[1].endswith(",-10.00")
    assert lines[2] == "'@SUM(A1),5.00"
    assert lines[3] == "Müller GmbH,1.00"

    with exports.xlsx_file(export(), title="Payees") as f:
        xml = zipfile.ZipFile(BytesIO(f.read())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml
    assert "<v>-10.00</v>" in xml
