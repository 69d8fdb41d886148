import sys

from django.core.management.base import BaseCommand

from govmall.audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain. Exit 0 when intact; 1 naming the first broken entry."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"audit chain intact: {report.checked} entries")
            return
        where = f"entry seq={report.broken_seq}" + (f" (id={report.broken_id})" if report.broken_id else "")
        self.stderr.write(f"audit chain BROKEN at {where}: {report.problem}")
        sys.exit(1)
