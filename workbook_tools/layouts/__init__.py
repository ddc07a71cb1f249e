"""Layout classes, registered by name (see ``workbook_tools.layouts.base``)."""

from workbook_tools.layouts.base import LAYOUTS, Layout, LineMatcher, layout_of, table_problems
from workbook_tools.layouts.codes import CODE_KINDS, CodeRows, ProjectRows, parent_codes
from workbook_tools.layouts.footers import FooterPanels
from workbook_tools.layouts.forms import FormLayout, form_label
from workbook_tools.layouts.lanes import Lanes
from workbook_tools.layouts.lines import FixedLines, OneRow, clean_label
from workbook_tools.layouts.panels import TwoPanel

__all__ = [
    "CODE_KINDS",
    "LAYOUTS",
    "CodeRows",
    "FixedLines",
    "FooterPanels",
    "FormLayout",
    "Lanes",
    "Layout",
    "LineMatcher",
    "OneRow",
    "ProjectRows",
    "TwoPanel",
    "clean_label",
    "form_label",
    "layout_of",
    "parent_codes",
    "table_problems",
]
