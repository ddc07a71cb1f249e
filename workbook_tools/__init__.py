"""workbook_tools: 部门预算/决算公开表工具。

Read a filled disclosure workbook into typed tables, check it, mark it, export it.
"""

__version__ = "0.1.0"
