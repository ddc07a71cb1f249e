"""The hostile-input corpus: bad, broken and malicious workbooks, generated on demand."""
