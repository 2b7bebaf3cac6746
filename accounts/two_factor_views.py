"""Staff manage their own second factor (signed in with it already): a new set of recovery codes
(shown once) and a new authenticator app (QR code and secret, confirmed with a code before the
old one stops working). Each change is audited."""

from __future__ import annotations

import base64
import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.decorators import otp_required
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.audit import audit_record

from .twofactor import needs_two_factor, recovery_codes_create

PENDING = "New authenticator (not confirmed)"


def _qr_data_uri(text: str) -> str:
    out = io.BytesIO()
    segno.make(text).save(out, kind="svg", scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@require_http_methods(["GET", "POST"])
@otp_required(login_url="/admin/login/")
def two_factor(request):
    user = request.user
    if not needs_two_factor(user):
        raise PermissionDenied
    context: dict = {}
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "recovery":
        with transaction.atomic():
            context["new_codes"] = recovery_codes_create(user)
            audit_record(actor=user, action="two_factor.recovery_codes_renewed", obj=user)
    elif action == "totp_start":
        TOTPDevice.objects.filter(user=user, name=PENDING).delete()
        TOTPDevice.objects.create(user=user, name=PENDING, confirmed=False)
    elif action == "totp_confirm":
        pending = TOTPDevice.objects.filter(user=user, name=PENDING, confirmed=False).first()
        code = str(request.POST.get("code", "")).strip()[:12]
        if pending is not None and pending.verify_token(code):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                pending.name, pending.confirmed = "Authenticator app", True
                pending.save()
                audit_record(actor=user, action="two_factor.authenticator_replaced", obj=user)
            messages.success(request, _("Your new authenticator app is in use."))
            return redirect("two_factor")
        context["confirm_error"] = _("That code does not match; enter the current code the new "
                                     "app shows.")
    pending = TOTPDevice.objects.filter(user=user, name=PENDING, confirmed=False).first()
    if pending is not None:
        context["pending_secret"] = base64.b32encode(pending.bin_key).decode()
        context["pending_qr"] = _qr_data_uri(pending.config_url)
    context["authenticators"] = TOTPDevice.objects.filter(user=user, confirmed=True)
    context["codes_left"] = StaticToken.objects.filter(device__user=user).count()
    return render(request, "accounts/two_factor.html", context)
