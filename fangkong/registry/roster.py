"""The residents roster's columns (Chinese or English headers) and how to read one (core.tables)."""

from __future__ import annotations

from fangkong.core.tables import Table, TableSpec, open_table

COLUMNS: dict[str, set[str]] = {
    "name": {"姓名", "名字", "name"},
    "document_type": {"证件类型", "document_type", "document type", "doc_type"},
    "document_number": {
        "证件号码",
        "证件号",
        "身份证号",
        "身份证号码",
        "document_number",
        "document number",
        "id_number",
    },
    "phone": {"手机号", "手机号码", "联系电话", "电话", "phone", "mobile"},
    "community": {"社区", "社区/村", "村", "社区（村）", "community"},
    "grid": {"网格", "grid"},
    "address": {"住址", "地址", "现住址", "address"},
    # The household the person lives in, by its names under the person's grid (registry.places).
    "compound": {"小区", "小区/村民小组", "村民小组", "compound"},
    "building": {"楼栋", "楼号", "building"},
    "household": {"户", "门牌", "门牌号", "房号", "household"},
}
REQUIRED = ("name", "document_number", "community")
# What a clerk calls each column (the roster template's header), for reports of rejected rows.
FIELD_LABELS = {
    "name": "姓名",
    "document_type": "证件类型",
    "document_number": "证件号码",
    "phone": "手机号",
    "community": "社区",
    "grid": "网格",
    "address": "住址",
    "compound": "小区",
    "building": "楼栋",
    "household": "户",
    "file": "文件",
}
TEMPLATE_HEADER = ["姓名", "证件类型", "证件号码", "手机号", "社区", "网格", "住址", "小区", "楼栋", "户"]
ROSTER = TableSpec(COLUMNS, REQUIRED, exact_numbers=("document_number", "phone"))
Roster = Table


def field_label(field: str) -> str:
    """The column's name as the template's header writes it, with the English name: "证件号码 document_number"."""
    label = FIELD_LABELS.get(field)
    return f"{label} {field}" if label else field


def open_roster(filename: str, content: bytes) -> Table:
    return open_table(ROSTER, filename, content)


def row_values(roster: Table, row: list) -> dict[str, str] | None:
    """{column: text} for one row, or None for a blank row. Raises FieldError for a cell that cannot be read."""
    return roster.values(row)
