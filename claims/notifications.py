"""The claims app's emails, called explicitly by its services (no signals).

Every email is a task through the outbox (``config.mail.email_enqueue``): stored in the business
transaction, sent by a worker after commit, retried while the mail server fails, never lost and
never blocking a request. A transaction that rolls back sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Exists, Q, Subquery
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Claim, ClaimState
from claims.next_steps import next_step_text
from config.mail import email_enqueue
from config.rows import RowBatch
from config.statements import Prepared
from language.models import LanguagePreference
from language.services import in_language_of
from policies.models import Policyholder


def email_after_commit(*, subject: str, body: str, recipients: Iterable[str],
                       rows: RowBatch | None = None) -> None:
    """Queue an email in the current transaction; a worker sends it once it has committed.
    ``rows``: written with the caller's batch of rows."""
    email_enqueue(subject=subject, body=body, recipients=recipients, rows=rows)


def _holder_name(claim: Claim) -> str:
    holder = claim.policy.policyholder
    return holder.contact_name or holder.company_name


def _to_holder(claim: Claim, language: str | None = None):
    """Inside: the policyholder's language (their choice, else German); ``language``: read by
    the caller already (``holder_language_send``)."""
    if language is not None:
        return translation.override(language)
    holder = claim.policy.policyholder
    return in_language_of(user_id=holder.user_id, email=holder.email)


def _holder_language(p):
    """The language ``in_language_of`` chooses for the policyholder of claim ``claim_id``: their
    user's choice, or without a user, the choice of whoever signs in with their address."""
    holder = Policyholder.objects.filter(policies__claims=p.int("claim_id"))
    email = Upper(Subquery(holder.values("email")[:1]))  # as ``email__iexact``
    return LanguagePreference.objects.filter(
        Q(user_id=Subquery(holder.values("user_id")[:1]))
        | (Q(Exists(holder.filter(user__isnull=True).exclude(email="")))
           & (Q(Exact(Upper("user__email"), email))
              | Q(Exact(Upper("user__policyholder__email"), email))))
    ).order_by("pk").values_list("language", flat=True)[:1]


_HOLDER_LANGUAGE = Prepared(_holder_language)


def holder_language_send(*, claim_id: int) -> Callable[[], str]:
    """The language of claim ``claim_id``'s policyholder, read in one query sent now
    (``config.statements.pipeline``); the function returned gives it."""
    sent = _HOLDER_LANGUAGE.send(claim_id=claim_id)
    return lambda: next(iter(sent()), None) or settings.LANGUAGE_CODE


def claim_received(*, claim: Claim, rows: RowBatch | None = None) -> None:
    """To the policyholder: the report has arrived."""
    with _to_holder(claim):
        email_after_commit(
            subject=_("Your claim %(number)s has been received") % {"number": claim.number},
            body=_("Dear %(name)s,\n\nwe have received your claim %(number)s (loss of %(date)s, "
                   "%(loss_type)s) and will contact you shortly.\n") % {
                "name": _holder_name(claim), "number": claim.number,
                "date": date_format(claim.loss_date, "SHORT_DATE_FORMAT"),
                "loss_type": claim.loss_type.name},
            recipients=[claim.policy.policyholder.email], rows=rows,
        )


def emergency_reported(*, claim: Claim, adjuster_emails: Iterable[str],
                       rows: RowBatch | None = None) -> None:
    """To every adjuster (each in their language): an emergency needs first contact within the
    hour."""
    for address in sorted(set(adjuster_emails)):
        with in_language_of(email=address):
            email_after_commit(
                subject=_("EMERGENCY claim %(number)s: first contact within the hour")
                % {"number": claim.number},
                body=_("%(company)s reported an emergency (%(loss_type)s) under policy "
                       "%(policy)s.\n\n%(description)s\n") % {
                    "company": claim.policy.policyholder.company_name,
                    "loss_type": claim.loss_type.name, "policy": claim.policy.number,
                    "description": claim.description},
                recipients=[address], rows=rows,
            )


