"""Load the real division tables shipped in regions/data (SOURCES.md there).

Called by the data migration and by `manage.py load_regions`; idempotent (keyed by code).
Takes the model class so the migration can pass its historical model.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

KIND_LABELS = {
    "prefecture_city": "地级市",
    "district": "市辖区",
    "county": "县",
    "county_level_city": "县级市",
    "functional_zone": "功能区",
    "street": "街道",
    "town": "镇",
    "other": "其他",
}


def _rows(name: str):
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def region_rows() -> list[dict]:
    """Province, its cities and counties, and Weihai's towns, parents before children."""
    rows: list[dict] = []
    for r in _rows("shandong_cities.csv"):
        level = int(r["level"])
        rows.append(
            {
                "code": r["code"],
                "name": r["name"],
                "level": level,
                "kind": "province" if level == 1 else "prefecture_city",
                "parent": r["parent_code"] or None,
            }
        )
    for r in _rows("shandong_counties.csv"):
        rows.append({"code": r["code"], "name": r["name"], "level": 3, "kind": r["kind"], "parent": r["parent_code"]})
    for r in _rows("weihai_divisions.csv"):
        if r["level"] == "4":
            rows.append({"code": r["code"], "name": r["name"], "level": 4, "kind": r["kind"], "parent": r["parent_code"]})
    return rows


def load_regions(Region) -> tuple[int, int]:
    """Create or update every region; returns (created, updated)."""
    by_code = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    for row in region_rows():
        parent = by_code.get(row["parent"]) if row["parent"] else None
        if row["parent"] and parent is None:
            raise ValueError(f"region {row['code']} names unknown parent {row['parent']}")
        path = (parent.path if parent else "/") + row["code"] + "/"
        values = {"name": row["name"], "level": row["level"], "kind": row["kind"], "parent": parent, "path": path}
        obj = by_code.get(row["code"])
        if obj is None:
            obj = Region.objects.create(code=row["code"], **values)
            created += 1
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            updated += 1
        by_code[row["code"]] = obj
    return created, updated
