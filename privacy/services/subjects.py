"""Who a request is about, checked: a policyholder asks about themselves only; a data-protection
administrator may ask about anyone."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, PermissionDeniedError
from privacy import roles
from privacy.models import SubjectKind


def subject_fields(*, by, subject_kind: str, policyholder=None, claimant_email: str = "",
                   vendor_organisation=None) -> dict:
    """The model fields for the subject, or ClaimValidationError / PermissionDeniedError."""
    if subject_kind not in SubjectKind.values:
        raise ClaimValidationError({"subject_kind": _("Choose one of: %(join)s.") % {
                                                        "join": ', '.join(SubjectKind.values)}})
    if not roles.is_privacy_admin(by):
        own = getattr(by, "policyholder", None) if roles.is_policyholder(by) else None
        if own is None or subject_kind != SubjectKind.POLICYHOLDER or (
                policyholder is not None and policyholder.pk != own.pk):
            raise PermissionDeniedError(_("You may make this request about yourself only."))
        policyholder = own
    fields = {"subject_kind": subject_kind, "policyholder": None, "claimant_email": "",
              "vendor_organisation": None}
    if subject_kind == SubjectKind.POLICYHOLDER:
        if policyholder is None:
            raise ClaimValidationError({"policyholder": _("Choose the policyholder.")})
        fields["policyholder"] = policyholder
    elif subject_kind == SubjectKind.CLAIMANT:
        email = (claimant_email or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ClaimValidationError(
                {"claimant_email": _("Give the claimant's e-mail address.")}) from None
        fields["claimant_email"] = email
    else:
        if vendor_organisation is None:
            raise ClaimValidationError({"vendor_organisation": _("Choose the vendor "
                                                                 "organisation.")})
        fields["vendor_organisation"] = vendor_organisation
    return fields
