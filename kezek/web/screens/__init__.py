"""The screens' pages: a blueprint per screen (kiosk, display, operator, ticket, admin, board, book), shared routes."""
