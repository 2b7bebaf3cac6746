"""Claim financials in the admin: the incurred table and recoveries on the claim page, forms to
record a recovery and to cancel or void a payment, the incurred figures on the policy page, the
loss run actions on the policy list and the exports page (bordereau and loss run with filters).
Every write goes through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.money import exports
from claims.money.financials import claim_financials, policy_financials, product_financials
from claims.money.models import LedgerEntry, PayeeKind, Payment, Recovery
from claims.money.services.recoveries import recovery_create, recovery_record
from claims.money.services.voids import payment_void
from coverage.models import Product
from policies.models import Policy, Policyholder


def _eur(value) -> str:
    return f"{value:,.2f}"


def _table(head, rows, css="claim-table") -> str:
    return format_html(
        "<table class='{}'><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", css,
        format_html_join("", "<th>{}</th>", ((h,) for h in head)),
        format_html_join("", "<tr>{}</tr>", (
            (format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows
        )),
    )


FIG_HEAD = [_("Section"), _("Paid"), _("Loss reserve"), _("Expense reserve"),
            _("Recovered"), _("Recovery reserve"), _("Incurred")]


def _fig_row(label, fig):
    return (label, _eur(fig["paid"]), _eur(fig["loss_reserve"]), _eur(fig["expense_reserve"]),
            _eur(fig["recovered"]), _eur(fig["recovery_reserve"]), _eur(fig["incurred"]))


def claim_financials_html(claim, *, reads) -> str:
    """The incurred table, the recoveries and the payments' void links of the claim page, from
    the page's reads (``claims.desk.reads``)."""
    figures = claim_financials(claim=claim, reads=reads)
    rows = [_fig_row(s["label"], s) for s in figures["sections"]]
    rows.append(_fig_row(_("Claim total"), figures["total"]))
    parts = [format_html(
        "<h3>{}</h3><p>{}</p>{}", _("Financials: incurred = paid + outstanding reserve - "
                                    "recovered"),
        format_html_join(" | ", '<a href="{}">{}</a>', [
            (reverse("admin:money_recovery_add_for", args=[claim.pk]), _("Record a recovery")),
        ]),
        _table(FIG_HEAD, rows))]
    recoveries = Recovery.objects.filter(claim=claim).annotate(
        expected=Sum("entries__amount", filter=Q(entries__kind="recovery_reserve")),
        received=Sum("entries__amount", filter=Q(entries__kind="recovery_received")),
        written_off=Sum("entries__amount", filter=Q(entries__kind="recovery_written_off")),
    )
    if recoveries:
        parts.append(format_html("<h3>{}</h3>{}", _("Recoveries"), _table(
            [_("Kind"), _("From"), _("Expected"), _("Received"), _("Written off"), _("Open"),
             ""],
            [(r.get_kind_display(), r.counterparty, _eur(r.expected or 0),
              _eur(-(r.received or 0)), _eur(-(r.written_off or 0)),
              _eur((r.expected or 0) + (r.received or 0) + (r.written_off or 0)),
              format_html('<a href="{}">{}</a>',
                          reverse("admin:money_recovery_record", args=[claim.pk, r.pk]),
                          _("record received, written off or expected")))
             for r in recoveries])))
    payments = [p for p in reads.payments if p.status in ("pending", "paid")]
    if payments:
        parts.append(format_html("<p>{} {}</p>", _("Cancel or void a payment:"),
                                 format_html_join(" | ", '<a href="{}">{} {} ({})</a>', (
                                     (reverse("admin:money_payment_void",
                                              args=[claim.pk, p.pk]),
                                      p.payee_name, _eur(p.amount), p.get_status_display())
                                     for p in payments))))
    voided = [p for p in reads.payments
              if p.status in ("cancelled", "voided") and p.void_reason != ""]
    if voided:
        parts.append(format_html("<h4>{}</h4>{}", _("Cancelled and voided payments"), _table(
            [_("Payment"), _("Payee"), _("Amount"), _("Status"), _("Reason"), _("By"),
             _("Re-issued as")],
            [(p.pk, p.payee_name, _eur(p.amount), p.get_status_display(), p.void_reason,
              p.voided_by or "-", getattr(getattr(p, "reissued_as", None), "pk", "-"))
             for p in voided])))
    return format_html_join("", "{}", ((p,) for p in parts))


