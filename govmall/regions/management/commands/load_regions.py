from django.core.management.base import BaseCommand
from django.db import transaction

from govmall.regions.loader import load_regions
from govmall.regions.models import Region


class Command(BaseCommand):
    help = "Load (or refresh) Shandong's divisions and Weihai's towns from regions/data. Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            created, updated = load_regions(Region)
        self.stdout.write(f"regions: {created} created, {updated} updated, {Region.objects.count()} in all")
