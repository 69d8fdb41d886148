from django.core.management.base import BaseCommand
from django.db import transaction

from govmall.workdays.services import seed_from_chinese_calendar


class Command(BaseCommand):
    help = "Add the holiday years the chinese-calendar package knows and the table lacks. Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            added = seed_from_chinese_calendar()
        self.stdout.write(f"holiday years added: {', '.join(map(str, added)) or 'none'}")
