"""One CSV file per report figure, made for Excel with Belgian settings, which most city staff open it in.

UTF-8 with a byte-order mark (so Excel reads the accents), a semicolon between cells (the list separator of the nl-BE
and fr-BE settings) and a decimal comma without thousands separators (so Excel reads numbers as numbers). Percentages
are written as numbers (12,5 for 12.5 %), amounts in euro; the column header says which. An unknown value is empty.
"""

import csv
import io

from django.http import HttpResponse

from .cells import MONEY, PERCENT, TEXT, csv_value
from .figures import Figure
from .selection import Selection


def header(column) -> str:
    if column.kind == PERCENT:
        return f"{column.label} (%)"
    if column.kind == MONEY:
        return f"{column.label} (EUR)"
    return str(column.label)


def csv_text(figure: Figure) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    columns = figure.export_columns
    writer.writerow([csv_value(header(column), TEXT) for column in columns])
    for row in figure.export_rows:
        writer.writerow([csv_value(value, column.kind) for value, column in zip(row, columns, strict=True)])
    return buffer.getvalue()


def csv_response(figure: Figure, selection: Selection) -> HttpResponse:
    response = HttpResponse(csv_text(figure), content_type="text/csv; charset=utf-8")
    name = f"{figure.key}-{selection.start:%Y%m%d}-{selection.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
