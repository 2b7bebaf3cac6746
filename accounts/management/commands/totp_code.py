"""``manage.py totp_code USER``: the current code of a user's authenticator (TOTP) device, for
the demo and for support staff helping someone set up their app."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of USER's authenticator device."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no authenticator device.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                    drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
