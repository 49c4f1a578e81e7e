"""Exports of the problem inventory: CSV (UTF-8 with BOM, so Excel shows Persian), XLSX
(right-to-left sheet) and JSON, produced row by row so a large plan never sits in memory
as one document."""

import csv
import json
import tempfile
from collections.abc import Iterator

from openpyxl import Workbook

from backend.jalali import jalali_datetime_str
from inventory.figures import figures_for
from inventory.selectors import inventory_list, with_priority

COLUMNS = [
    ("code", "کد"),
    ("title", "عنوان"),
    ("statement", "بیان مسئله"),
    ("axis", "محور"),
    ("committee", "کمیته"),
    ("severity", "شدت"),
    ("status", "وضعیت"),
    ("problems_count", "مسائل"),
    ("supporters_count", "پشتیبانان یکتا"),
    ("districts_count", "مناطق"),
    ("endorsements_count", "حمایت سمن‌ها"),
    ("expert_comments_count", "نظرهای کارشناسی"),
    ("priority_score", "امتیاز اولویت"),
    ("addressed_by", "بندهای پاسخ‌دهنده"),
    ("created_at", "زمان ایجاد (ISO)"),
    ("created_at_jalali", "زمان ایجاد (شمسی)"),
    ("updated_at", "آخرین تغییر (ISO)"),
    ("updated_at_jalali", "آخرین تغییر (شمسی)"),
]
CHUNK = 500


def rows(plan_id: int) -> Iterator[dict]:
    """One dict per entry, read from the database in chunks."""
    evidence = figures_for(plan_id).evidence
    entries = inventory_list(plan_id=plan_id).order_by("code").iterator(chunk_size=CHUNK)
    for entry in entries:
        (entry,) = with_priority([entry], evidence=evidence)
        yield {
            "code": entry.code,
            "title": entry.title,
            "statement": entry.statement,
            "axis": entry.axis.title if entry.axis else "",
            "committee": entry.committee.title if entry.committee else "",
            "severity": entry.severity,
            "status": entry.get_status_display(),
            "problems_count": entry.problems_count,
            "supporters_count": entry.supporters_count,
            "districts_count": entry.districts_count,
            "endorsements_count": entry.endorsements_count,
            "expert_comments_count": entry.expert_comments_count,
            "priority_score": entry.priority_score,
            "addressed_by": " ".join(item.code for item in entry.addressed_by.all()),
            "created_at": entry.created_at.isoformat(),
            "created_at_jalali": jalali_datetime_str(entry.created_at),
            "updated_at": entry.updated_at.isoformat(),
            "updated_at_jalali": jalali_datetime_str(entry.updated_at),
        }


class _Line:
    """A file-like object whose write() hands back what was written (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(plan_id: int) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([label for _key, label in COLUMNS])
    for row in rows(plan_id):
        yield writer.writerow([row[key] for key, _label in COLUMNS])


def json_stream(plan_id: int, plan_meta: dict) -> Iterator[str]:
    yield '{"plan": ' + json.dumps(plan_meta, ensure_ascii=False) + ', "entries": ['
    first = True
    for row in rows(plan_id):
        yield ("" if first else ",") + "\n" + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def xlsx_file(plan_id: int, title: str):
    """A right-to-left workbook written in openpyxl's write-only mode (rows are flushed to
    a temporary file as they come), returned as an open file positioned at its start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "inventory")[:31])
    sheet.sheet_view.rightToLeft = True
    sheet.append([label for _key, label in COLUMNS])
    for row in rows(plan_id):
        sheet.append([row[key] for key, _label in COLUMNS])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    book.save(handle)
    handle.seek(0)
    return handle
