"""Writers: the template and export layout writer, marks, fill, and safe file output."""
