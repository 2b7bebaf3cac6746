"""Loss runs and bordereaux, streamed in constant memory.

Rows come from one query per export: the claims annotated with their figures as SQL subqueries
(``claims.money.financials.claim_figures``), read through a server-side cursor
(``.iterator(chunk_size=...)``). CSV is written row by row to the response; XLSX by XlsxWriter in
constant-memory mode into a temporary file that is then streamed; the loss run's PDF by WeasyPrint
(a loss run is one policyholder's claims, small by nature).

- A **loss run** lists every claim of one policyholder or one policy.
- A **bordereau** is the month's claims for the whole book or one product: every claim reported
  before the month's end and not closed before its start.
"""

from __future__ import annotations

import calendar
import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Claim
from claims.money.financials import claim_figures
from coverage.models import localized_name
from coverage.money import ZERO

CURRENCY = "EUR"
CHUNK = 2000


def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=tz)
    last = calendar.monthrange(month.year, month.month)[1]
    end_day = date(month.year, month.month, last)
    end = datetime.combine(end_day, time.min, tzinfo=tz) + timedelta(days=1)
    return start, end


def parse_month(value: str) -> date:
    """``YYYY-MM`` -> the month's first day; ValueError with a clear message otherwise."""
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"month must be YYYY-MM, not {value!r}") from None


@dataclass
class Export:
    """Columns, rows (a lazy iterator) and the running totals of the money columns."""

    columns: list
    rows: Iterable[tuple]
    money_columns: list[int]
    totals: dict[int, Decimal] = field(default_factory=dict)
    count: int = 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self.rows:
            self.count += 1
            for i in self.money_columns:
                self.totals[i] = self.totals.get(i, ZERO) + (row[i] or ZERO)
            yield row

    @property
    def header(self) -> list[str]:
        return [str(c) for c in self.columns]

    def total_of(self, name: str) -> Decimal:
        return self.totals.get(self.header.index(str(name)), ZERO)


BORDEREAU_COLUMNS = [
    _("Policy number"), _("Insured"), _("Product"), _("Module"), _("Claim number"),
    _("Loss date"), _("Date reported"), _("Cause"), _("Claim status"), _("Date closed"),
    _("Paid this month"), _("Paid to date"), _("Outstanding reserve"), _("Recovered"),
    _("Incurred"), _("Deductible"), _("Aggregate used"), _("Aggregate left"), _("Currency"),
]
BORDEREAU_MONEY = [10, 11, 12, 13, 14, 15]


def bordereau(*, month: date, product_code: str = "") -> Export:
    """The monthly claims bordereau (whole book, or one product's)."""
    start, end = month_bounds(month)
    claims = Claim.objects.filter(reported_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start))
    if product_code:
        claims = claims.filter(policy__product__code=product_code)
    states = dict(Claim._meta.get_field("state").choices)
    qs = claim_figures(claims, month_start=start, month_end=end).annotate(
        product_name=localized_name("policy__product__"),
        module_name=localized_name("coverage_section__module__"),
        loss_type_name=localized_name("loss_type__"),
        agg_used=F("coverage_account__committed"),
        agg_left=F("coverage_account__limit") - F("coverage_account__committed"),
    ).order_by("pk").values_list(
        "policy__number", "policy__policyholder__company_name", "product_name",
        "module_name", "number", "loss_date", "reported_at",
        "loss_type_name", "state", "closed_at", "fin_paid_month", "fin_paid", "fin_reserve",
        "fin_recovered", "fin_incurred", "fin_deductible", "agg_used", "agg_left",
    )

    def rows():
        for r in qs.iterator(chunk_size=CHUNK):
            yield (
                r[0], r[1], r[2], r[3] or "", r[4], r[5], timezone.localdate(r[6]), r[7],
                str(states.get(r[8], r[8])), timezone.localdate(r[9]) if r[9] else None,
                r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17], CURRENCY,
            )

    return Export(columns=BORDEREAU_COLUMNS, rows=rows(), money_columns=BORDEREAU_MONEY)


