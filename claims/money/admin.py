"""The money in the admin. The claim page gets a "Money" section (the settlement statement per
section, reserves, settlements and payments) with links to add a cost line, change a reserve,
propose, approve or refuse a settlement; the policy page gets the aggregate per insurance year
with what was paid. ``ClaimMoneyMixin`` is composed into the claim screen by ``claims.admin``;
the policy screen is re-registered here with the paid column. Every write goes through
``claims.money.services``."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.desk.reads import page_reads
from claims.exceptions import ClaimsError
from claims.models import Claim
from claims.money.admin_financials import (
    ClaimFinancialsMixin,
    claim_financials_html,
    loss_run_action,
    policy_financials_html,
)
from claims.money.approvals import AwaitingMyApprovalFilter, explanation_rows
from claims.money.models import (
    OPEN_SETTLEMENT_STATES,
    AuthorityLevel,
    CostLine,
    LedgerEntry,
    PayeeKind,
    Payment,
    RansomAgreement,
    ReserveKind,
    SecurityProofDecision,
    Settlement,
    SettlementState,
)
from claims.money.payees import payee_split
from claims.money.selectors import (
    insured_share,
    interruption_warning,
    policy_aggregate,
    settlement_preview,
)
from claims.money.services import (
    cost_line_add,
    deductible_receivable_settle,
    interruption_assess,
    ransom_agreement_record,
    reserve_set,
    security_proof_decide,
    settlement_approve,
    settlement_propose,
    settlement_refuse,
    settlements_approve_in_background,
)
from claims.money.steps import category_names, settlement_error_text, steps_text
from config.audit import audit_record
from coverage.models import CostCategory, DeductibleRule
from coverage.settlement import SettlementInputError
from language.forms import MoneyField
from language.money import format_amount
from policies.admin import PolicyAdmin
from policies.models import CoverageSection, Policy


class CostLineForm(forms.Form):
    section = forms.ModelChoiceField(queryset=CoverageSection.objects.none(),
                                     label=_("Section"))
    category = forms.ModelChoiceField(queryset=CostCategory.objects.all(), label=_("Category"))
    amount = MoneyField(max_digits=14, decimal_places=2, label=_("amount"),
                        help_text=_("Negative: a correction of earlier lines."))
    payee_kind = forms.ChoiceField(choices=[c for c in PayeeKind.choices if c[0] != "vendor"],
                                   label=_("payee"))
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Reason"))

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = claim.policy.sections.select_related("module")
        self.fields["section"].initial = claim.coverage_section_id
        if claim.is_third_party:
            self.fields["payee_kind"].initial = PayeeKind.CLAIMANT
        else:
            # A first-party claim has no third-party claimant: the policyholder is the payee.
            self.fields["payee_kind"].choices = [(PayeeKind.POLICYHOLDER,
                                                  PayeeKind.POLICYHOLDER.label)]
            self.fields["payee_kind"].initial = PayeeKind.POLICYHOLDER


class ReserveForm(forms.Form):
    section = forms.ModelChoiceField(queryset=CoverageSection.objects.none(),
                                     label=_("Section"))
    kind = forms.ChoiceField(choices=ReserveKind.choices, label=_("Kind"))
    level = MoneyField(max_digits=14, decimal_places=2, min_value=0, label=_("level"),
                       help_text=_("The new reserve level."))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = claim.policy.sections.select_related("module")
        self.fields["section"].initial = claim.coverage_section_id


class ProposeForm(forms.Form):
    section = forms.ModelChoiceField(queryset=CoverageSection.objects.none(),
                                     label=_("Section"))

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = claim.policy.sections.select_related("module")
        self.fields["section"].initial = claim.coverage_section_id


class InterruptionForm(forms.Form):
    section = forms.ModelChoiceField(queryset=CoverageSection.objects.none(),
                                     label=_("Section"))
    first_8_hours_loss = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, label=_("Loss of the first 8 hours"),
        help_text=_("The deductible of a business interruption is at least this."))
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Reason"))

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = claim.policy.sections.filter(
            module__deductible_rule=DeductibleRule.FIRST_8_HOURS).select_related("module")


class RansomForm(forms.Form):
    agreed_by_name = forms.CharField(label=_("Who at the insurer agreed"))
    agreed_at = forms.DateTimeField(label=_("When"), help_text=_("e.g. 12.03.2026 14:30"))
    police_report_reference = forms.CharField(label=_("Police report reference"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label=_("Note"))


class DeductibleForm(forms.Form):
    how = forms.ChoiceField(choices=[("received", _("Received from the insured")),
                                     ("written_off", _("Written off"))], label=_("How"))
    amount = forms.DecimalField(max_digits=14, decimal_places=2, required=False,
                                label=_("Amount"), help_text=_("Empty: all that is owed."))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))


class SecurityProofForm(forms.Form):
    outcome = forms.ChoiceField(choices=SecurityProofDecision.Outcome.choices,
                                label=_("Outcome"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
                                 label=_("Decision"))
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Reason"), help_text=_("Needed to refuse."))


def _eur(value) -> str:
    """An amount as the reader reads it (1.400,50 in German; the table says €)."""
    return format_amount(value, currency=False)


def _local(moment) -> str:
    """A point in time as the adjuster reads it: in the site's time zone (Europe/Berlin)."""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


