"""Erasure requests (Art. 17 GDPR): recorded, checked against retention and holds, answered with
what was erased and what is kept and why. Only what is past its retention period and not held is
erased; the rest is kept with its reason (Art. 17(3)(b) and (e): legal retention duties, legal
claims)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import PermissionDeniedError
from claims.services.tx import business_action
from config.audit import audit_record
from privacy import conf, roles
from privacy.models import ErasureRequest, SubjectKind
from privacy.selectors import policyholder_kept_until, subject_claims

from .retention import (
    _policyholder_pseudonymise,
    claim_pseudonymise_if_due,
    policyholder_erasable,
)
from .subjects import subject_fields


def erasure_request_record(*, by, subject_kind: str, policyholder=None, claimant_email="",
                           vendor_organisation=None, note: str = "") -> ErasureRequest:
    """Record the request; a policyholder may ask for themselves only."""
    fields = subject_fields(by=by, subject_kind=subject_kind, policyholder=policyholder,
                            claimant_email=claimant_email,
                            vendor_organisation=vendor_organisation)
    with business_action():
        request = ErasureRequest.objects.create(
            **fields, requested_by=by, note=(note or "").strip(),
            due_by=timezone.localdate() + conf.answer_within(),
        )
        audit_record(actor=by, action="privacy.erasure_requested", obj=request,
                     to_value="received", payload={"subject_kind": subject_kind})
    return request


def _kept(what: str, why: str) -> dict:
    return {"what": what, "why": why}


def _erased(what: str, detail: str = "") -> dict:
    return {"what": what, "detail": detail}


def erasure_request_answer(*, request: ErasureRequest, by, today=None) -> ErasureRequest:
    """Check every record of the subject as of ``today``; erase what may go, keep the rest
    with the reason."""
    if not (roles.is_privacy_admin(by) or request.requested_by_id == getattr(by, "pk", None)):
        raise PermissionDeniedError(_("Only a data-protection administrator answers this "
                                      "request."))
    today = today or timezone.localdate()
    erased, kept = [], []
    with business_action():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == ErasureRequest.Status.ANSWERED:
            return request
        for claim in subject_claims(request):
            done, retention = claim_pseudonymise_if_due(claim=claim, by=by, today=today,
                                                        erasure_request=request)
            label = _("Claim %(number)s") % {"number": claim.number}
            if done:
                erased.append(_erased(label, _("names, addresses, contact data and texts "
                                               "pseudonymised, documents deleted; amounts and "
                                               "dates kept for the accounts")))
            else:
                kept.append(_kept(label, retention.why_kept(today)))
        _answer_subject(request=request, by=by, today=today, erased=erased, kept=kept)
        request.erased, request.kept = erased, kept
        request.status = ErasureRequest.Status.ANSWERED
        request.answered_at = timezone.now()
        request.save(update_fields=["erased", "kept", "status", "answered_at"])
        audit_record(actor=by, action="privacy.erasure_answered", obj=request,
                     from_value="received", to_value="answered",
                     payload={"erased": len(erased), "kept": len(kept)})
    return request


def _answer_subject(*, request, by, today, erased, kept) -> None:
    """The person's own record (policyholder) or contact details (vendor)."""
    if request.subject_kind == SubjectKind.POLICYHOLDER:
        holder = request.policyholder
        may, why = policyholder_erasable(holder, today=today)
        label = _("Your policyholder record, login and policies")
        if may:
            _policyholder_pseudonymise(holder=holder, by=by,
                                       kept_until=policyholder_kept_until(holder),
                                       erasure_request=request)
            erased.append(_erased(label, _("name, address, e-mail, phone pseudonymised, "
                                           "login closed")))
        else:
            kept.append(_kept(label, _("Insurance contract records are kept for 10 years "
                                       "after the last policy ends and while claims are kept "
                                       "(§ 257 HGB, § 147 AO): %(why)s.") % {"why": why}))
    elif request.subject_kind == SubjectKind.VENDOR_CONTACT:
        organisation = request.vendor_organisation
        label = _("Contact details of %(name)s") % {"name": organisation.name}
        if organisation.active:
            kept.append(_kept(label, _("The organisation is an active vendor: the contact is "
                                       "needed for the contract (Art. 6(1)(b) GDPR).")))
        else:
            type(organisation).objects.filter(pk=organisation.pk).update(
                contact_name="", contact_phone="")
            erased.append(_erased(label, _("contact name and phone removed")))
        kept.append(_kept(_("Reports and invoices on claims"),
                          _("Kept with their claims for the retention period of the claim "
                            "file (§ 147 AO).")))
    elif not subject_claims(request).exists():
        kept.append(_kept(request.claimant_email, _("No claim names this address.")))


def erasure_request_submit(*, by, note: str = "", today=None, **subject) -> ErasureRequest:
    """Record and answer in one go (what the portal, the admin and the API call)."""
    request = erasure_request_record(by=by, note=note, **subject)
    return erasure_request_answer(request=request, by=by, today=today)

