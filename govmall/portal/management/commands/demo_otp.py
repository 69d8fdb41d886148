from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmall.portal.demo import DEMO_TOTP_HEX


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (development only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_otp is refused when GOVMALL_PRODUCTION=1")
        device = TOTPDevice.objects.filter(user__username=options["username"], confirmed=True, key=DEMO_TOTP_HEX).first()
        if device is None:
            raise CommandError(f"{options['username']} has no demo TOTP device")
        self.stdout.write(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
