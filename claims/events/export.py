"""The event dashboard as an XLSX workbook for the reinsurer (XlsxWriter, as the financial
exports): figures, exposure by product and module, claims, vendors. Amounts are numbers with two
decimals, never text; dates are dates; the labels are in the language of the request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import xlsxwriter
from django.utils.translation import gettext_lazy as _

from .selectors import Dashboard, event_claims

EUR = '#,##0.00 "EUR"'
DATE = "DD.MM.YYYY"


class _Book:
    """A workbook and its three cell formats (a header, an amount, a date)."""

    def __init__(self, out: BytesIO):
        # a name beginning with "=" stays text, never a formula; times without their zone
        self.book = xlsxwriter.Workbook(out, {
            "in_memory": True, "default_date_format": DATE, "strings_to_formulas": False,
            "strings_to_urls": False, "remove_timezone": True})
        self.bold = self.book.add_format({"bold": True})
        self.money = self.book.add_format({"num_format": EUR})
        self.date = self.book.add_format({"num_format": DATE})

    def cell(self, sheet, row: int, column: int, value, money: bool = False) -> None:
        if isinstance(value, Decimal):  # its exact digits, a number of the sheet, never text
            sheet.write_number(row, column, value, self.money if money else None)
        elif isinstance(value, date):
            sheet.write_datetime(row, column, value, self.date)
        elif value is None:
            sheet.write_blank(row, column, None)
        else:
            sheet.write(row, column, value, self.money if money else None)


def _sheet(book: _Book, title: str, header: list[str], rows, money_columns=()):
    """``money_columns``: 1-based, as a reader counts them."""
    sheet = book.book.add_worksheet(title)
    for column, label in enumerate(header):
        sheet.write_string(0, column, label, book.bold)
        sheet.set_column(column, column, max(14, len(label) + 4))
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            book.cell(sheet, row, column, value, money=column + 1 in money_columns)
    return sheet


# The event sheet's rows: (key, label). The key decides the cell's format; the label is what the
# reader sees, in the language of the request.
EVENT_FIELDS = (
    ("name", _("Name")), ("kind", _("Kind")), ("status", _("Status")),
    ("first_loss_date", _("Loss dates from")), ("last_loss_date", _("Loss dates to")),
    ("providers", _("Providers")), ("software", _("Software")), ("indicators", _("Indicators")),
    ("cve", _("CVE")), ("claims_linked", _("Claims linked")),
    ("suggestions_open", _("Suggestions open")), ("reported", _("Reported (estimates)")),
    ("reserved", _("Reserved")), ("paid", _("Paid")),
    ("incurred", _("Incurred (paid + reserved)")), ("policies_exposed", _("Policies exposed")),
    ("exposure", _("Cover left (exposure)")),
)
EVENT_MONEY = frozenset({"reported", "reserved", "paid", "incurred", "exposure"})


def _event_values(dashboard: Dashboard) -> dict[str, object]:
    event = dashboard.event
    first, last = event.window()
    return {
        "name": event.name, "kind": event.get_kind_display(),
        "status": event.get_status_display(), "first_loss_date": first, "last_loss_date": last,
        "providers": ", ".join(event.providers), "software": ", ".join(event.software),
        "indicators": ", ".join(event.indicators), "cve": event.cve_id,
        "claims_linked": dashboard.claims_linked,
        "suggestions_open": dashboard.suggestions.get("open", 0),
        "reported": dashboard.reported, "reserved": dashboard.reserved, "paid": dashboard.paid,
        "incurred": dashboard.incurred, "policies_exposed": dashboard.exposure_policies,
        "exposure": dashboard.exposure_total,
    }


def _event_sheet(book: _Book, dashboard: Dashboard) -> None:
    values = _event_values(dashboard)
    sheet = _sheet(book, str(_("Event")), [str(_("Field")), str(_("Value"))], [])
    for row, (key, label) in enumerate(EVENT_FIELDS, start=1):
        sheet.write_string(row, 0, str(label))
        book.cell(sheet, row, 1, values[key], money=key in EVENT_MONEY)


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    """The workbook in the active language (sheet names, headers and words; numbers stay
    numbers)."""
    event = dashboard.event
    out = BytesIO()
    book = _Book(out)
    _event_sheet(book, dashboard)
    _sheet(book, str(_("Exposure")),
           [str(label) for label in (_("Product"), _("Module"), _("Policies"),
                                     _("Aggregate limit"), _("Committed"), _("Cover left"))],
           [(r.product, r.module, r.policies, r.limit, r.committed, r.remaining)
            for r in dashboard.exposure], money_columns=(4, 5, 6))
    _sheet(book, str(_("Claims")),
           [str(label) for label in (_("Claim"), _("Policy"), _("Policyholder"), _("Product"),
                                     _("Loss type"), _("Loss date"), _("State"),
                                     _("Estimate"))],
           [(c.number, c.policy.number, c.policy.policyholder.company_name,
             c.policy.product.name, c.loss_type.name, c.loss_date, c.get_state_display(),
             c.estimated_amount) for c in event_claims(event=event)], money_columns=(8,))
    _sheet(book, str(_("Timeline")),
           [str(label) for label in (_("Day"), _("Linked"), _("Suggested"), _("Linked so far"),
                                     _("Suggested so far"))],
           [(d.day, d.linked, d.suggested, d.linked_total, d.suggested_total)
            for d in dashboard.timeline])
    yes, no = str(_("yes")), str(_("no"))
    _sheet(book, str(_("Vendors")),
           [str(label) for label in (_("Vendor"), _("On the panel"), _("Open jobs in the event"),
                                     _("Jobs in the event"), _("Taken today"),
                                     _("Daily capacity"))],
           [(v.name, yes if v.panel else no, v.jobs_open, v.jobs_total, v.taken_today,
             v.capacity if v.capacity is not None else str(_("no limit")))
            for v in dashboard.vendors])
    book.book.close()
    return out.getvalue()