LOSS_RUN_COLUMNS = [
    _("Claim number"), _("Policy number"), _("Module"), _("Loss date"), _("Date reported"),
    _("Date closed"), _("Cause"), _("Claim status"), _("Paid"), _("Outstanding reserve"),
    _("Recovered"), _("Incurred"), _("Deductible"),
]
LOSS_RUN_MONEY = [8, 9, 10, 11, 12]


def loss_run(*, policyholder_id: int | None = None, policy_id: int | None = None,
             policy_ids: list[int] | None = None) -> Export:
    """Every claim of one policyholder or of the policies, oldest loss first."""
    policy_ids = list(policy_ids or []) + ([policy_id] if policy_id else [])
    if not (policyholder_id or policy_ids):
        raise ValueError("name a policyholder or a policy")
    claims = Claim.objects.all()
    if policy_ids:
        claims = claims.filter(policy_id__in=policy_ids)
    if policyholder_id:
        claims = claims.filter(policy__policyholder_id=policyholder_id)
    states = dict(Claim._meta.get_field("state").choices)
    qs = claim_figures(claims).annotate(
        module_name=localized_name("coverage_section__module__"),
        loss_type_name=localized_name("loss_type__"),
    ).order_by("loss_date", "pk").values_list(
        "number", "policy__number", "module_name", "loss_date",
        "reported_at", "closed_at", "loss_type_name", "state", "fin_paid", "fin_reserve",
        "fin_recovered", "fin_incurred", "fin_deductible",
    )

    def rows():
        for r in qs.iterator(chunk_size=CHUNK):
            yield (r[0], r[1], r[2] or "", r[3], timezone.localdate(r[4]),
                   timezone.localdate(r[5]) if r[5] else None, r[6],
                   str(states.get(r[7], r[7])), *r[8:])

    return Export(columns=LOSS_RUN_COLUMNS, rows=rows(), money_columns=LOSS_RUN_MONEY)


# --- writers ------------------------------------------------------------------------------

class _Line:
    def __init__(self):
        self.value = ""

    def write(self, text):
        self.value = text


# A text cell beginning with one of these is a formula to a spreadsheet opening the CSV (a payee
# or claimant named "=HYPERLINK(...)"): it is written after an apostrophe, which the spreadsheet
# shows as text. Amounts and dates are never text and never escaped.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_lines(export: Export) -> Iterator[str]:
    """The export as CSV, one line at a time (for a StreamingHttpResponse or a file)."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(export.header)
    yield line.value
    for row in export:
        writer.writerow([_cell(v) for v in row])
        yield line.value


def xlsx_file(export: Export, *, title: str):
    """The export as an XLSX workbook written by XlsxWriter in ``constant_memory`` mode (each row
    is flushed to disk when the next begins) into a temporary file, rewound, ready to stream."""
    import xlsxwriter

    out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open, the caller closes it)
    # text stays text (a name beginning with "=" is never a formula, an address never a link)
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False,
                                         "tmpdir": tempfile.gettempdir(),
                                         "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    amount = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, export.header, bold)
    money_columns = set(export.money_columns)
    for r, row in enumerate(export, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c in money_columns or isinstance(value, Decimal):
                # the Decimal itself: XlsxWriter writes its exact digits into the cell's XML
                sheet.write_number(r, c, Decimal(value), amount)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime.combine(value, time.min), day)
            else:
                sheet.write(r, c, value)
    workbook.close()
    out.seek(0)
    return out


def loss_run_pdf(export: Export, *, title: str) -> bytes:
    """The loss run as a PDF (WeasyPrint, from a translatable template)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    rows = [[_cell(v) for v in row] for row in export]
    totals = [f"{export.totals.get(i, ZERO):.2f}" if i in export.money_columns else ""
              for i in range(len(export.columns))]
    html = render_to_string("money/loss_run.html", {
        "title": title, "header": export.header, "rows": rows, "totals": totals,
        "money_columns": export.money_columns, "currency": CURRENCY,
        "generated": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()
