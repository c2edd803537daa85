"""The follow-up report for a checkpoint: a page, a PDF and an XLSX workbook."""
