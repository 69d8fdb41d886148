"""The mapping table (对照表) as files: export in the form a provincial reviewer reads, and
reading one back with every bad row named by line number and column.

Columns, in this order: 本地品目编码, 本地品目名称, 省品目编码, 省品目名称, 备注. XLSX (first
sheet, header in row 1) or CSV (UTF-8, with or without BOM). A file is taken whole or not at
all: `parse_mapping` raises `MappingImportError` listing every problem it found.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from govmall.catalog.models import CatalogEdition, Category, MallCatalogVersion
from govmall.catalog.selectors import mall_items
from govmall.core.errors import BusinessError

COLUMNS = ("本地品目编码", "本地品目名称", "省品目编码", "省品目名称", "备注")
MAX_BYTES = 2 * 1024 * 1024  # a catalog of thousands of items is a few hundred KB
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # an XLSX is a zip: refuse one that inflates beyond this
MAX_ROWS = 5000
LOCAL_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
PROVINCIAL_CODE = re.compile(r"^[ABC](\d{2}){0,4}$")  # full (A02010105) or short (A020201) code
FORMULA_START = ("=", "+", "-", "@")
FILE = "文件"

LOCAL_CODE_RULE = "应为字母开头的 2–20 位大写字母、数字或连字符（如 WH-A02010105）"
PROVINCIAL_CODE_RULE = "应为 A/B/C 加 8 位数字（如 A02010105），或其简码（如 A020201）"
FORMULA_RULE = "不能以 =、+、-、@ 开头（电子表格会当作公式）"


# --- Field rules shared with the item form (services) ----------------------------------------


def local_code_error(code: str) -> str | None:
    if not code:
        return "不能为空"
    if not LOCAL_CODE.match(code):
        return f"「{code}」格式不对，{LOCAL_CODE_RULE}"
    return None


def text_error(value: str, *, max_length: int, required: bool = False) -> str | None:
    if required and not value:
        return "不能为空"
    if len(value) > max_length:
        return f"超过 {max_length} 个字（现为 {len(value)} 个）"
    if value.startswith(FORMULA_START):
        return FORMULA_RULE
    return None


def find_category(edition: CatalogEdition, code: str) -> Category | None:
    """A provincial item of `edition` by its full code or its short code."""
    qs = Category.objects.filter(edition=edition)
    return qs.filter(code=code).first() or (qs.filter(short_code=code).first() if len(code) < 9 else None)


def _same_name(a: str, b: str) -> bool:
    def norm(s):
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))

    return norm(a) == norm(b)


# --- Export -----------------------------------------------------------------------------------


def mapping_filename(version: MallCatalogVersion, ext: str) -> str:
    return f"{version.subsite.region.name}商城品目对照表_第{version.number}版_{version.edition.code}版目录.{ext}"


def mapping_sheet_title(version: MallCatalogVersion) -> str:
    return f"第{version.number}版对照表（{version.edition.code}版目录）"[:31]


def mapping_rows(version: MallCatalogVersion) -> list[list[str]]:
    return [
        [i.local_code, i.local_name, i.category.code if i.category else "", i.category.name if i.category else "", i.remark]
        for i in mall_items(version)
    ]


def export_xlsx(version: MallCatalogVersion) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = mapping_sheet_title(version)
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in mapping_rows(version):
        ws.append(row)
    for letter, width in zip("ABCDE", (18, 28, 14, 28, 30), strict=True):
        ws.column_dimensions[letter].width = width
        for cell in ws[letter]:
            cell.number_format = "@"  # codes stay text in Excel
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_csv(version: MallCatalogVersion) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(mapping_rows(version))
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


# --- Import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: about the whole file
    field: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"第 {self.line} 行「{self.field}」：{self.message}"


class MappingImportError(BusinessError):
    """A mapping file was refused; `errors` names every bad row and column."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "；".join(str(e) for e in errors[:10])
        more = f"；等共 {len(errors)} 处" if len(errors) > 10 else ""
        super().__init__(f"导入失败，未做任何修改：{shown}{more}", field="file", code="invalid")


