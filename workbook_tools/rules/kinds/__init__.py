"""Rule kinds beyond the core ones, one module each (see ``workbook_tools.rules.registry``)."""