S = ClaimState
# States whose email is written by the money notifications (the payment is the news).
ANNOUNCED_ELSEWHERE = {S.PAID}
STATE_SUBJECTS = {
    S.LIABILITY_CHECK: gettext_lazy("we are checking cover and liability"),
    S.MITIGATION: gettext_lazy("specialists are at work"),
    S.DEFENDING: gettext_lazy("we defend you against the claim"),
    S.SETTLEMENT: gettext_lazy("we are preparing the settlement"),
    S.SETTLED: gettext_lazy("the settlement is approved"),
    S.CLOSED: gettext_lazy("the claim is closed"),
    S.REOPENED: gettext_lazy("the claim has been reopened"),
}


def claim_state_changed(*, claim: Claim, source: str, target: str,
                        rows: RowBatch | None = None, language: str | None = None) -> None:
    """To the policyholder, once per state change (called by ``claim_transition``);
    ``language``: the policyholder's, read by the caller already."""
    if source == target or target in ANNOUNCED_ELSEWHERE:
        return
    if target not in (S.DENIED, S.WITHDRAWN, *STATE_SUBJECTS):
        return
    holder = claim.policy.policyholder
    with _to_holder(claim, language):
        number = {"number": claim.number}
        if target == S.DENIED:
            subject = _("Your claim %(number)s: decision") % number
            body = _("We are sorry: we cannot cover claim %(number)s.\nReason: %(reason)s.\n\n"
                     "%(text)s\n") % {**number, "reason": claim.get_denial_reason_display(),
                                      "text": claim.denial_text}
        elif target == S.WITHDRAWN:
            subject = _("Your claim %(number)s has been withdrawn") % number
            body = _("Claim %(number)s was withdrawn: %(reason)s\n") % {
                **number, "reason": claim.withdrawal_reason}
        else:
            subject = _("Your claim %(number)s: %(subject)s") % {
                **number, "subject": STATE_SUBJECTS[target]}
            body = _("Dear %(name)s,\n\nyour claim %(number)s is now: %(state)s.\n"
                     "What happens next: %(next)s\n\nYou can follow the claim in the portal.\n"
                     ) % {"name": _holder_name(claim), **number, "state": S(target).label,
                          "next": next_step_text(claim=claim, state=target)}
        email_after_commit(subject=str(subject), body=str(body), recipients=[holder.email],
                           rows=rows)


def policyholder_message(*, claim: Claim, text: str, adjuster_emails: Iterable[str]) -> None:
    """To the claim's adjuster, or to every adjuster while nobody is assigned (each in their
    language): the policyholder wrote; the message waits in the queue "Messages from
    policyholders"."""
    adjuster = claim.assigned_adjuster
    recipients = [adjuster.email] if adjuster else sorted(set(adjuster_emails))
    for address in recipients:
        with in_language_of(adjuster if adjuster else None, email=address):
            if adjuster:
                body = _("%(holder)s wrote on claim %(number)s:\n\n%(text)s\n")
            else:
                body = _("%(holder)s wrote on claim %(number)s (no adjuster assigned yet):"
                         "\n\n%(text)s\n")
            email_after_commit(
                subject=_("Claim %(number)s: a message from the policyholder") % {
                    "number": claim.number},
                body=body % {"holder": claim.policy.policyholder, "number": claim.number,
                             "text": text},
                recipients=[address],
            )


def report_receipt_refused(*, receipt, reason: str, rows: RowBatch | None = None) -> None:
    """To whoever sent the report (``Prefer: respond-async``), at their policyholder record's
    address: it was received but the rules refused it when it was registered. Not to the
    policy's holder of now, who may be someone else by then."""
    user = receipt.reported_by
    holder = getattr(user, "policyholder", None)
    address = holder.email if holder is not None else user.email
    name = (holder.contact_name or holder.company_name) if holder is not None else (
        user.get_full_name() or user.username)
    with in_language_of(user_id=user.pk, email=address):
        email_after_commit(
            subject=_("Your report of the loss on %(date)s could not be registered") % {
                "date": date_format(receipt.loss_date, "SHORT_DATE_FORMAT")},
            body=_("Dear %(name)s,\n\nthe loss you reported under policy %(policy)s could not "
                   "be registered as a claim:\n\n%(reason)s\n\nPlease report it again through "
                   "the portal or call us.\n") % {
                "name": name, "policy": receipt.policy.number, "reason": reason},
            recipients=[address], rows=rows,
        )
