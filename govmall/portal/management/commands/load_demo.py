from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govmall.portal.demo import demo_logins_text, load_demo


class Command(BaseCommand):
    help = "Load the Weihai demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("load_demo creates accounts with a published password; it is refused when GOVMALL_PRODUCTION=1")
        load_demo(self.stdout)
        if not options["quiet_logins"]:
            self.stdout.write(demo_logins_text())
