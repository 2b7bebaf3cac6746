"""Read-only parts of the claim page, rendered as small HTML tables."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim, ClaimState
from claims.selectors import claim_policy_sections

EMPTY = mark_safe('<span class="quiet">-</span>')


def claim_link(claim: Claim) -> SafeString:
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    return format_html('<a href="{}">{}</a>', url, claim.number)


def eur(amount) -> str:
    return "-" if amount is None else f"{amount:,.2f} EUR"


def _table(headers: list[str], rows, row_format: str) -> SafeString:
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join("", row_format, rows)
    return format_html('<table class="claim-table"><thead><tr>{}</tr></thead>'
                       "<tbody>{}</tbody></table>", head, body)


def state_badges(claim: Claim) -> SafeString:
    badges = [format_html('<strong class="claim-state">{}</strong>',
                          ClaimState(claim.state).label)]
    if claim.emergency:
        badges.append(mark_safe('<span class="claim-flag claim-flag-emergency">EMERGENCY</span>'))
    if claim.pk and claim.awaiting_information:
        badges.append(format_html(
            '<span class="claim-flag">Awaiting information (due {})</span>',
            f"{claim.information_due_date:%d.%m.%Y}",
        ))
    if claim.duplicate_flag_open:
        badges.append(mark_safe('<span class="claim-flag claim-flag-warning">'
                                "Possible duplicate</span>"))
    return mark_safe(" ".join(badges))


def coverage_result(claim: Claim) -> SafeString:
    if claim.coverage_checked_at is None:
        return mark_safe("Not checked yet: the check runs when the liability check starts.")
    verdict = "COVERED" if claim.coverage_covered else "NOT COVERED"
    css = "claim-covered" if claim.coverage_covered else "claim-not-covered"
    return format_html(
        '<div class="claim-coverage {}"><strong>{}</strong> ({}) &middot; checked {}'
        "<br>{}</div>",
        css, verdict, claim.coverage_code,
        f"{timezone.localtime(claim.coverage_checked_at):%d.%m.%Y %H:%M}",
        claim.coverage_message,
    )


def policy_overview(claim: Claim) -> SafeString:
    policy = claim.policy
    heading = format_html(
        "<p><strong>{}</strong> &middot; {} &middot; {} &middot; {} to {} &middot; {}{}</p>",
        policy.number, policy.product.name, policy.policyholder,
        f"{policy.start_date:%d.%m.%Y}", f"{policy.expiry_date:%d.%m.%Y}",
        policy.get_status_display(),
        " · IT-security discount" if policy.it_security_discount else "",
    )
    rows = [
        (
            row.section.module.name,
            "yes" if row.covers_loss_type else "no",
            eur(row.section.sum_insured),
            eur(row.section.deductible),
            eur(row.section.aggregate_limit),
            eur(row.aggregate_remaining) if row.account else "no insurance year",
        )
        for row in claim_policy_sections(claim=claim)
    ]
    table = _table(
        ["Section", "Covers this loss type", "Sum insured", "Deductible",
         "Annual aggregate", "Aggregate remaining (year of loss)"],
        rows, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
    )
    return heading + table


def series_overview(claim: Claim) -> SafeString:
    if claim.series_id is None:
        return mark_safe("Not linked to other claims. To link claims from one cause, select "
                         "them in the claim list and use the action 'Link as one series'.")
    others = claim.series.claims.exclude(pk=claim.pk).select_related("loss_type")
    rows = [
        (claim_link(other), ClaimState(other.state).label, other.loss_type.name,
         f"{other.loss_date:%d.%m.%Y}")
        for other in others
    ]
    return format_html("<p>{}</p>", claim.series) + _table(
        ["Claim", "State", "Loss type", "Loss date"], rows,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
    )


def duplicate_overview(claim: Claim) -> SafeString:
    if claim.possible_duplicate_of_id is None:
        return mark_safe("No similar claim found at report time.")
    other = claim.possible_duplicate_of
    text = format_html(
        "Possible duplicate of {} (similarity {}, loss {}): {}",
        claim_link(other), claim.duplicate_similarity, f"{other.loss_date:%d.%m.%Y}",
        other.description[:200],
    )
    if claim.duplicate_reviewed_at is None:
        review = mark_safe('<br><span class="claim-flag claim-flag-warning">Not reviewed yet'
                           "</span> (actions: confirm or dismiss the duplicate flag)")
    elif claim.duplicate_of_id:
        review = format_html("<br>Confirmed as a duplicate by {}.", claim.duplicate_reviewed_by)
    else:
        review = format_html("<br>Dismissed (not a duplicate) by {}.",
                             claim.duplicate_reviewed_by)
    return text + review


def audit_rows(entries) -> list[tuple]:
    return [
        (
            f"{timezone.localtime(entry.created_at):%d.%m.%Y %H:%M:%S}",
            entry.actor.get_username() if entry.actor else "system",
            entry.action,
            entry.from_value or "-",
            entry.to_value or "-",
            entry.reason or "",
            ", ".join(f"{key}={value}" for key, value in entry.payload.items()),
        )
        for entry in entries
    ]
