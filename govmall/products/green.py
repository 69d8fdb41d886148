"""Energy-saving / environmental-label rules: which categories may not be listed without an
energy-saving certificate (政府强制采购节能产品, 财库〔2019〕9号 / 19号; data/SOURCES.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "energy_saving_mandatory.csv"


@dataclass(frozen=True)
class MandatoryProduct:
    seq: int
    product: str
    list_item_2013: str
    codes_2022: tuple[str, ...]
    condition_attribute: str
    condition_values: tuple[str, ...]


@lru_cache(maxsize=1)
def mandatory_products() -> tuple[MandatoryProduct, ...]:
    with DATA.open(encoding="utf-8") as fh:
        return tuple(
            MandatoryProduct(
                seq=int(r["seq"]),
                product=r["product"],
                list_item_2013=r["list_item_2013"],
                codes_2022=tuple(c for c in r["codes_2022"].split(";") if c),
                condition_attribute=r["condition_attribute"],
                condition_values=tuple(v for v in r["condition_values"].split(";") if v),
            )
            for r in csv.DictReader(fh)
        )


def mandatory_rule_for(category_code: str, specs: dict, template_codes: set[str]) -> MandatoryProduct | None:
    """The mandatory product a listing falls under, or None. A rule with a condition applies
    when the listing's attribute has one of the values, or when the category's template has
    no such attribute (stricter, never looser)."""
    for rule in mandatory_products():
        if category_code not in rule.codes_2022:
            continue
        if not rule.condition_attribute or rule.condition_attribute not in template_codes:
            return rule
        if str(specs.get(rule.condition_attribute, "")) in rule.condition_values:
            return rule
    return None
