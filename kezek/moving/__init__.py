"""Moving an office with its whole history between databases: export-office and import-office."""
