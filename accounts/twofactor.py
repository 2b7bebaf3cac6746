"""Two-factor authentication (django-otp) for every staff account: adjusters, team leads and
administrators sign in to the admin with a TOTP code from an authenticator app, or one of their
recovery codes; their API tokens are issued only against a code too."""

from __future__ import annotations

import secrets

from django.apps import apps
from django.db import models, transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import roles
from config.statements import Prepared

RECOVERY_CODES = 10

# The read of a staff session's verified device (every staff request), per device model:
# compiled once per connection (``config.statements``).
_DEVICE_READS: dict[type[Device], tuple[Prepared, int]] = {}


def needs_two_factor(user) -> bool:
    """Staff, superusers and anyone in the adjusters' groups sign in with a second factor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or roles.is_adjuster(user))


def _device_read(device_cls: type[Device]) -> tuple[Prepared, int]:
    """The compiled read of ``device_cls`` by its key, and the largest key its column holds."""
    read = _DEVICE_READS.get(device_cls)
    if read is None:
        small = isinstance(device_cls._meta.pk, models.AutoField) and not isinstance(
            device_cls._meta.pk, models.BigAutoField | models.SmallAutoField)
        if small:
            read = (Prepared(lambda p: device_cls.objects.filter(pk=p.int32("pk"))), 2**31 - 1)
        else:
            read = (Prepared(lambda p: device_cls.objects.filter(pk=p.int("pk"))), 2**63 - 1)
        _DEVICE_READS[device_cls] = read
    return read


def device_from_persistent_id(persistent_id: str) -> Device | None:
    """``Device.from_persistent_id`` (``app_label.model_name/id``, as the session keeps it),
    with the device read compiled once per connection; None for an unknown model or key."""
    try:
        model_label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = model_label.split(".")
        device_cls = apps.get_model(app_label, model_name)
        pk = int(device_id)
    except (ValueError, LookupError):
        return None
    if not issubclass(device_cls, Device):
        return None
    read, largest = _device_read(device_cls)
    if not -largest - 1 <= pk <= largest:  # the ORM finds no such device either
        return None
    return read.first(pk=pk)


def device_for_code(user, code: str):
    """The device a code is meant for: six digits are the authenticator app's, anything else a
    recovery code (so a typo does not count as a failure against the other device)."""
    code = (code or "").strip().replace(" ", "")
    if code.isascii() and code.isdigit() and len(code) == 6:
        return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    devices = StaticDevice.objects.filter(user=user, confirmed=True)
    return devices.filter(token_set__token=code).first() or devices.first()


def verify_code(user, code) -> bool:
    """Whether ``code`` is a current TOTP code or an unused recovery code of ``user`` (a
    recovery code is used up by this; repeated failures throttle the device)."""
    if not isinstance(code, str) or not code.strip():
        return False
    device = device_for_code(user, code)
    if device is None or not device.verify_is_allowed()[0]:
        return False
    return bool(device.verify_token(code.strip().replace(" ", "")))


@transaction.atomic
def totp_enrol(user, *, key: str | None = None, name: str = "Authenticator app") -> TOTPDevice:
    """Give ``user`` a confirmed TOTP device (replacing one of the same name); ``key`` is the hex
    secret (random when not given)."""
    TOTPDevice.objects.filter(user=user, name=name).delete()
    fields = {"key": key} if key else {}
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True, **fields)


@transaction.atomic
def recovery_codes_create(user, *, codes: list[str] | None = None) -> list[str]:
    """A fresh set of one-time recovery codes for ``user`` (the old ones stop working)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes",
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = codes or [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
