"""The event dashboard as an XLSX workbook for the reinsurer (openpyxl): figures, exposure by
product and module, claims, vendors. Amounts are numbers with two decimals, never text."""

from __future__ import annotations

from io import BytesIO

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


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    event = dashboard.event
    book = Workbook()
    book.remove(book.active)
    first, last = event.window()
    _sheet(book, "Event", ["Field", "Value"], [
        ("Name", event.name), ("Kind", event.get_kind_display()),
        ("Status", event.get_status_display()),
        ("Loss dates from", first), ("Loss dates to", last),
        ("Providers", ", ".join(event.providers)), ("Software", ", ".join(event.software)),
        ("Indicators", ", ".join(event.indicators)), ("CVE", event.cve_id),
        ("Claims linked", dashboard.claims_linked),
        ("Suggestions open", dashboard.suggestions.get("open", 0)),
        ("Reported (estimates)", dashboard.reported), ("Reserved", dashboard.reserved),
        ("Paid", dashboard.paid), ("Incurred (paid + reserved)", dashboard.incurred),
        ("Policies exposed", dashboard.exposure_policies),
        ("Cover left (exposure)", dashboard.exposure_total),
    ])
    sheet = book["Event"]
    for (label, value) in sheet.iter_rows(min_row=2):
        if label.value in {"Reported (estimates)", "Reserved", "Paid",
                           "Incurred (paid + reserved)", "Cover left (exposure)"}:
            value.number_format = EUR
        elif label.value in {"Loss dates from", "Loss dates to"}:
            value.number_format = "DD.MM.YYYY"
    _sheet(book, "Exposure", ["Product", "Module", "Policies", "Aggregate limit", "Committed",
                              "Cover left"],
           [(r.product, r.module, r.policies, r.limit, r.committed, r.remaining)
            for r in dashboard.exposure], money_columns=(4, 5, 6))
    _sheet(book, "Claims", ["Claim", "Policy", "Policyholder", "Product", "Loss type",
                            "Loss date", "State", "Estimate"],
           [(c.number, c.policy.number, c.policy.policyholder.company_name,
             c.policy.product.name, c.loss_type.name, c.loss_date, c.get_state_display(),
             c.estimated_amount) for c in event_claims(event=event)], money_columns=(8,))
    _sheet(book, "Timeline", ["Day", "Linked", "Suggested", "Linked so far",
                              "Suggested so far"],
           [(d.day, d.linked, d.suggested, d.linked_total, d.suggested_total)
            for d in dashboard.timeline])
    _sheet(book, "Vendors", ["Vendor", "On the panel", "Open jobs in the event",
                             "Jobs in the event", "Taken today", "Daily capacity"],
           [(v.name, "yes" if v.panel else "no", v.jobs_open, v.jobs_total, v.taken_today,
             v.capacity if v.capacity is not None else "no limit") for v in dashboard.vendors])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
