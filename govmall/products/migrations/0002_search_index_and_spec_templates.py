"""The back-end specific part of the search index (an FTS5 table on SQLite, a tsvector column
with per-tier GIN indexes on PostgreSQL; see products/search/) and the starting spec templates
(products/spec_data.py)."""

from django.db import migrations


def install_search(apps, schema_editor):
    from govmall.products import search

    search.install(apps, schema_editor)


def uninstall_search(apps, schema_editor):
    from govmall.products import search

    search.uninstall(apps, schema_editor)


def load_templates(apps, schema_editor):
    from govmall.products.spec_data import TEMPLATES

    Category = apps.get_model("catalog", "Category")
    CatalogEdition = apps.get_model("catalog", "CatalogEdition")
    SpecTemplate = apps.get_model("products", "SpecTemplate")
    edition = CatalogEdition.objects.filter(is_current=True).first()
    if edition is None:
        return
    for code, (name, attrs) in TEMPLATES.items():
        cat = Category.objects.filter(edition=edition, code=code).first()
        if cat is not None and not SpecTemplate.objects.filter(category=cat).exists():
            SpecTemplate.objects.create(category=cat, name=name, attributes=attrs)


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
        ("catalog", "0002_load_2022_edition"),
    ]

    operations = [
        migrations.RunPython(install_search, uninstall_search),
        migrations.RunPython(load_templates, migrations.RunPython.noop),
    ]