LIMIT_LABELS = {"sublimit": _("sublimit"), "per_loss": _("per-loss limit"),
                "aggregate": _("annual aggregate")}


def _limits(codes) -> str:
    return ", ".join(str(LIMIT_LABELS.get(code, code)) for code in codes)


def _header(text) -> str:
    """A header cell's content; a column without a visible title (its links) is named for screen
    readers, so that no header cell is empty."""
    if isinstance(text, tuple):  # (label, visually hidden)
        return format_html('<span class="visually-hidden">{}</span>', text[0])
    return text


def _table(head: list, rows, css: str = "claim-table") -> str:
    return format_html(
        "<table class='{}'><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", css,
        format_html_join("", "<th scope=\"col\">{}</th>", ((_header(h),) for h in head)),
        format_html_join("", "<tr>{}</tr>", (
            (format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows
        )),
    )


class ClaimMoneyMixin(ClaimFinancialsMixin):
    """Adds the money section and its pages to the claims' ClaimAdmin."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Money: settlement statement"), {"fields": ["money_statement"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "money_statement"] if obj is not None else fields

    @admin.display(description=_("statement"))
    def money_statement(self, claim):
        # Sections, settlements, payments, reserves and lines as the page read them once.
        reads = page_reads(claim)
        parts = [self._money_links(claim)]
        for section in reads.money_sections():
            parts.append(self._section_statement(claim, section, reads))
        settlements = reads.settlements
        if settlements:
            parts.append(format_html("<h3>{}</h3>{}", _("Settlements"), _table(
                ["#", _("Section"), _("State"), _("Proposed"), _("Approved"), _("Limited by"),
                 _("Proposed by"), _("Decided by"), _("Reason"), (_("Actions"),)],
                [(s.pk, s.section.module.name, s.get_state_display(), _eur(s.proposed_payable),
                  _eur(s.approved_amount) if s.approved_amount is not None else "-",
                  _limits(s.limited_by) or "-", s.proposed_by, s.decided_by or "-",
                  s.refusal_reason or "-",
                  format_html('<a href="{}">{}</a>',
                              reverse("admin:money_settlement_decide", args=[claim.pk, s.pk]),
                              _("approve or refuse"))
                  if s.state in OPEN_SETTLEMENT_STATES else "")
                 for s in settlements])))
        payments = reads.payments
        if payments:
            parts.append(format_html("<h3>{}</h3>{}", _("Payments"), _table(
                ["#", _("Settlement"), _("Payee"), _("Amount"), _("Status"), _("Reference"),
                 _("Paid at")],
                [(p.pk, p.settlement_id, f"{p.payee_name} ({p.get_payee_kind_display()})",
                  _eur(p.amount), p.get_status_display(), p.external_reference or "-",
                  _local(p.paid_at) if p.paid_at else "-") for p in payments])))
        share = insured_share(claim=claim, book=reads.book, settled=[
            s for s in settlements if s.state in (SettlementState.APPROVED, SettlementState.PAID)])
        if share.deducted or share.owed:
            parts.append(format_html(
                "<h3>{}</h3><p>{}{}</p>", _("The insured's deductible"),
                _("Deducted from its payments %(deducted)s; owed by the insured %(owed)s "
                  "(received %(received)s, written off %(written_off)s); still owed "
                  "%(still_owed)s.") % {
                    "deducted": _eur(share.deducted), "owed": _eur(share.owed),
                    "received": _eur(share.received), "written_off": _eur(share.written_off),
                    "still_owed": _eur(share.still_owed)},
                format_html(' <a href="{}">{}</a>',
                            reverse("admin:money_deductible_settle", args=[claim.pk]),
                            _("Record received or written off"))
                if share.still_owed else ""))
        parts.append(claim_financials_html(claim, reads=reads))
        agreements = RansomAgreement.objects.filter(claim=claim)
        if agreements:
            parts.append(format_html("<h3>{}</h3>{}", _("Ransom agreements"), _table(
                [_("Agreed by"), _("When"), _("Police report"), _("Recorded by")],
                [(a.agreed_by_name, _local(a.agreed_at), a.police_report_reference,
                  a.recorded_by) for a in agreements])))
        return format_html_join("", "{}", ((part,) for part in parts))

    def _money_links(self, claim) -> str:
        links = [("money_cost_line_add", _("Add a cost line")),
                 ("money_reserve_set", _("Change a reserve")),
                 ("money_interruption_assess", _("Record the first 8 hours' loss")),
                 ("money_ransom_agreement", _("Record a ransom agreement")),
                 ("money_security_proof", _("Decide on the IT-security proof")),
                 ("money_settlement_propose", _("Propose a settlement"))]
        return format_html("<p>{}</p>", format_html_join(" | ", '<a href="{}">{}</a>', (
            (reverse(f"admin:{name}", args=[claim.pk]), label) for name, label in links)))

    def _section_statement(self, claim, section, reads) -> str:
        lines = [line for line in reads.cost_lines if line.section_id == section.pk]
        reserves = reads.reserves(section.pk)
        head = format_html(
            "<h3>{}</h3><p>{}</p>",
            _("%(module)s: sum insured %(sum)s per loss, deductible %(deductible)s") % {
                "module": section.module.name, "sum": format_amount(section.sum_insured),
                "deductible": format_amount(section.deductible)},
            _("Reserves: loss %(loss)s, expense %(expense)s") % {
                "loss": format_amount(reserves["loss"]),
                "expense": format_amount(reserves["expense"])})
        if not lines:
            return format_html("{}<p>{}</p>", head, _("No cost lines yet."))
        line_table = _table(
            [_("Category"), _("Amount"), _("Payee"), _("Source"), _("Reason"), _("By")],
            [(line.category.name, _eur(line.amount), line.payee_name, line.get_source_display(),
              line.reason or "-", line.created_by) for line in lines])
        try:
            result = settlement_preview(
                claim=claim, section=section, book=reads.book,
                aggregate_committed=reads.coverage_account_committed(section))
        except (ClaimsError, SettlementInputError) as error:
            return format_html("{}{}<p>{} {}</p>", head, line_table, _("Preview not possible:"),
                               settlement_error_text(error)
                               if isinstance(error, SettlementInputError) else error)
        names = {code: category.name for code, category in reads.book.categories().items()}
        categories = _table(
            [_("Category"), _("Claimed"), _("Sublimit"), _("Covered"), _("Not covered"),
             _("Deductible")],
            [(names.get(row.category, row.category), _eur(row.claimed),
              _eur(row.sublimit) if row.sublimit is not None else "-", _eur(row.covered),
              _eur(row.uncovered), _("exempt") if row.deductible_exempt else _("applies"))
             for row in result.categories])
        split = payee_split(claim=claim, section=section, result=result, book=reads.book)
        return format_html(
            "{}{}<h4>{}</h4>{}<ol>{}</ol><p><strong>{}</strong> ({}{}).</p><p>{} {}</p>"
            "<p>{}</p>{}",
            head, line_table, _("Settlement preview"), categories,
            format_html_join("", "<li>{}</li>",
                             ((step,) for step in steps_text(result.explanation_steps,
                                                             names=names))),
            _("Payable %(amount)s") % {"amount": format_amount(result.payable)},
            _("deductible %(deductible)s, aggregate left after it %(left)s") % {
                "deductible": format_amount(result.deductible),
                "left": format_amount(result.aggregate_remaining)},
            (_("; limited by %(limits)s") % {"limits": _limits(result.limited_by)})
            if result.limited_by else "",
            _("Who is paid what:"),
            format_html_join(", ", "{} {}", ((s.payee_name, format_amount(s.amount))
                                             for s in split.shares)) or "-",
            _("The insured's share: %(deducted)s deducted from its payments, %(owed)s owed by "
              "the insured.") % {"deducted": format_amount(split.deducted),
                                 "owed": format_amount(split.still_owed)},
            format_html("<p class='errornote'>{}</p>", warning) if (
                warning := interruption_warning(claim=claim, section=section)) else "",
        )

    # --- pages --------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:claim_id>/money/cost-line/", view(self.cost_line_view),
                 name="money_cost_line_add"),
            path("<int:claim_id>/money/reserve/", view(self.reserve_view),
                 name="money_reserve_set"),
            path("<int:claim_id>/money/propose/", view(self.propose_view),
                 name="money_settlement_propose"),
            path("<int:claim_id>/money/interruption/", view(self.interruption_view),
                 name="money_interruption_assess"),
            path("<int:claim_id>/money/ransom/", view(self.ransom_view),
                 name="money_ransom_agreement"),
            path("<int:claim_id>/money/deductible/", view(self.deductible_view),
                 name="money_deductible_settle"),
            path("<int:claim_id>/money/security-proof/", view(self.security_proof_view),
                 name="money_security_proof"),
            path("<int:claim_id>/money/settlements/<int:settlement_id>/", view(self.decide_view),
                 name="money_settlement_decide"),
            *self.financials_urls(),
            *super().get_urls(),
        ]

    def _claim(self, request, claim_id) -> Claim:
        claim = self.get_object(request, str(claim_id))
        if claim is None:
            raise Http404(_("No such claim."))
        if not roles.is_adjuster(request.user):
            raise PermissionDenied
        return claim

    def _form_page(self, request, claim, form, title, action, extra=None, redirect_to=None):
        if request.method == "POST" and form.is_valid():
            try:
                done = action(form.cleaned_data)
            except ClaimsError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(redirect_to() if redirect_to else
                                            reverse("admin:claims_claim_change", args=[claim.pk]))
        return TemplateResponse(request, "admin/money/form.html", {
            **self.admin_site.each_context(request), "title": title, "claim": claim,
            "form": form, "opts": self.model._meta, **(extra or {}),
        })

    def cost_line_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = CostLineForm(request.POST or None, claim=claim)
        title = gettext("Add a cost line to %(claim)s") % {"claim": claim}
        return self._form_page(request, claim, form, title, lambda d: (
            cost_line_add(claim=claim, section=d["section"], category=d["category"],
                          amount=d["amount"], payee_kind=d["payee_kind"], reason=d["reason"],
                          by=request.user) and gettext("Cost line added.")))

    def reserve_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = ReserveForm(request.POST or None, claim=claim)
        title = gettext("Change a reserve of %(claim)s") % {"claim": claim}
        return self._form_page(request, claim, form, title, lambda d: (
            reserve_set(claim=claim, section=d["section"], kind=d["kind"], level=d["level"],
                        reason=d["reason"], by=request.user) and gettext("Reserve recorded.")))

    def interruption_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = InterruptionForm(request.POST or None, claim=claim)
        return self._form_page(
            request, claim, form,
            gettext("First 8 hours of the business interruption of %(claim)s") % {"claim": claim},
            lambda d: interruption_assess(
                claim=claim, section=d["section"], first_8_hours_loss=d["first_8_hours_loss"],
                reason=d["reason"], by=request.user) and gettext("First 8 hours' loss recorded."))

    def ransom_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = RansomForm(request.POST or None)
        return self._form_page(
            request, claim, form, gettext("Ransom agreement for %(claim)s") % {"claim": claim},
            lambda d: ransom_agreement_record(
                claim=claim, agreed_by_name=d["agreed_by_name"], agreed_at=d["agreed_at"],
                police_report_reference=d["police_report_reference"], note=d["note"],
                by=request.user) and gettext("Ransom agreement recorded."))

    def deductible_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = DeductibleForm(request.POST or None)
        return self._form_page(
            request, claim, form,
            gettext("Deductible owed by the insured on %(claim)s") % {"claim": claim},
            lambda d: deductible_receivable_settle(
                claim=claim, how=d["how"], amount=d["amount"], reason=d["reason"],
                by=request.user) and gettext("Recorded."))

    def security_proof_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = SecurityProofForm(request.POST or None)

        def decide(data):
            decision = security_proof_decide(claim=claim, outcome=data["outcome"],
                                             reason=data["reason"], by=request.user)
            if decision.discount_lost_from_year:
                return gettext(
                    "Recorded: the policy loses the IT-security discount from insurance year "
                    "%(year)s on (premium +%(difference)s).") % {
                    "year": decision.discount_lost_from_year,
                    "difference": _eur(decision.premium_difference)}
            return gettext("Recorded: the proof was provided.")

        return self._form_page(request, claim, form,
                               gettext("IT-security proof in %(claim)s") % {"claim": claim},
                               decide)

    def propose_view(self, request, claim_id):
        claim = self._claim(request, claim_id)
        form = ProposeForm(request.POST or None, claim=claim)

        proposed = []

        def propose(data):
            settlement = settlement_propose(claim=claim, section=data["section"],
                                            by=request.user)
            proposed.append(settlement)
            return gettext("Settlement %(number)s proposed: %(amount)s.") % {
                "number": settlement.pk, "amount": _eur(settlement.proposed_payable)}

        # The next step is the decision: the proposal opens the decide page (one click less).
        return self._form_page(
            request, claim, form,
            gettext("Propose a settlement of %(claim)s") % {"claim": claim}, propose,
            redirect_to=lambda: reverse("admin:money_settlement_decide",
                                        args=[claim.pk, proposed[0].pk]))

    def decide_view(self, request, claim_id, settlement_id):
        claim = self._claim(request, claim_id)
        settlement = get_object_or_404(Settlement, pk=settlement_id, claim=claim)
        form = DecideForm(request.POST or None)

        def decide(data):
            if data["decision"] == "refuse":
                settlement_refuse(settlement=settlement, by=request.user, reason=data["reason"])
                return gettext("Settlement %(number)s refused.") % {"number": settlement.pk}
            result = settlement_approve(settlement=settlement, by=request.user)
            number, amount = result.pk, _eur(result.approved_amount)
            if result.state == "approved":
                if "aggregate" in result.limited_by:
                    return gettext("Settlement %(number)s approved: %(amount)s (cut by the "
                                   "annual aggregate).") % {"number": number, "amount": amount}
                return gettext("Settlement %(number)s approved: %(amount)s.") % {
                    "number": number, "amount": amount}
            if result.state == "paid":  # the payments ran at once (no worker queue)
                return gettext("Settlement %(number)s approved and paid: %(amount)s.") % {
                    "number": number, "amount": amount}
            if result.state == "pending_team_lead":
                if result.required_level:
                    return gettext("Settlement %(number)s is above your approval limit: "
                                   "waiting for the %(level)s level.") % {
                        "number": number, "level": result.required_level.name}
                return gettext("Settlement %(number)s is above your approval limit: waiting "
                               "for a higher level.") % {"number": number}
            if result.state == "refused":
                return gettext("Settlement %(number)s refused: %(reason)s") % {
                    "number": number, "reason": result.refusal_reason}
            return gettext("Settlement %(number)s: %(state)s.") % {
                "number": number, "state": result.get_state_display()}

        title = gettext("Settlement %(number)s of %(claim)s: %(state)s, proposed %(amount)s") % {
            "number": settlement.pk, "claim": claim, "state": settlement.get_state_display(),
            "amount": _eur(settlement.proposed_payable)}
        rows = explanation_rows(settlement)
        if not rows["steps"]:  # not yet escalated: the calculation as it stands now
            try:
                result = settlement_preview(claim=claim, section=settlement.section)
            except (ClaimsError, SettlementInputError):
                result = None
            if result is not None:
                split = payee_split(claim=claim, section=settlement.section, result=result)
                rows = {"steps": steps_text(result.explanation_steps),
                        "claimed": _eur(result.claimed),
                        "deductible": _eur(result.deductible), "payable": _eur(result.payable),
                        "payees": [{"payee_name": s.payee_name, "amount": _eur(s.amount)}
                                   for s in split.shares], "owed": None}
        return self._form_page(request, claim, form, title, decide, extra={
            "settlement": settlement, "explanation": rows,
            "limited_by": _limits(settlement.limited_by)})


class MoneyPolicyAdmin(PolicyAdmin):
    actions = [*PolicyAdmin.actions, loss_run_action("pdf"), loss_run_action("csv")]

    @admin.display(description=_("aggregate accounts"))
    def aggregate_table(self, policy: Policy) -> str:
        return format_html("{}{}", self._aggregate_accounts(policy),
                           policy_financials_html(policy))

    def _aggregate_accounts(self, policy: Policy) -> str:
        return _table(
            [_("Section"), _("Insurance year"), _("Period"), _("Aggregate limit (EUR)"),
             _("Committed (EUR)"), _("Paid (EUR)"), _("Remaining (EUR)")],
            [(row.account.section.module.name, row.account.year,
              gettext("%(start)s to %(end)s") % {
                  "start": f"{row.account.starts_on:%d.%m.%Y}",
                  "end": f"{row.account.ends_on - timedelta(days=1):%d.%m.%Y}"},
              _eur(row.account.limit), _eur(row.account.committed), _eur(row.paid),
              _eur(row.remaining)) for row in policy_aggregate(policy=policy)],
            css="aggregate-table")


# The policies app cannot know about payments: its policy screen is registered here, once, with
# the "paid" column. (The claim screen is composed in claims.admin.)
admin.site.register(Policy, MoneyPolicyAdmin)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records are written by the services only; every adjuster (team leads and managers
    included) reads them, as they work the claims they belong to."""

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or roles.is_adjuster(request.user)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or roles.is_adjuster(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "amount", "account", "claim", "settlement",
                    "idempotency_key", "created_by"]
    list_filter = ["kind"]
    search_fields = ["claim__number", "idempotency_key"]
    list_select_related = ["account__section__policy", "account__section__module", "claim",
                           "settlement__claim", "created_by"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "claim", "payee_name", "payee_kind", "amount", "status", "attempts",
                    "external_reference", "paid_at"]
    list_filter = ["status", "payee_kind"]
    search_fields = ["claim__number", "payee_name", "external_reference"]
    list_select_related = ["claim"]


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["pk", "claim", "section", "state", "proposed_payable", "approved_amount",
                    "why", "proposed_by", "escalated_by", "decided_by", "created_at", "decide"]
    list_filter = [AwaitingMyApprovalFilter, "state"]
    actions = ["approve_selected"]

    def has_approve_permission(self, request) -> bool:
        return roles.is_adjuster(request.user)

    @admin.action(description=_("Approve the selected settlements"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        """Hand the open settlements among the selected to the workers; each is then approved
        as one approval would be (or waits for a higher authority, or stays open with the
        reason in the workers' result: a ransom without agreement, decided meanwhile)."""
        try:
            queued = settlements_approve_in_background(
                settlement_ids=queryset.values_list("pk", flat=True), by=request.user)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, ngettext(
            "%(count)d settlement is being approved in the background: reload the list to see "
            "it approved, or waiting for a higher authority.",
            "%(count)d settlements are being approved in the background: reload the list to "
            "see them approved, or waiting for a higher authority.", len(queued))
            % {"count": len(queued)}, messages.SUCCESS)

    def get_changelist_instance(self, request):
        """The page's settlements carry the names of the categories their steps name, read once
        for the page (``why`` would read them once per row)."""
        changelist = super().get_changelist_instance(request)
        names = category_names(settlement.explanation for settlement in changelist.result_list)
        for settlement in changelist.result_list:
            settlement.category_names = names
        return changelist

    @admin.display(description=_("figures and explanation"))
    def why(self, settlement):
        rows = explanation_rows(settlement, names=getattr(settlement, "category_names", None))
        if not rows["steps"]:
            return "-"
        return format_html(
            "<details><summary>{}</summary><ol>{}</ol>{}</details>",
            _("claimed {claimed}, deductible {deductible}, payable {payable}").format(
                claimed=rows["claimed"], deductible=rows["deductible"],
                payable=rows["payable"]),
            format_html_join("", "<li>{}</li>", ((step,) for step in rows["steps"])),
            format_html("<p>{} {}</p>", _("Paid to:"), ", ".join(
                f"{p['payee_name']} {p['amount']}" for p in rows["payees"]))
            if rows["payees"] else "")

    @admin.display(description=_("decision"))
    def decide(self, settlement):
        if settlement.state not in OPEN_SETTLEMENT_STATES:
            return ""
        return format_html('<a class="button" href="{}">{}</a>', reverse(
            "admin:money_settlement_decide", args=[settlement.claim_id, settlement.pk]),
            _("Approve or refuse"))
    search_fields = ["claim__number"]
    list_select_related = ["claim", "section__module", "section__policy", "proposed_by",
                           "decided_by", "escalated_by"]


@admin.register(CostLine)
class CostLineAdmin(ReadOnlyAdmin):
    list_display = ["claim", "category", "amount", "payee_name", "source", "created_by",
                    "created_at"]
    list_filter = ["source", "payee_kind", "category"]
    search_fields = ["claim__number", "payee_name"]
    list_select_related = ["claim", "category", "created_by"]


@admin.register(AuthorityLevel)
class AuthorityLevelAdmin(admin.ModelAdmin):
    """Financial authority is data only an administrator (superuser) changes; staff may read it."""

    list_display = ["rank", "name", "group", "approval_limit"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        before = AuthorityLevel.objects.filter(pk=obj.pk).values_list(
            "approval_limit", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="money.authority_level_changed", obj=obj,
                     from_value=before, to_value=obj.approval_limit,
                     payload={"name": obj.name, "group": obj.group.name, "rank": obj.rank})


@admin.register(RansomAgreement)
class RansomAgreementAdmin(ReadOnlyAdmin):
    list_display = ["claim", "agreed_by_name", "agreed_at", "police_report_reference",
                    "recorded_by", "created_at"]
    search_fields = ["claim__number", "police_report_reference"]


@admin.register(SecurityProofDecision)
class SecurityProofDecisionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "outcome", "discount_lost_from_year", "premium_difference",
                    "decided_by", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["claim__number"]


# Nobody changes their own authority (DOMAIN.md, "Authority"): on one's own user page the groups,
# permissions and superuser flag are read-only, for administrators too.
def _own_user_admin():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.admin import UserAdmin

    User = get_user_model()
    base = type(admin.site._registry.get(User)) if admin.site.is_registered(User) else UserAdmin

    class OwnAuthorityReadOnlyUserAdmin(base):
        def get_readonly_fields(self, request, obj=None):
            fields = list(super().get_readonly_fields(request, obj))
            if obj is not None and obj.pk == request.user.pk:
                fields += ["groups", "user_permissions", "is_superuser", "is_staff"]
            return fields

    if admin.site.is_registered(User):
        admin.site.unregister(User)
    admin.site.register(User, OwnAuthorityReadOnlyUserAdmin)


_own_user_admin()
