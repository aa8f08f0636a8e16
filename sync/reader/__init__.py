"""The reader: class workbooks (the store's plain values) -> RAW frames plus problems.

    parts = [read_workbook_rows(ref.name, store.read_workbook(ref), subjects, windows) for ref in refs]
    school = check_pupils(combine(parts))
"""
from sync.reader.workbook import (
    ClassWorkbookData,
    WorkbookRows,
    check_pupils,
    combine,
    read_class_workbook,
    read_workbook_rows,
)

__all__ = ["ClassWorkbookData", "WorkbookRows", "check_pupils", "combine", "read_class_workbook", "read_workbook_rows"]
