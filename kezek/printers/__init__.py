"""Ticket printers: drawing the ticket as one bitmap, ESC/POS, printer URLs and connections, the print agent on a kiosk PC."""
