"""The reader: class workbooks (the store's plain values) -> RAW frames plus problems.

    parts = [read_class_workbook(ref.name, store.read_workbook(ref), subjects, windows) for ref in refs]
    school = check_pupils(combine(parts))
"""
from sync.reader.workbook import ClassWorkbookData, check_pupils, combine, read_class_workbook

__all__ = ["ClassWorkbookData", "check_pupils", "combine", "read_class_workbook"]
