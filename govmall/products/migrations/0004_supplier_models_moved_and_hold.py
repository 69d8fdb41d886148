from django.db import migrations, models


class Migration(migrations.Migration):
    """SupplierScope and SupplierProfile now belong to the suppliers app (its 0001 takes them
    into its state with the same tables); here they leave the products state only — the
    database is not touched. Listings get the supplier hold (withdrawn for the supplier's sake)."""

    dependencies = [
        ('products', '0003_searchdoc_key_price'),
        ('suppliers', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='SupplierProfile'),
                migrations.DeleteModel(name='SupplierScope'),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='listing',
            name='supplier_hold',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='供应商原因暂停展示'),
        ),
    ]
