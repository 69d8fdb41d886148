"""Bulk listing import and export by XLSX (批量导入导出商品) for suppliers.

Import is all or nothing: every row is checked field by field first and a file with any bad
row is refused whole, naming every bad row and column; formulas, merged cells, wrong or
misordered columns, files that are not XLSX, more than 2 MB or 1,000 rows are refused with a
message. A good file creates draft listings (each with its market reference price), which
the supplier then submits for review as usual.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.db import transaction

from govmall.catalog.models import Category
from govmall.catalog.selectors import current_edition
from govmall.core.errors import BusinessError
from govmall.core.exports import xlsx_bytes

COLUMNS = (
    "品目编码", "品牌", "型号", "商品名称", "价格（元）", "库存", "供货期（天）", "质保期（月）", "售后服务", "商品说明", "规格参数",
    "供货区域", "参考价来源", "参考价链接", "参考价（元）", "参考价采集日期",
)  # fmt: skip
FIELDS = (
    "category", "brand", "model", "title", "price", "stock", "delivery_days", "warranty_months", "warranty_terms", "description", "specs",
    "delivery_regions", "ref_source", "ref_url", "ref_price", "ref_observed_on",
)  # fmt: skip
LABEL = dict(zip(FIELDS, COLUMNS))
FILE = "文件"
MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_ROWS = 1000


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"第 {self.line} 行「{self.column}」：{self.message}"


class BulkImportError(BusinessError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "；".join(str(e) for e in errors[:10])
        more = f"；等共 {len(errors)} 处" if len(errors) > 10 else ""
        super().__init__(f"导入失败，未导入任何商品：{shown}{more}", field="file")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    return str(value).strip()


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(line, {field: text}) for each non-empty data row; file-level problems raise."""
    from openpyxl import load_workbook

    if not (filename or "").lower().endswith(".xlsx"):
        raise BulkImportError([RowError(None, FILE, "只能导入 .xlsx 文件（请用“导出模板”下载的表格填写）")])
    if len(data) > MAX_BYTES:
        raise BulkImportError([RowError(None, FILE, f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过 2 MB 的上限")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                raise BulkImportError([RowError(None, FILE, "XLSX 文件解压后过大，请只保留商品一个工作表")])
        wb = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except BulkImportError:
        raise
    except Exception:
        raise BulkImportError([RowError(None, FILE, "文件不是有效的 XLSX 表格（请用 Excel 或 WPS 另存为 .xlsx）")]) from None
    ws = wb.worksheets[0]
    if ws.max_row > MAX_ROWS + 1:
        raise BulkImportError([RowError(None, FILE, f"文件有 {ws.max_row - 1} 行，超过每次导入 {MAX_ROWS} 行的上限，请分批导入")])
    errors: list[RowError] = []
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    if merged:
        errors.append(RowError(None, FILE, f"表格含有合并单元格（{'、'.join(merged[:5])}），请取消合并、每行填写完整后再导入"))
    header = [_text(c.value) for c in ws[1]] if ws.max_row >= 1 else []
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                column = header[cell.column - 1] if cell.column - 1 < len(header) and header[cell.column - 1] else cell.column_letter
                errors.append(RowError(cell.row, column, f"单元格 {cell.coordinate} 含有公式，请改为纯文本或数值"))
    if errors:
        raise BulkImportError(errors)
    while header and not header[-1]:
        header.pop()
    if tuple(header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [h for h in header if h not in COLUMNS]
        detail = (f"缺少「{'、'.join(missing)}」" if missing else "") + (f"；多出「{'、'.join(h or '（空）' for h in extra)}」" if extra else "")
        raise BulkImportError([RowError(None, FILE, f"表头应为导出模板的 {len(COLUMNS)} 列，按顺序：{'、'.join(COLUMNS)}。{detail or '列的顺序不对'}")])
    rows = []
    for row in ws.iter_rows(min_row=2):
        values = [_text(c.value) for c in row][: len(COLUMNS)]
        if not any(values):
            continue
        values += [""] * (len(COLUMNS) - len(values))
        rows.append((row[0].row, dict(zip(FIELDS, values))))
    if not rows:
        raise BulkImportError([RowError(None, FILE, "文件中没有商品行")])
    return rows


def _specs(text: str, category: Category) -> dict:
    from govmall.products.services import template_attributes

    by_label = {a["label"]: a["code"] for a in template_attributes(category)}
    out = {}
    for part in [p for p in text.replace(";", "；").split("；") if p.strip()]:
        if "=" not in part and "：" not in part and ":" not in part:
            raise BusinessError(f"「{part}」应写成 参数名=值，多个参数用；分隔", field="specs")
        key, value = [s.strip() for s in part.replace("：", "=").replace(":", "=").split("=", 1)]
        code = by_label.get(key) or (key if key in by_label.values() else None)
        if code is None:
            raise BusinessError(f"品目 {category.code} 没有参数「{key}」（可用：{'、'.join(by_label) or '无'}）", field="specs")
        out[code] = value
    return out


def _regions(text: str, subsite) -> list[int]:
    from govmall.regions.models import Region

    codes = [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]
    if not codes:
        raise BusinessError("请填写供货区域的区划代码，如 371000（多个用逗号分隔）", field="delivery_regions")
    found = dict(Region.objects.filter(code__in=codes, path__startswith=subsite.region.path).values_list("code", "pk"))
    bad = [c for c in codes if c not in found]
    if bad:
        raise BusinessError(f"区划代码 {'、'.join(bad)} 不在本分站所辖区划内", field="delivery_regions")
    return [found[c] for c in codes]


def check_rows(rows, *, supplier, subsite) -> list[dict]:
    """Each row validated field by field (every bad field of every row is collected); returns
    the cleaned rows or raises BulkImportError."""
    import datetime as dt

    from govmall.products import services
    from govmall.products.models import Brand, Listing

    edition = current_edition()
    errors: list[RowError] = []
    out: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        services.check_supplier(supplier)
    except BusinessError as exc:
        raise BulkImportError([RowError(None, FILE, exc.message)]) from None
    for line, raw in rows:
        row_errors: list[RowError] = []

        def bad(field, message, line=line, row_errors=row_errors):
            row_errors.append(RowError(line, LABEL.get(field, field), message))

        for name in ("category", "brand", "model", "title", "price", "ref_source", "ref_url", "ref_price", "ref_observed_on", "delivery_regions"):
            if not raw[name]:
                bad(name, "必须填写")
        category = None
        if raw["category"]:
            category = Category.objects.filter(edition=edition, code=raw["category"].upper()).first()
            if category is None:
                bad("category", f"品目编码 {raw['category']} 不存在于现行品目目录")
            else:
                try:
                    services.check_category(supplier=supplier, subsite=subsite, category=category)
                except BusinessError as exc:
                    bad("category", exc.message)
                    category = None
        data = {}
        for name in ("model", "title", "price", "stock", "delivery_days", "warranty_months", "warranty_terms", "description"):
            if raw[name] == "" and name in ("stock", "delivery_days", "warranty_months"):
                continue
            if raw[name] == "" and name in ("model", "title", "price"):
                continue
            try:
                data.update(services._clean({name: raw[name]}, supplier=supplier, subsite=subsite, category=category))
            except BusinessError as exc:
                bad(name, exc.message)
        if raw["brand"] and not services._BRAND_OK.match(raw["brand"]):
            bad("brand", "品牌只能包含文字、字母、数字和 · & + . - 空格，最多 60 个字")
        if raw["specs"] and category is not None:
            try:
                data["specs"] = services.clean_specs(category, _specs(raw["specs"], category), require=False)
            except BusinessError as exc:
                bad("specs", exc.message)
        if raw["delivery_regions"]:
            try:
                data["delivery_regions"] = _regions(raw["delivery_regions"], subsite)
            except BusinessError as exc:
                bad("delivery_regions", exc.message)
        ref = {"source": raw["ref_source"], "url": raw["ref_url"]}
        if raw["ref_price"]:
            try:
                ref["price"] = services._money(raw["ref_price"], "ref_price", "参考价")
            except BusinessError as exc:
                bad("ref_price", exc.message)
        if raw["ref_observed_on"]:
            try:
                observed = dt.date.fromisoformat(raw["ref_observed_on"][:10])
                if observed > dt.date.today() + dt.timedelta(days=1):
                    bad("ref_observed_on", "采集日期不能晚于今天")
                ref["observed_on"] = observed
            except ValueError:
                bad("ref_observed_on", "应为日期，如 2026-11-20")
        if raw["ref_url"] and not raw["ref_url"].startswith(("http://", "https://")):
            bad("ref_url", "请填写以 http:// 或 https:// 开头的商品页面链接")
        key = (raw["brand"].lower(), raw["model"].lower())
        if raw["brand"] and raw["model"]:
            if key in seen:
                bad("model", f"与第 {seen[key]} 行的品牌型号重复")
            else:
                seen[key] = line
                brand = Brand.objects.filter(name__iexact=raw["brand"]).first()
                if brand and Listing.objects.filter(subsite=subsite, supplier=supplier, brand=brand, model__iexact=raw["model"]).exists():
                    bad("model", f"贵单位已有 {raw['brand']} {raw['model']} 的商品")
        errors.extend(row_errors)
        if not row_errors:
            out.append({"line": line, "category": category, "brand": raw["brand"], **data, "ref": ref})
    if errors:
        raise BulkImportError(errors)
    return out


def import_listings(*, supplier, subsite, data: bytes, filename: str, user=None) -> list:
    """All rows become draft listings, or none does."""
    from govmall.products import services

    rows = check_rows(read_rows(data, filename), supplier=supplier, subsite=subsite)
    created = []
    with transaction.atomic():
        for r in rows:
            ref = r.pop("ref")
            line = r.pop("line")
            try:
                listing = services.listing_create(supplier=supplier, subsite=subsite, data=r, user=user)
                services.reference_add(listing=listing, source=ref["source"], url=ref["url"], price=ref["price"], observed_on=ref["observed_on"])
            except BusinessError as exc:
                raise BulkImportError([RowError(line, LABEL.get(exc.field or "", exc.field or FILE), exc.message)]) from None
            created.append(listing)
    return created


def export_rows(listings) -> list[list]:
    from govmall.products.services import template_attributes

    rows = []
    for x in listings:
        labels = {a["code"]: a["label"] for a in template_attributes(x.category)}
        ref = x.references.order_by("price").first()
        rows.append([
            x.category.code, x.brand.name, x.model, x.title, x.price, x.stock, x.delivery_days, x.warranty_months, x.warranty_terms,
            x.description, "；".join(f"{labels.get(k, k)}={v}" for k, v in (x.specs or {}).items()),
            ",".join(r.code for r in x.delivery_regions.all()), ref.source if ref else "", ref.url if ref else "",
            ref.price if ref else "", ref.observed_on.isoformat() if ref else "",
        ])  # fmt: skip
    return rows


def export_xlsx(listings) -> bytes:
    return xlsx_bytes(list(COLUMNS), export_rows(listings), sheet="商品")
