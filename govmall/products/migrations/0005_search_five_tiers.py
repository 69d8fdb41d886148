"""Search tiers 1–3 by static rank (5100 / 4600 / 4000), 4 the rest, 5 overpriced: a filtered
query finds its first page in small tiers (docs/PERFORMANCE.md, storefront search)."""

from django.db import migrations


def forward(apps, schema_editor):
    from govmall.products import search

    search.retier(schema_editor, (5100, 4600, 4000), 5)


def backward(apps, schema_editor):
    from govmall.products import search

    search.retier(schema_editor, (6500, 4000), 4)


class Migration(migrations.Migration):
    dependencies = [("products", "0004_supplier_models_moved_and_hold")]
    operations = [migrations.RunPython(forward, backward)]
