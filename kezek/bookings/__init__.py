"""Bookings: slots, booking and check-in, their configuration and report."""
