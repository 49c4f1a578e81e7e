"""Reading a table a person uploads (CSV or XLSX) without trusting it, and writing cells a
spreadsheet will not run. Used by every import and export (monitoring, budget).

Hostile files are refused with a Persian DomainError before any row is read: too large, too
many rows, not CSV or XLSX, binary, a zip bomb. Cells are read as text (an XLSX formula is
its text, never evaluated); CSV may be UTF-8 with or without a BOM, separated by commas or
semicolons.
"""

import csv
import io
import zipfile
from typing import Any

from backend.errors import DomainError

UNPACKED_FACTOR = 25  # an XLSX may unpack to at most this many times the size limit
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NOT_A_TABLE = "پرونده باید CSV (UTF-8) یا XLSX باشد."


def formula_safe(value: Any) -> Any:
    """A text cell as an export should write it: text that a spreadsheet would read as a
    formula (=, +, -, @ …) gets a leading apostrophe. Numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def formula_unsafe(value: str) -> str:
    """A text cell as an import should read it: the apostrophe `formula_safe` put before
    formula-like text is taken off again, so an export imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class _Limits:
    def __init__(self, max_bytes: int, max_rows: int, max_cols: int):
        self.max_bytes, self.max_rows, self.max_cols = max_bytes, max_rows, max_cols


def _read_bytes(file: Any, limits: _Limits) -> tuple[str, bytes]:
    name = str(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is not None and size > limits.max_bytes:
        raise _too_large(limits)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limits.max_bytes + 1) if hasattr(file, "read") else bytes(file)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limits.max_bytes:
        raise _too_large(limits)
    if not data.strip():
        raise DomainError("پرونده خالی است.", code="import_empty")
    return name, data


def _too_large(limits: _Limits) -> DomainError:
    megabytes = limits.max_bytes / (1024 * 1024)
    return DomainError(
        f"پرونده بزرگ‌تر از {megabytes:g} مگابایت است؛ آن را در چند پرونده بفرستید.",
        code="import_too_large",
    )


def too_many(max_rows: int) -> DomainError:
    return DomainError(
        f"پرونده بیش از {max_rows} سطر دارد؛ آن را در چند پرونده بفرستید.",
        code="import_too_many_rows",
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(data: bytes, limits: _Limits) -> list[list[str]]:
    if b"\x00" in data:
        raise DomainError(NOT_A_TABLE, code="import_not_a_table")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(NOT_A_TABLE, code="import_not_a_table") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    found = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found.append([_cell(value) for value in row[: limits.max_cols]])
            if len(found) > limits.max_rows + 1:
                raise too_many(limits.max_rows)
    except csv.Error:
        raise DomainError(NOT_A_TABLE, code="import_not_a_table") from None
    return found


def _check_archive(data: bytes, limits: _Limits) -> None:
    """A workbook is a zip archive: refuse one that is not, or that unpacks to far more
    than its size allows (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(NOT_A_TABLE, code="import_not_a_table") from None
    if "[Content_Types].xml" not in names:
        raise DomainError(NOT_A_TABLE, code="import_not_a_table")
    if unpacked > UNPACKED_FACTOR * limits.max_bytes:
        raise _too_large(limits)


def _xlsx_rows(data: bytes, limits: _Limits) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same refusal
        raise DomainError(NOT_A_TABLE, code="import_not_a_table") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise DomainError("پرونده برگه‌ای ندارد.", code="import_empty")
        found = []
        for row in sheet.iter_rows(max_col=limits.max_cols, values_only=True):
            found.append([_cell(value) for value in row])
            if len(found) > limits.max_rows + 1:
                raise too_many(limits.max_rows)
    except DomainError:
        raise
    except Exception:  # noqa: BLE001
        raise DomainError(NOT_A_TABLE, code="import_not_a_table") from None
    finally:
        book.close()
    return found


def read_cells(file: Any, *, max_bytes: int, max_rows: int, max_cols: int) -> list[list[str]]:
    """The file's non-empty rows (the header first) as lists of text cells. Refuses (400,
    Persian) files too large, too long, unreadable or empty."""
    limits = _Limits(max_bytes, max_rows, max_cols)
    name, data = _read_bytes(file, limits)
    if data[:4] == b"PK\x03\x04":
        _check_archive(data, limits)
        table = _xlsx_rows(data, limits)
    elif name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise DomainError(NOT_A_TABLE, code="import_not_a_table")
    else:
        table = _csv_rows(data, limits)
    table = [row for row in table if any(row)] if table else []
    if not table:
        raise DomainError("پرونده خالی است.", code="import_empty")
    if len(table) > max_rows + 1:
        raise too_many(max_rows)
    return table
