"""Units and people in Excel: the template, the import and the exports.

The file layout is the one office users fill today: Chinese sheet and column names, Chinese labels
for every choice (with drop-down lists), dates as dates. The import is all-or-nothing: the whole
file is read (:mod:`.reader`, through the platform's safe reader) and checked (:mod:`.checks`)
against the same checks as the services (:mod:`kaohe.org.logic`) and the importing user's scope
before anything is written; every problem is reported with its sheet, row and column
(:mod:`.issues`); then :mod:`.importer` writes units and people through the services in one
transaction, so each change has its audit event. :mod:`.template` holds the layout and writes the
blank template; :mod:`.export` writes units and people in that same layout.

The names below are the package's public face; callers import them from ``kaohe.org.excel``.
"""

from .attribute_columns import attribute_columns
from .cells import parse_date
from .export import export_people, export_units, people_filename
from .importer import ImportResult, import_workbook
from .issues import ImportIssue
from .template import (
    HELP_SHEET,
    PEOPLE_COLUMNS,
    PEOPLE_SHEET,
    TEMPLATE_FILENAME,
    UNIT_COLUMNS,
    UNIT_SHEET,
    build_template,
)

__all__ = [
    "HELP_SHEET",
    "PEOPLE_COLUMNS",
    "PEOPLE_SHEET",
    "TEMPLATE_FILENAME",
    "UNIT_COLUMNS",
    "UNIT_SHEET",
    "ImportIssue",
    "attribute_columns",
    "ImportResult",
    "build_template",
    "export_people",
    "export_units",
    "import_workbook",
    "parse_date",
    "people_filename",
]
