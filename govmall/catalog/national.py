"""The national catalog: loading an edition (CSV or XLSX) with full validation.

Every bad row is reported with its line number and nothing is written unless the whole file is
good. Used by the data migration (2022 edition) and `manage.py import_catalog`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from govmall.core.errors import BusinessError

DATA = Path(__file__).resolve().parent / "data"
CODE = re.compile(r"^[ABC](\d{8})?$")
KIND_OF_ROOT = {"A": "goods", "B": "works", "C": "services"}
REQUIRED_COLUMNS = ("code", "name")


def parent_code(code: str) -> str | None:
    """A09010101 → A09010100 → A09010000 → A09000000 → A; roots have none."""
    if len(code) == 1:
        return None
    pairs = [code[1 + i : 3 + i] for i in range(0, 8, 2)]
    last = max(i for i, p in enumerate(pairs) if p != "00")
    if last == 0:
        return code[0]
    return code[0] + "".join(pairs[:last]) + "00" * (4 - last)


def level_of(code: str) -> int:
    if len(code) == 1:
        return 1
    pairs = [code[1 + i : 3 + i] for i in range(0, 8, 2)]
    return 1 + max(i for i, p in enumerate(pairs) if p != "00") + 1


def short_code(code: str) -> str:
    if len(code) == 1:
        return code
    s = code
    while s.endswith("00") and len(s) > 1:
        s = s[:-2]
    return s


@dataclass
class Row:
    line: int
    code: str
    name: str
    description: str


def read_rows(data: bytes, filename: str) -> list[dict]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as dicts keyed by header."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:
            raise BusinessError("文件不是有效的 XLSX 表格", field="file") from None
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(it, [])]
        rows = []
        for values in it:
            if values is None or all(v in (None, "") for v in values):
                rows.append({})
                continue
            for v in values:
                if isinstance(v, str) and v.startswith("="):
                    raise BusinessError("表格中含有公式，请另存为纯数值后再导入", field="file")
            rows.append({header[i]: ("" if v is None else str(v).strip()) for i, v in enumerate(values) if i < len(header)})
        return rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BusinessError("CSV 文件须为 UTF-8 编码", field="file") from None
    return [dict(r) for r in csv.DictReader(io.StringIO(text))]


def validate_catalog(rows: list[dict]) -> list[Row]:
    """Check every row; raise one BusinessError listing every bad line (line 1 is the header)."""
    errors: list[str] = []
    if rows and not all(col in rows[0] for col in REQUIRED_COLUMNS):
        raise BusinessError(f"缺少必需的列：{'、'.join(c for c in REQUIRED_COLUMNS if c not in rows[0])}（应有 code、name，可选 description）", field="file")
    seen: dict[str, int] = {}
    good: list[Row] = []
    for i, raw in enumerate(rows, start=2):
        code = (raw.get("code") or "").strip().upper()
        name = (raw.get("name") or "").strip()
        if not code and not name:
            continue
        if not CODE.match(code):
            errors.append(f"第 {i} 行：品目编码「{code}」格式不对，应为 A/B/C 或字母加 8 位数字（如 A02010105）")
            continue
        if not name:
            errors.append(f"第 {i} 行：品目 {code} 缺少名称")
            continue
        if len(name) > 100:
            errors.append(f"第 {i} 行：品目 {code} 的名称超过 100 个字")
            continue
        if code in seen:
            errors.append(f"第 {i} 行：品目编码 {code} 与第 {seen[code]} 行重复")
            continue
        declared_parent = (raw.get("parent_code") or "").strip().upper()
        expected = parent_code(code) or ""
        if declared_parent and declared_parent != expected:
            errors.append(f"第 {i} 行：品目 {code} 的上级应为 {expected}，表中为 {declared_parent}")
            continue
        seen[code] = i
        good.append(Row(i, code, name, (raw.get("description") or "").strip()))
    for row in good:
        p = parent_code(row.code)
        if p is not None and p not in seen:
            errors.append(f"第 {row.line} 行：品目 {row.code} 的上级 {p} 不在表中")
    if not good and not errors:
        errors.append("文件中没有品目")
    if errors:
        raise BusinessError("；".join(errors), field="file")
    return good


def load_edition(Edition, Category, *, code: str, name: str, document: str, rows: list[Row], make_current: bool) -> object:
    """Write a validated edition. Takes model classes so the data migration can use it."""
    if Edition.objects.filter(code=code).exists():
        raise BusinessError(f"版本 {code} 已存在", field="edition")
    if make_current:
        Edition.objects.filter(is_current=True).update(is_current=False)
    edition = Edition.objects.create(code=code, name=name, document=document, is_current=make_current)
    children = {parent_code(r.code) for r in rows}
    by_code: dict[str, object] = {}
    for level in range(1, 6):
        batch = []
        for r in rows:
            if level_of(r.code) != level:
                continue
            parent = by_code.get(parent_code(r.code)) if level > 1 else None
            batch.append(
                Category(
                    edition=edition, code=r.code, short_code=short_code(r.code), name=r.name, level=level,
                    kind=KIND_OF_ROOT[r.code[0]], parent=parent, is_leaf=r.code not in children,
                    description=r.description, path=(parent.path if parent else "/") + r.code + "/",
                )
            )  # fmt: skip
        for obj in Category.objects.bulk_create(batch, batch_size=1000):
            by_code[obj.code] = obj
        if batch and any(o.pk is None for o in by_code.values()):
            # Databases that do not return ids from bulk_create: read them back.
            for obj in Category.objects.filter(edition=edition, level=level):
                by_code[obj.code] = obj
    return edition


def load_2022(Edition, Category):
    with open(DATA / "procurement_catalog_2022.csv", "rb") as fh:
        rows = validate_catalog(read_rows(fh.read(), "procurement_catalog_2022.csv"))
    return load_edition(
        Edition, Category, code="2022", name="政府采购品目分类目录（2022年印发）", document="财库〔2022〕31号", rows=rows, make_current=True
    )
