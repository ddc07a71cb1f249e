"""Reading and writing workbooks: neutral grids, the table reader, the layout writer."""
