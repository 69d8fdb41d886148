"""Rows as one JSON parameter, for statements that insert with jsonb_populate_record
(PostgreSQL): exact values — full microseconds, Decimal as its digits — where Django's
JSON encoder would round times to milliseconds."""

from __future__ import annotations

import datetime as dt
import decimal
import json


def _default(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def row_json(row: dict) -> str:
    return json.dumps(row, default=_default, ensure_ascii=False)
