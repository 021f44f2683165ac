"""CSV for a spreadsheet: what Excel and LibreOffice open in columns, accents intact, in the person's locale.

The CSV the renderers write is plain RFC 4180 (comma, decimal point, no byte-order mark): what a program
reads. A spreadsheet opened by double-click reads a CSV by the locale instead: in Dutch and French
(Belgium, the Netherlands, France) the list separator is a semicolon and the decimal separator a comma,
and without a UTF-8 byte-order mark Excel takes the file for the Windows code page and mangles "é".
"""

from __future__ import annotations

import csv
import io
import re

DIALECTS = ("rfc4180", "spreadsheet")
DEFAULT_DIALECT = "rfc4180"
BOM = "\ufeff"
DECIMAL_COMMA = frozenset({"nl", "fr"})  # the languages whose locales write 2,5 and separate lists with ;
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


def separator(lang: str) -> str:
    return ";" if lang in DECIMAL_COMMA else ","


def for_spreadsheet(text: str, lang: str) -> str:
    """A plain CSV rewritten for a spreadsheet in `lang`'s locale: a byte-order mark, the locale's list
    separator, its decimal separator in every number (text cells are left as they are), CRLF line ends."""
    comma = lang in DECIMAL_COMMA
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator(lang), lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([cell.replace(".", ",") if comma and _DECIMAL.fullmatch(cell) else cell for cell in row])
    return BOM + out.getvalue()


def csv_in(dialect: str, text: str, lang: str) -> str:
    """The CSV text in the dialect asked for (rfc4180: as it is)."""
    return for_spreadsheet(text, lang) if dialect == "spreadsheet" else text