def policy_financials_html(policy) -> str:
    figures = policy_financials(policy=policy)
    rows = [((f"{y['insurance_year'] or '-'}: {y['label']}"), *_fig_row("", y)[1:])
            for y in figures["years"]]
    rows.append(_fig_row(_("Policy total"), figures["total"]))
    return format_html(
        "<h3>{}</h3>{}<p>{}</p>", _("Claims incurred per insurance year and section"),
        _table([_("Year: section"), *FIG_HEAD[1:]], rows, css="aggregate-table"),
        format_html_join(" | ", '<a href="{}">{}</a>', [
            (reverse("admin:money_exports") + f"?report=loss_run&policy={policy.pk}&format=pdf",
             _("Loss run (PDF)")),
            (reverse("admin:money_exports") + f"?report=loss_run&policy={policy.pk}&format=csv",
             _("Loss run (CSV)")),
        ]))


# --- forms --------------------------------------------------------------------------------

class RecoveryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Recovery.Kind.choices)
    counterparty = forms.CharField(label=_("From"), max_length=200,
                                   help_text=_("Who pays it back."))
    expected = forms.DecimalField(label=_("Expected amount"), max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea,
                                  required=False)


class RecoveryRecordForm(forms.Form):
    how = forms.ChoiceField(label=_("What"), choices=[
        ("received", _("Received")), ("written_off", _("Written off")),
        ("expected", _("New expected amount"))])
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2,
                                required=False, help_text=_("Empty: all that is open."))
    expected = forms.DecimalField(label=_("New expected amount"), max_digits=14,
                                  decimal_places=2, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea,
                             help_text=_("Bank return, wrong payee, invoice disputed ..."))
    reissue_to = forms.CharField(
        label=_("Re-issue to"), max_length=200, required=False,
        help_text=_("The right payee's name: a new payment of the same amount is made to them. "
                    "Empty: the commitment is released and the claim goes back to settlement."))
    reissue_payee_kind = forms.ChoiceField(
        label=_("Payee kind of the re-issue"), required=False,
        choices=[("", _("as before")), *PayeeKind.choices])


class ExportForm(forms.Form):
    report = forms.ChoiceField(label=_("Report"), choices=[
        ("bordereau", _("Monthly claims bordereau")), ("loss_run", _("Loss run"))])
    month = forms.CharField(label=_("Month (YYYY-MM)"), required=False,
                            help_text=_("Bordereau: the month."))
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.all(),
                                     required=False, to_field_name="code",
                                     help_text=_("Bordereau: empty for the whole book."))
    policyholder = forms.ModelChoiceField(label=_("Policyholder"), required=False,
                                          queryset=Policyholder.objects.order_by("company_name"))
    policy = forms.ModelChoiceField(label=_("Policy"), required=False,
                                    queryset=Policy.objects.order_by("number"))
    format = forms.ChoiceField(label=_("Format"), choices=[
        ("csv", "CSV"), ("xlsx", "XLSX"), ("pdf", "PDF")])

    def clean(self):
        data = super().clean()
        if data.get("report") == "bordereau":
            try:
                data["month_date"] = exports.parse_month(data.get("month") or "")
            except ValueError:
                self.add_error("month", _("Give the month as YYYY-MM, e.g. 2026-10."))
            if data.get("format") == "pdf":
                self.add_error("format", _("A bordereau is CSV or XLSX."))
        elif data.get("report") == "loss_run":
            if not (data.get("policyholder") or data.get("policy")):
                self.add_error("policyholder", _("Choose a policyholder or a policy."))
            if data.get("format") == "xlsx":
                self.add_error("format", _("A loss run is CSV or PDF."))
        return data