@dataclass(frozen=True)
class MappingRow:
    line: int
    local_code: str
    local_name: str
    category: Category | None
    remark: str


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _check_header(header: list[str]) -> None:
    while header and not header[-1]:
        header.pop()
    if tuple(header) != COLUMNS:
        raise MappingImportError(
            [RowError(None, FILE, f"表头应为「{'、'.join(COLUMNS)}」五列（按此顺序），文件中为「{'、'.join(h or '（空）' for h in header) or '（无）'}」")]
        )


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                raise MappingImportError([RowError(None, FILE, "XLSX 文件解压后过大，请只保留对照表一个工作表")])
        wb = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except MappingImportError:
        raise
    except Exception:
        raise MappingImportError([RowError(None, FILE, "文件不是有效的 XLSX 表格（请用 Excel 或 WPS 另存为 .xlsx）")]) from None
    ws = wb.worksheets[0]
    if ws.max_row > MAX_ROWS + 1:
        raise MappingImportError([RowError(None, FILE, f"文件有 {ws.max_row - 1} 行，超过每次导入 {MAX_ROWS} 行的上限")])
    errors: list[RowError] = []
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    if merged:
        errors.append(RowError(None, FILE, f"表格含有合并单元格（{'、'.join(merged[:5])}），请取消合并、每行填写完整后再导入"))
    header = [_cell_text(c.value) for c in ws[1]] if ws.max_row >= 1 else []
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                column = header[cell.column - 1] if cell.column - 1 < len(header) and header[cell.column - 1] else cell.column_letter
                errors.append(RowError(cell.row, column, f"单元格 {cell.coordinate} 含有公式，请改为纯文本"))
    if errors:
        raise MappingImportError(errors)
    _check_header(header)
    rows = []
    for row in ws.iter_rows(min_row=2):
        rows.append((row[0].row, [_cell_text(c.value) for c in row]))
    return rows


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingImportError([RowError(None, FILE, "CSV 文件须为 UTF-8 编码（在 Excel 中另存为“CSV UTF-8（逗号分隔）”）")]) from None
    if "\x00" in text:
        raise MappingImportError([RowError(None, FILE, "CSV 文件中含有非文本内容，请检查文件")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        _check_header(header)
        rows = []
        for values in reader:
            rows.append((reader.line_num, [v.strip() for v in values]))
            if len(rows) > MAX_ROWS:
                raise MappingImportError([RowError(None, FILE, f"文件超过每次导入 {MAX_ROWS} 行的上限")])
    except csv.Error as exc:
        raise MappingImportError([RowError(reader.line_num, FILE, f"CSV 格式有误（{exc}）")]) from None
    return rows


def read_table(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """(line number, five cell texts) for each data row; file-level problems raise."""
    name = (filename or "").lower()
    if len(data) > MAX_BYTES:
        raise MappingImportError([RowError(None, FILE, f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过 {MAX_BYTES // 1024 // 1024} MB 的上限")])
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise MappingImportError([RowError(None, FILE, "只能导入 .xlsx 或 .csv 文件")])


def parse_mapping(data: bytes, filename: str, *, edition: CatalogEdition) -> list[MappingRow]:
    """Every row of a mapping file checked against `edition`; all or nothing."""
    errors: list[RowError] = []
    good: list[MappingRow] = []
    seen: dict[str, tuple[int, str]] = {}
    codes_wanted = set()
    table = read_table(data, filename)
    for line, values in table:
        extra = [v for v in values[len(COLUMNS) :] if v]
        values = (values + [""] * len(COLUMNS))[: len(COLUMNS)]
        if not any(values) and not extra:
            continue
        if extra:
            errors.append(RowError(line, FILE, f"表头之外多出 {len(extra)} 个有内容的单元格，请删除"))
        codes_wanted.add(values[2].upper())
    categories = {c.code: c for c in Category.objects.filter(edition=edition, code__in=codes_wanted)}
    categories.update({c.short_code: c for c in Category.objects.filter(edition=edition, short_code__in=codes_wanted)})
    for line, values in table:
        values = (values + [""] * len(COLUMNS))[: len(COLUMNS)]
        if not any(values):
            continue
        local_code, local_name, prov_code, prov_name, remark = values
        local_code, prov_code = local_code.upper(), prov_code.upper()
        row_errors: list[RowError] = []
        problem = local_code_error(local_code)
        if problem:
            row_errors.append(RowError(line, COLUMNS[0], problem))
        elif local_code in seen:
            first_line, first_prov = seen[local_code]
            if first_prov == prov_code:
                row_errors.append(RowError(line, COLUMNS[0], f"{local_code} 与第 {first_line} 行重复"))
            else:
                row_errors.append(
                    RowError(
                        line,
                        COLUMNS[0],
                        f"{local_code} 已在第 {first_line} 行对应 {first_prov or '（空）'}，本行又对应 {prov_code or '（空）'}："
                        "一个本地品目只能对应一个省品目（重复对照）",
                    )
                )
        else:
            seen[local_code] = (line, prov_code)
        problem = text_error(local_name, max_length=100, required=True)
        if problem:
            row_errors.append(RowError(line, COLUMNS[1], problem))
        category = None
        if prov_code:
            if not PROVINCIAL_CODE.match(prov_code):
                row_errors.append(RowError(line, COLUMNS[2], f"「{prov_code}」格式不对，{PROVINCIAL_CODE_RULE}"))
            else:
                category = categories.get(prov_code)
                if category is None:
                    row_errors.append(RowError(line, COLUMNS[2], f"{prov_code} 不在{edition.code}版品目目录中"))
                elif prov_name and not _same_name(prov_name, category.name):
                    row_errors.append(
                        RowError(
                            line,
                            COLUMNS[3],
                            f"「{prov_name}」与编码 {category.code} 在{edition.code}版目录中的名称「{category.name}」不符，请核对编码（各版目录编码含义不同）",
                        )
                    )
        elif prov_name:
            row_errors.append(RowError(line, COLUMNS[2], f"填写了省品目名称「{prov_name}」但缺少省品目编码"))
        problem = text_error(remark, max_length=200)
        if problem:
            row_errors.append(RowError(line, COLUMNS[4], problem))
        if row_errors:
            errors.extend(row_errors)
        else:
            good.append(MappingRow(line, local_code, local_name, category, remark))
    if not errors and not good:
        errors.append(RowError(None, FILE, "文件中没有对照数据（表头下方没有任何行）"))
    if errors:
        raise MappingImportError(errors)
    return good
