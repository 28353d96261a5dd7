# Reads a workbook back with openpyxl (Debian's python3-openpyxl), a reader independent of the exceljs that wrote
# it, and prints what the tests check as JSON: each sheet's cells with their Python types, number formats,
# frozen pane and column widths, and whether any cell holds a formula.
import datetime
import json
import sys
import zipfile

import openpyxl


def cell_of(cell):
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, datetime.datetime):
        kind = "datetime"
        value = value.isoformat(timespec="milliseconds")
    elif isinstance(value, (int, float)):
        kind = "number"
        # repr: the shortest text that reads back as the same double
        value = repr(float(value))
    elif isinstance(value, str):
        kind = "str"
    else:
        kind = type(value).__name__
    return {"type": kind, "value": value, "format": cell.number_format, "formula": cell.data_type == "f"}


def main(path):
    book = openpyxl.load_workbook(path)
    sheets = []
    for sheet in book.worksheets:
        widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
        sheets.append(
            {
                "title": sheet.title,
                "freeze": sheet.freeze_panes,
                "maxRow": sheet.max_row,
                "maxColumn": sheet.max_column,
                "widths": widths,
                "rows": [[cell_of(c) for c in row] for row in sheet.iter_rows()],
            }
        )
    with zipfile.ZipFile(path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    json.dump({"sheets": sheets, "formulaElements": xml.count(b"<f>") + xml.count(b"<f "), "strCells": xml.count(b't="str"')}, sys.stdout)


main(sys.argv[1])