def export_response(*, report: str, fmt: str, month=None, product_code: str = "",
                    policyholder_id=None, policy_ids=None):
    """The file of an export as a streamed response (admin and API)."""
    if report == "bordereau":
        export = exports.bordereau(month=month, product_code=product_code)
        name = f"bordereau-{month:%Y-%m}{'-' + product_code if product_code else ''}"
        title = f"Bordereau {month:%Y-%m}"
    else:
        export = exports.loss_run(policyholder_id=policyholder_id, policy_ids=policy_ids)
        name = (f"loss-run-policyholder-{policyholder_id}" if policyholder_id
                else "loss-run-policy-" + "-".join(str(p) for p in policy_ids))
        title = str(_("Loss run")) + (
            f" {Policyholder.objects.get(pk=policyholder_id).company_name}" if policyholder_id
            else " " + ", ".join(Policy.objects.filter(pk__in=policy_ids)
                                 .values_list("number", flat=True)))
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(export),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        return FileResponse(exports.xlsx_file(export, title=title), as_attachment=True,
                            filename=f"{name}.xlsx")
    response = HttpResponse(exports.loss_run_pdf(export, title=title),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# --- the claim page's financial doors (composed into ClaimMoneyMixin) -----------------------

class ClaimFinancialsMixin:
    def financials_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:claim_id>/money/recoveries/add/", view(self.recovery_add_view),
                 name="money_recovery_add_for"),
            path("<int:claim_id>/money/recoveries/<int:recovery_id>/",
                 view(self.recovery_record_view), name="money_recovery_record"),
            path("<int:claim_id>/money/payments/<int:payment_id>/void/",
                 view(self.payment_void_view), name="money_payment_void"),
        ]

    def recovery_add_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = RecoveryForm(request.POST or None)
        return self._form_page(
            request, claim, form, _("Record a recovery on %(claim)s") % {"claim": claim},
            lambda d: recovery_create(
                claim=claim, kind=d["kind"], counterparty=d["counterparty"],
                expected=d["expected"], description=d["description"], by=request.user)
            and str(_("Recovery recorded.")))

    def recovery_record_view(self, request, claim_id, recovery_id):
        claim = self._claim(request, claim_id)
        recovery = get_object_or_404(Recovery, pk=recovery_id, claim=claim)
        form = RecoveryRecordForm(request.POST or None)
        return self._form_page(
            request, claim, form, f"{recovery} ({claim})",
            lambda d: recovery_record(
                recovery=recovery, how=d["how"], amount=d["amount"], expected=d["expected"],
                reason=d["reason"], by=request.user) and str(_("Recorded.")))

    def payment_void_view(self, request, claim_id, payment_id):
        claim = self._claim(request, claim_id)
        payment = get_object_or_404(Payment, pk=payment_id, claim=claim)
        form = VoidForm(request.POST or None)

        def void(data):
            result = payment_void(payment=payment, reason=data["reason"], by=request.user,
                                  reissue_to=data["reissue_to"],
                                  reissue_payee_kind=data["reissue_payee_kind"])
            if result.pk != payment.pk:
                return str(_("Payment %(old)s voided; re-issued as payment %(new)s to "
                             "%(payee)s.") % {"old": payment.pk, "new": result.pk,
                                              "payee": result.payee_name})
            return str(_("Payment %(pk)s is %(status)s.") % {
                "pk": payment.pk, "status": result.get_status_display().lower()})

        title = _("Cancel or void payment %(pk)s: %(amount)s to %(payee)s (%(status)s)") % {
            "pk": payment.pk, "amount": _eur(payment.amount), "payee": payment.payee_name,
            "status": payment.get_status_display()}
        return self._form_page(request, claim, form, title, void)


# --- recoveries list and the exports page ---------------------------------------------------

@admin.register(Recovery)
class RecoveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "claim", "kind", "counterparty", "expected", "received", "created_at"]
    list_filter = ["kind"]
    search_fields = ["claim__number", "counterparty"]
    list_select_related = ["claim"]
    change_list_template = "admin/money/recovery_changelist.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _expected=Sum("entries__amount", filter=Q(entries__kind="recovery_reserve")),
            _received=Sum("entries__amount", filter=Q(entries__kind="recovery_received")),
        )

    @admin.display(description=_("expected"))
    def expected(self, obj):
        return _eur(obj._expected or 0)

    @admin.display(description=_("received"))
    def received(self, obj):
        return _eur(-(obj._received or 0))

    def has_add_permission(self, request):
        return False  # recorded from the claim page (needs the claim's settlement)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("exports/", self.admin_site.admin_view(self.exports_view),
                     name="money_exports"), *super().get_urls()]

    def exports_view(self, request):
        if not roles.is_adjuster(request.user):
            raise PermissionDenied
        form = ExportForm(request.GET or None, initial={
            "month": timezone.localdate().strftime("%Y-%m")})
        if request.GET and form.is_valid():
            d = form.cleaned_data
            return export_response(
                report=d["report"], fmt=d["format"], month=d.get("month_date"),
                product_code=d["product"].code if d.get("product") else "",
                policyholder_id=d["policyholder"].pk if d.get("policyholder") else None,
                policy_ids=[d["policy"].pk] if d.get("policy") else None)
        if request.GET and not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
        return TemplateResponse(request, "admin/money/exports.html", {
            **self.admin_site.each_context(request), "title": _("Loss runs and bordereaux"),
            "form": form, "opts": self.model._meta, "products": product_financials(),
            "ledger_paid": LedgerEntry.objects.filter(kind__in=["payment", "payment_voided"])
            .aggregate(t=Sum("amount"))["t"] or 0,
        })


def loss_run_action(fmt: str):
    def action(modeladmin, request, queryset):
        return export_response(report="loss_run", fmt=fmt,
                               policy_ids=list(queryset.values_list("pk", flat=True)))
    action.__name__ = f"loss_run_{fmt}"
    action.short_description = _("Loss run of the selected policies (%(fmt)s)") % {
        "fmt": fmt.upper()}
    return action
