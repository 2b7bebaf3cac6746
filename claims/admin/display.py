"""Read-only parts of the claim page, rendered as small HTML tables."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from claims.desk.reads import page_reads
from claims.models import Claim, ClaimState
from claims.selectors import claim_policy_sections
from language.money import format_amount

EMPTY = mark_safe('<span class="quiet">-</span>')


def claim_link(claim: Claim) -> SafeString:
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    return format_html('<a href="{}">{}</a>', url, claim.number)


def eur(amount) -> str:
    return "-" if amount is None else format_amount(amount)


def _table(headers: list[str], rows, row_format: str) -> SafeString:
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join("", row_format, rows)
    return format_html('<table class="claim-table"><thead><tr>{}</tr></thead>'
                       "<tbody>{}</tbody></table>", head, body)


def state_badges(claim: Claim) -> SafeString:
    badges = [format_html('<strong class="claim-state">{}</strong>',
                          ClaimState(claim.state).label)]
    if claim.emergency:
        badges.append(format_html('<span class="claim-flag claim-flag-emergency">{}</span>',
                                  _("EMERGENCY")))
    if claim.pk and claim.awaiting_information:
        badges.append(format_html(
            '<span class="claim-flag">{}</span>',
            _("Awaiting information (due %(date)s)") % {
                "date": date_format(claim.information_due_date, "SHORT_DATE_FORMAT")},
        ))
    if claim.duplicate_flag_open:
        badges.append(format_html('<span class="claim-flag claim-flag-warning">{}</span>',
                                  _("Possible duplicate")))
    return mark_safe(" ".join(badges))


def coverage_result(claim: Claim) -> SafeString:
    if claim.coverage_checked_at is None:
        return _("Not checked yet: the check runs when the liability check starts.")
    verdict = _("COVERED") if claim.coverage_covered else _("NOT COVERED")
    message = claim.coverage_message
    account, section = claim.coverage_account, claim.coverage_section
    if claim.coverage_covered and account is not None and section is not None:
        message = _("Covered under %(module)s, insurance year %(year)s (%(start)s to %(end)s): sum "
                    "insured %(sum)s per loss, deductible %(deductible)s.") % {
            "module": section.module.name, "year": claim.coverage_insurance_year,
            "start": date_format(account.starts_on, "SHORT_DATE_FORMAT"),
            "end": date_format(account.ends_on - timedelta(days=1), "SHORT_DATE_FORMAT"),
            "sum": format_amount(section.sum_insured),
            "deductible": format_amount(section.deductible)}
    css = "claim-covered" if claim.coverage_covered else "claim-not-covered"
    return format_html(
        '<div class="claim-coverage {}"><strong>{}</strong> <code>{}</code> &middot; {}'
        "<br>{}</div>",
        css, verdict, "" if claim.coverage_covered else claim.coverage_code,
        _("checked %(when)s") % {"when": date_format(
            timezone.localtime(claim.coverage_checked_at), "SHORT_DATETIME_FORMAT")},
        message,
    )


def policy_overview(claim: Claim) -> SafeString:
    policy = claim.policy
    reads = page_reads(claim)
    heading = format_html(
        "<p><strong>{}</strong> &middot; {} &middot; {} &middot; {} &middot; {}{}</p>",
        policy.number, policy.product.name, policy.policyholder,
        _("%(start)s to %(end)s") % {"start": date_format(policy.start_date, "SHORT_DATE_FORMAT"),
                                     "end": date_format(policy.expiry_date, "SHORT_DATE_FORMAT")},
        policy.get_status_display(),
        " · " + _("IT-security discount") if policy.it_security_discount else "",
    )
    rows = [
        (
            row.section.module.name,
            _("yes") if row.covers_loss_type else _("no"),
            eur(row.section.sum_insured),
            eur(row.section.deductible),
            eur(row.section.aggregate_limit),
            eur(row.aggregate_remaining) if row.account else _("no insurance year"),
        )
        for row in claim_policy_sections(
            claim=claim, sections=reads.sections,
            accounts=[row.account for row in reads.accounts_of_loss_year()],
            covering=reads.covering_section_ids)
    ]
    table = _table(
        [_("Section"), _("Covers this loss type"), _("Sum insured"), _("Deductible"),
         _("Annual aggregate"), _("Aggregate remaining (year of loss)")],
        rows, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
    )
    return heading + table


def series_overview(claim: Claim) -> SafeString:
    if claim.series_id is None:
        return _("Not linked to other claims. To link claims from one cause, select them in the "
                 "claim list and use the action “Link as one series”.")
    others = claim.series.claims.exclude(pk=claim.pk).select_related("loss_type")
    rows = [
        (claim_link(other), ClaimState(other.state).label, other.loss_type.name,
         date_format(other.loss_date, "SHORT_DATE_FORMAT"))
        for other in others
    ]
    return format_html("<p>{}</p>", claim.series) + _table(
        [_("Claim"), _("State"), _("Loss type"), _("Loss date")], rows,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
    )


def duplicate_overview(claim: Claim) -> SafeString:
    if claim.possible_duplicate_of_id is None:
        return _("No similar claim found at report time.")
    other = claim.possible_duplicate_of
    text = format_html(
        "{} {} ({}): {}", _("Possible duplicate of"), claim_link(other),
        _("similarity %(similarity)s, loss %(date)s") % {
            "similarity": claim.duplicate_similarity,
            "date": date_format(other.loss_date, "SHORT_DATE_FORMAT")},
        other.description[:200],
    )
    if claim.duplicate_reviewed_at is None:
        review = format_html('<br><span class="claim-flag claim-flag-warning">{}</span> ({})',
                             _("Not reviewed yet"),
                             _("actions: confirm or dismiss the duplicate flag"))
    elif claim.duplicate_of_id:
        review = format_html("<br>{}", _("Confirmed as a duplicate by %(user)s.") % {
            "user": claim.duplicate_reviewed_by})
    else:
        review = format_html("<br>{}", _("Dismissed (not a duplicate) by %(user)s.") % {
            "user": claim.duplicate_reviewed_by})
    return text + review


def audit_rows(entries) -> list[tuple]:
    return [
        (
            date_format(timezone.localtime(entry.created_at), "d.m.Y H:i:s"),
            entry.actor.get_username() if entry.actor else _("system"),
            entry.action,
            entry.from_value or "-",
            entry.to_value or "-",
            entry.reason or "",
            ", ".join(f"{key}={value}" for key, value in entry.payload.items()),
        )
        for entry in entries
    ]
