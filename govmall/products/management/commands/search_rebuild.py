"""Rebuild the storefront search index from the listings (segmentation included)."""

import time

from django.core.management.base import BaseCommand

from govmall.core.context import Actor, acting_as
from govmall.products import search


class Command(BaseCommand):
    help = "Rebuild the product search index (SQLite FTS5 or PostgreSQL tsvector)"

    def handle(self, *args, **options):
        t = time.perf_counter()
        with acting_as(Actor(username="search_rebuild"), source="command"):
            n = search.rebuild(progress=lambda done, total: self.stdout.write(f"  {done:,}/{total:,}") if done % 50000 == 0 else None)
        self.stdout.write(self.style.SUCCESS(f"indexed {n:,} listed products in {time.perf_counter() - t:.1f} s"))
