"""XLSX import of purchaser master data: every row goes through `purchaser_upsert`; a file
with any bad row writes nothing and every bad row is named with its line number."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from django.db import transaction

from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.core.errors import BusinessError
from govmall.purchasers.services import PurchaserData, purchaser_upsert

# Header → PurchaserData field. The first list is the template's header row.
COLUMNS = [
    ("预算单位编码", "code", True),
    ("单位名称", "name", True),
    ("统一社会信用代码", "uscc", True),
    ("区划代码", "region_code", True),
    ("级次", "level", False),
    ("单位类型", "kind", False),
    ("上级单位编码", "parent_code", False),
    ("状态", "status", False),
    ("联系人", "contact_name", False),
    ("联系电话", "contact_phone", False),
    ("联系邮箱", "contact_email", False),
]
HEADERS = [c[0] for c in COLUMNS]
MAX_ROWS = 5000
FIELD_LABELS = {f: h for h, f, _ in COLUMNS}


class ImportRejected(BusinessError):
    """The file was refused; `errors` lists every bad row."""

    def __init__(self, errors: list[str]):
        super().__init__(f"导入失败：{len(errors)} 处错误，未写入任何数据", field="file")
        self.errors = errors


@dataclass
class ImportResult:
    created: int
    updated: int


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in Excel
    return str(value).strip()


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not XLSX
        raise ImportRejected(["文件不是有效的 Excel（.xlsx）文件，请使用下载的模板"]) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, [])]
    missing = [h for h, _f, required in COLUMNS if required and h not in header]
    if missing:
        raise ImportRejected([f"第 1 行：缺少列「{'」「'.join(missing)}」，请使用下载的模板"])
    index = {h: i for i, h in enumerate(header) if h}
    out = []
    for line, row in enumerate(rows, start=2):
        values = {f: _text(row[index[h]]) if h in index and index[h] < len(row) else "" for h, f, _ in COLUMNS}
        if not any(values.values()):
            continue
        out.append((line, values))
        if len(out) > MAX_ROWS:
            raise ImportRejected([f"一次最多导入 {MAX_ROWS} 行，请拆分文件"])
    wb.close()
    if not out:
        raise ImportRejected(["文件中没有数据行"])
    return out


def purchasers_import(*, data: bytes, filename: str = "") -> ImportResult:
    """Import an XLSX file: all rows or none."""
    rows = read_rows(data)
    errors: list[str] = []
    seen: dict[str, int] = {}
    created = updated = 0
    with transaction.atomic():
        for line, values in rows:
            code = values["code"]
            if code and code in seen:
                errors.append(f"第 {line} 行（编码 {code}）：与第 {seen[code]} 行编码重复")
                continue
            seen[code] = line
            try:
                with transaction.atomic():
                    _p, was_created = purchaser_upsert(data=PurchaserData(**values))
            except BusinessError as exc:
                column = FIELD_LABELS.get(exc.field or "", "")
                errors.append(f"第 {line} 行（编码 {code or '空'}）{('「' + column + '」') if column else ''}：{exc.message}")
                continue
            created += was_created
            updated += not was_created
        if errors:
            raise ImportRejected(errors)
        record(Action.IMPORT, object_type="purchasers.purchaser", object_repr=filename[:200] or "采购人导入", message=f"导入采购人：新增 {created} 个，更新 {updated} 个")
    return ImportResult(created, updated)


def template_rows() -> list[list[str]]:
    from stdnum.cn import uscc as uscc_std

    body = "11371000MB0000001"
    example = body + uscc_std.calc_check_digit(body + "0")
    return [["371000099", "威海市示例局（示例行，导入前请删除）", example, "371000", "市级", "行政机关", "", "有效", "王五", "0631-5800000", ""]]
