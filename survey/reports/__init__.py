"""Monthly reports: cells from SQL, estimates, and renderers (PDF, XLSX/CSV, SVG)."""
