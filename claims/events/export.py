"""The event dashboard as an XLSX workbook for the reinsurer (openpyxl): figures, exposure by
product and module, claims, vendors. Amounts are numbers with two decimals, never text; the
labels are in the language of the request."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import Dashboard, event_claims

EUR = '#,##0.00 "EUR"'


def _sheet(book, title: str, header: list[str], rows, money_columns=()) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = EUR
    for index, title_cell in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            14, len(title_cell) + 4)


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
EVENT_DATES = frozenset({"first_loss_date", "last_loss_date"})


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


def _event_sheet(book, dashboard: Dashboard) -> None:
    values = _event_values(dashboard)
    title = str(_("Event"))
    _sheet(book, title, [str(_("Field")), str(_("Value"))],
           [(str(label), values[key]) for key, label in EVENT_FIELDS])
    for (key, _label), (_cell, value) in zip(
            EVENT_FIELDS, book[title].iter_rows(min_row=2), strict=True):
        if key in EVENT_MONEY:
            value.number_format = EUR
        elif key in EVENT_DATES:
            value.number_format = "DD.MM.YYYY"


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    """The workbook in the active language (sheet names, headers and words; numbers stay
    numbers)."""
    event = dashboard.event
    book = Workbook()
    book.remove(book.active)
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
    out = BytesIO()
    book.save(out)
    return out.getvalue()
