import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.catalog.models import CatalogEdition, Category
from govmall.catalog.national import load_edition, read_rows, validate_catalog
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError


class Command(BaseCommand):
    help = (
        "Import a new edition of the national procurement catalog from CSV or XLSX (columns code, name, "
        "optional parent_code and description). Every bad row is reported by line number; nothing is "
        "written unless the whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--edition", required=True, help="edition code, e.g. 2025")
        parser.add_argument("--name", required=True, help="e.g. 政府采购品目分类目录（2025年印发）")
        parser.add_argument("--document", default="", help="the notice, e.g. 财库〔2025〕N号")
        parser.add_argument("--current", action="store_true", help="make it the current edition")

    def handle(self, *args, **o):
        path = Path(o["file"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            rows = validate_catalog(read_rows(path.read_bytes(), path.name))
            with acting_as(Actor(username="import_catalog"), source="command"), transaction.atomic():
                edition = load_edition(
                    CatalogEdition, Category, code=o["edition"], name=o["name"], document=o["document"], rows=rows, make_current=o["current"]
                )
                record(Action.IMPORT, edition, message=f"导入品目目录 {edition.code}：{len(rows)} 个品目")
        except BusinessError as exc:
            self.stderr.write("导入失败，未做任何修改：")
            for part in exc.message.split("；"):
                self.stderr.write(f"  {part}")
            sys.exit(1)
        self.stdout.write(f"catalog edition {edition.code}: {len(rows)} items imported")
