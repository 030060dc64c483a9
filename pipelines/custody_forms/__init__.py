"""Handover forms (附件 1–7) as files: reading and checking custody events.

A form is a table with one signed event a row and these columns (header row first):

    event_id,time,type,lot,location,bundles,persons,device,note
    E001,2026-06-06T16:00:00+08:00,arrive,L2026-A,vault-1,12,张三;李四,,从印刷厂接收入库
    E002,2026-06-07 07:10,depart,L2026-A,vault-1,12,陈七；周八,phone-1,送往考务办

as CSV (UTF-8, with or without BOM), JSON (a list of objects with those keys, or
`{"events": [...]}`) or XLSX (the first sheet). `read_custody_form` turns a file into
`analyzer.custody.CustodyEvent`s, or raises `CustodyFileError` listing every problem found.
"""

from pipelines.custody_forms.reader import (
    CustodyForm,
    read_custody_file,
    read_custody_form,
)
from pipelines.custody_forms.tables import COLUMNS, CustodyFileError, FormFormat, FormProblem

__all__ = [
    "COLUMNS",
    "CustodyFileError",
    "CustodyForm",
    "FormFormat",
    "FormProblem",
    "read_custody_file",
    "read_custody_form",
]
