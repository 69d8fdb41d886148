"""PostgreSQL only: govmall_wan(numeric), purchasers.budget.wan() in SQL ('200 万元',
'12.5 万元', '12,345.67 元'), so that a reservation's audit message can state the figures
read under the lock inside the one statement that writes it (limits.ledger.reserve_at_once)."""

from django.db import migrations

WAN_SQL = r"""
CREATE OR REPLACE FUNCTION govmall_wan(x numeric) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN x <> 0 AND abs(x) >= 10000 AND mod(x * 100, 10000) = 0
      THEN rtrim(rtrim(to_char(x / 10000, 'FM999,999,999,999,990.00'), '0'), '.') || ' 万元'
    WHEN x = trunc(x) THEN to_char(x, 'FM999,999,999,999,990') || ' 元'
    ELSE to_char(x, 'FM999,999,999,999,990.00') || ' 元'
  END
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WAN_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS govmall_wan(numeric)")


class Migration(migrations.Migration):
    dependencies = [("limits", "0004_window_day")]

    operations = [migrations.RunPython(create, drop)]
