"""Printing in the office: which way a kiosk's tickets go to paper, what is printed, the printers' recorded state."""
