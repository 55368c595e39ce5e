"""Reports: figures from the log, CSV/XLSX exports, the manager's live monitor."""
