"""Field extraction from invoices without templates: text PDFs, scans (OCR) and structured e-invoices."""
